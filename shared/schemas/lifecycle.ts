import { z } from 'zod';
import { REASON_LABELS_FR, REJECTION_REASONS } from '../lifecycle/state-machine.ts';
import { UNIT_CODES } from '../units.ts';
import { IsoDateTime, PageQuery, Uuid } from './common.ts';
import { SYNERGY_STATUSES, Synergy } from './matching.ts';

export const SynergyStatus = z.enum(SYNERGY_STATUSES);
export const RejectionReason = z
  .enum(REJECTION_REASONS)
  .describe(
    `Motif (liste fermée) : ${REJECTION_REASONS.map((r) => `${r} = ${REASON_LABELS_FR[r]}`).join(' ; ')}`,
  );

export const TransitionCreate = z
  .object({
    to: SynergyStatus.describe('Statut visé'),
    reasonCode: RejectionReason.optional().describe(
      'Obligatoire pour rejected et abandoned ; refusé sinon',
    ),
    comment: z.string().trim().max(2000).optional(),
  })
  .strict();

export const SynergyEvent = z
  .object({
    id: z.number().int(),
    fromStatus: SynergyStatus.nullable(),
    toStatus: SynergyStatus,
    reasonCode: RejectionReason.nullable(),
    comment: z.string().nullable(),
    actor: z
      .object({ id: Uuid, displayName: z.string() })
      .nullable()
      .describe('null : écrit par une passe du moteur'),
    runId: Uuid.nullable(),
    at: IsoDateTime,
  })
  .meta({ id: 'SynergyEvent' });

export const SynergyEventList = z.object({ items: z.array(SynergyEvent) });

const ManualParticipant = z
  .object({
    role: z.enum(['supplier', 'receiver', 'member']),
    companyId: Uuid,
    flowId: Uuid.optional().describe('Flux du diagnostic concerné, s’il existe'),
  })
  .strict();

export const ManualSynergyCreate = z
  .object({
    type: z.enum(['substitution', 'mutualisation']),
    resourceCode: z.string().trim().min(1).max(40),
    participants: z.array(ManualParticipant).min(2).max(200),
    status: z
      .enum(['proposed', 'qualified'])
      .default('qualified')
      .describe('Statut de départ (défaut : qualifiée, une personne l’a déjà examinée)'),
    explanationFr: z.string().trim().max(2000).optional(),
    quantityPerYear: z.number().nonnegative().optional(),
    unit: z.enum(UNIT_CODES).optional(),
    comment: z.string().trim().max(2000).optional(),
  })
  .strict();

export const RealisedGainsInput = z
  .object({
    quantityPerYear: z.number().nonnegative().nullable().default(null),
    unit: z.enum(UNIT_CODES).nullable().default(null),
    eurPerYear: z.number().nullable().default(null),
    tco2ePerYear: z.number().nullable().default(null),
    jobsCreated: z.number().int().nonnegative().nullable().default(null),
    jobsKept: z.number().int().nonnegative().nullable().default(null),
    measuredAt: z.iso.date(),
    comment: z.string().trim().max(2000).nullable().default(null),
  })
  .strict();

export const FollowUpQuery = PageQuery.extend({
  days: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(90)
    .describe('Sans événement depuis ce nombre de jours (défaut 90)'),
});

export const FollowUpItem = z
  .object({
    synergy: Synergy,
    lastEventAt: IsoDateTime,
    daysWithoutEvent: z.number().int(),
  })
  .meta({ id: 'FollowUpItem' });

export const LifecycleReference = z
  .object({
    statuses: z.array(
      z.object({
        code: SynergyStatus,
        labelFr: z.string(),
        open: z.boolean(),
        next: z.array(SynergyStatus).describe('Statuts atteignables depuis celui-ci'),
      }),
    ),
    reasons: z.array(z.object({ code: RejectionReason, labelFr: z.string() })),
    themes: z.array(z.object({ code: z.string(), labelFr: z.string() })),
  })
  .meta({ id: 'LifecycleReference' });
