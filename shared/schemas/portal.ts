// The company portal: what a company user sees of the synergies involving it.
// Counterparts are anonymous until both sides asked to be introduced: the anonymous
// shape has no field that could carry a name, a SIRET, an address or a contact, and
// `identity` is the only place where they may appear.
import { z } from 'zod';
import { IsoDateTime, PageQuery, Uuid } from './common.ts';
import { FlowInput } from './flows.ts';
import { RejectionReason } from './lifecycle.ts';
import { SYNERGY_STATUSES } from './matching.ts';

export const ANSWERS = ['accept', 'decline', 'introduce'] as const;
export const Answer = z.enum(ANSWERS);

export const DISTANCE_BANDS = ['< 1 km', '1–5 km', '5–20 km', '20–50 km', '> 50 km'] as const;

export const CounterpartIdentity = z
  .object({
    name: z.string(),
    siret: z.string(),
    address: z.string().nullable(),
    contactEmail: z.string().nullable(),
    contactPhone: z.string().nullable(),
  })
  .meta({ id: 'CounterpartIdentity' });

export const Counterpart = z
  .object({
    role: z.enum(['supplier', 'receiver', 'member']),
    sectorLabel: z.string().describe('Division NAF (2 chiffres) de l’entreprise'),
    zoneName: z.string().nullable(),
    distanceBand: z
      .enum(DISTANCE_BANDS)
      .nullable()
      .describe('Distance à votre entreprise, par tranche ; null si une position manque'),
    quantityPerYear: z.number().nullable(),
    unit: z.string().nullable(),
    answer: Answer.nullable().describe('Réponse actuelle de cette entreprise'),
    identity: CounterpartIdentity.nullable().describe(
      'Nom, SIRET, adresse et contacts : seulement quand les deux entreprises ont demandé la mise en relation',
    ),
  })
  .strict()
  .meta({ id: 'Counterpart' });

export const PortalGains = z
  .object({
    tonnesDivertedPerYear: z.number().nullable(),
    tco2eAvoidedPerYear: z.number().nullable(),
    eurPerYear: z.number().nullable(),
  })
  .meta({ id: 'PortalGains' });

export const CompanySynergy = z
  .object({
    id: Uuid,
    type: z.enum(['substitution', 'mutualisation']),
    resourceCode: z.string(),
    resourceLabel: z.string().nullable(),
    status: z.enum(SYNERGY_STATUSES),
    score: z.number().nullable(),
    summaryFr: z.string().describe('Résumé anonyme de la piste'),
    myRole: z.enum(['supplier', 'receiver', 'member']),
    quantityPerYear: z.number().nullable(),
    unit: z.string().nullable(),
    estimatedGains: PortalGains.nullable(),
    myAnswer: Answer.nullable(),
    introduced: z
      .boolean()
      .describe('Vrai quand au moins une contrepartie et vous avez demandé la mise en relation'),
    counterparts: z.array(Counterpart),
  })
  .strict()
  .meta({ id: 'CompanySynergy' });

export const CompanySynergyParams = z.object({ id: Uuid, synergyId: Uuid });

export const CompanySynergyListQuery = PageQuery;

export const SynergyAnswerWrite = z
  .object({
    answer: Answer.describe(
      'accept : intéressé ; decline : pas intéressé (motif obligatoire) ; introduce : demande de mise en relation',
    ),
    reasonCode: RejectionReason.optional(),
    comment: z.string().trim().max(2000).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.answer === 'decline' && v.reasonCode === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['reasonCode'],
        message: 'motif obligatoire pour décliner',
      });
    if (v.answer !== 'decline' && v.reasonCode !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['reasonCode'],
        message: 'motif seulement pour décliner',
      });
  });

export const NOTIFICATION_KINDS = ['new_proposal', 'counterpart_answered', 'introduced'] as const;

export const Notification = z
  .object({
    id: Uuid,
    kind: z.enum(NOTIFICATION_KINDS),
    synergyId: Uuid,
    textFr: z.string(),
    createdAt: IsoDateTime,
    readAt: IsoDateTime.nullable().describe('Lue par vous (chaque utilisateur a ses marques)'),
  })
  .meta({ id: 'Notification' });

export const NotificationList = z.object({
  items: z.array(Notification),
  unread: z.number().int(),
});

export const NotificationListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// ---------------------------------------------------------------- corrections

export const FlowEdit = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), flow: FlowInput }).strict(),
  z.object({ op: z.literal('change'), flowId: Uuid, flow: FlowInput }).strict(),
  z.object({ op: z.literal('remove'), flowId: Uuid }).strict(),
]);

export const CorrectionCreate = z
  .object({
    edits: z.array(FlowEdit).min(1).max(500),
    comment: z.string().trim().max(2000).optional(),
  })
  .strict();

export const CorrectionDecision = z
  .object({ comment: z.string().trim().min(1).max(2000).optional() })
  .strict()
  .default({});

export const CorrectionRejection = z
  .object({ comment: z.string().trim().min(1).max(2000) })
  .strict();

/** An edit as stored and answered (the flow already normalised by FlowInput). */
const FlowEditOut = z.object({
  op: z.enum(['add', 'change', 'remove']),
  flowId: Uuid.optional(),
  flow: z.record(z.string(), z.unknown()).optional(),
});

export const Correction = z
  .object({
    id: Uuid,
    territoryId: Uuid,
    companyId: Uuid,
    diagnosticId: Uuid.describe('Version corrigée'),
    status: z.enum(['pending', 'accepted', 'rejected']),
    edits: z.array(FlowEditOut),
    comment: z.string().nullable(),
    proposedBy: Uuid.nullable(),
    createdAt: IsoDateTime,
    decidedBy: Uuid.nullable(),
    decidedAt: IsoDateTime.nullable(),
    decisionComment: z.string().nullable(),
    resultDiagnosticId: Uuid.nullable().describe(
      'Brouillon créé à l’acceptation, à valider par le chargé de mission',
    ),
  })
  .meta({ id: 'DiagnosticCorrection' });

export const CorrectionListQuery = PageQuery.extend({
  status: z.enum(['pending', 'accepted', 'rejected']).optional(),
});
