import { z } from 'zod';
import { UNIT_CODES } from '../units.ts';
import { IsoDateTime, PageQuery, QueryBoolean, Uuid } from './common.ts';

export const MatchRunCreate = z
  .object({
    minScore: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Score minimal d’une proposition (défaut 0,05)'),
    mutualisationRadiusKm: z
      .number()
      .positive()
      .max(100)
      .optional()
      .describe('Rayon de mutualisation (défaut 3 km)'),
    mutualisationMinMembers: z
      .number()
      .int()
      .min(2)
      .max(100)
      .optional()
      .describe('Membres minimum d’une mutualisation (défaut 3)'),
  })
  .strict()
  .default({});

export const MatchRun = z
  .object({
    id: Uuid,
    territoryId: Uuid,
    trigger: z.enum(['manual', 'diagnostic_validated']),
    scopeCompanyIds: z
      .array(Uuid)
      .describe('Vide : passe complète ; sinon, entreprises dont le diagnostic a changé'),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    progress: z.number().int().describe('Avancement, 0 à 100'),
    params: z.record(z.string(), z.unknown()),
    engineVersion: z.string().nullable(),
    ruleSetVersion: z.string().nullable(),
    counts: z.record(z.string(), z.number()),
    attempts: z.number().int(),
    error: z.string().nullable(),
    createdAt: IsoDateTime,
    startedAt: IsoDateTime.nullable(),
    finishedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'MatchRun' });

export const SYNERGY_STATUSES = [
  'proposed',
  'qualified',
  'under_study',
  'in_progress',
  'implemented',
  'rejected',
  'abandoned',
] as const;

/** Figures measured once the exchange runs, next to the engine's estimate. */
export const RealisedGains = z
  .object({
    quantityPerYear: z.number().nonnegative().nullable().describe('Quantité échangée par an'),
    unit: z.enum(UNIT_CODES).nullable().describe('Unité de la quantité'),
    eurPerYear: z.number().nullable().describe('Économie en € par an'),
    tco2ePerYear: z.number().nullable().describe('tCO2e évitées par an'),
    jobsCreated: z.number().int().nonnegative().nullable().describe('Emplois créés'),
    jobsKept: z.number().int().nonnegative().nullable().describe('Emplois maintenus'),
    measuredAt: z.iso.date().describe('Date de la mesure'),
    comment: z.string().max(2000).nullable(),
    recordedAt: IsoDateTime,
    recordedBy: z.object({ id: Uuid, displayName: z.string() }).nullable(),
  })
  .meta({ id: 'RealisedGains' });

export const SynergyParticipant = z.object({
  role: z.enum(['supplier', 'receiver', 'member']),
  companyId: Uuid,
  companyName: z.string(),
  sectorLabel: z.string(),
  zoneId: Uuid.nullable(),
  flowId: Uuid.nullable(),
});

export const Synergy = z
  .object({
    id: Uuid,
    territoryId: Uuid,
    key: z.string(),
    type: z.enum(['substitution', 'mutualisation']),
    resourceCode: z.string(),
    resourceLabel: z.string().nullable(),
    ruleId: z.string().nullable(),
    status: z.enum(SYNERGY_STATUSES),
    score: z.number().nullable(),
    scoreBreakdown: z
      .unknown()
      .describe('Facteurs du score : confiance, couverture, distance, régularité, qualité'),
    explanationFr: z.string().nullable(),
    distanceKm: z.number().nullable(),
    quantityPerYear: z.number().nullable(),
    unit: z.string().nullable(),
    theme: z.string().nullable(),
    estimatedGains: z
      .unknown()
      .describe('t détournées/an, tCO2e évitées/an, €/an, avec facteurs, sources et hypothèses'),
    realisedGains: RealisedGains.nullable().describe(
      'Gains réalisés mesurés (synergies en cours ou mises en œuvre)',
    ),
    origin: z.enum(['engine', 'manual']).describe('Proposée par le moteur ou saisie à la main'),
    stale: z.boolean().describe('Plus proposée par la dernière passe (flux modifiés)'),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    participants: z.array(SynergyParticipant),
  })
  .meta({ id: 'Synergy' });

export const SynergyListQuery = PageQuery.extend({
  type: z.enum(['substitution', 'mutualisation']).optional(),
  status: z.enum(SYNERGY_STATUSES).optional(),
  zoneId: Uuid.optional().describe('Au moins un participant dans cette zone'),
  companyId: Uuid.optional().describe('Synergies impliquant cette entreprise'),
  resourceCode: z.string().trim().max(40).optional().describe('Code exact, ou préfixe suivi de *'),
  minScore: z.coerce.number().min(0).max(1).optional(),
  includeStale: QueryBoolean.default(false),
});

export const Insights = z
  .object({
    runId: Uuid.nullable(),
    computedAt: IsoDateTime.nullable(),
    cascades: z.array(z.object({ companyIds: z.array(Uuid), proposalKeys: z.array(z.string()) })),
    anchors: z.array(z.object({ companyId: Uuid, proposals: z.number().int() })),
    unmatchedResources: z.array(
      z.object({
        resourceCode: z.string(),
        companies: z.number().int(),
        quantityPerYear: z.number(),
        unit: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'MatchingInsights' });
