import { z } from 'zod';
import { OBJECTIVE_METRICS } from '../indicators/objectives.ts';
import { IsoDateTime, Uuid } from './common.ts';

const Text = (max: number) => z.string().trim().min(1).max(max);
const Eur = z.number().nonnegative().max(1e12).describe('Montant en euros');

export const FundingInput = z.object({ funder: Text(200), amountEur: Eur }).strict();

export const BudgetLineInput = z
  .object({
    year: z.number().int().min(2000).max(2100),
    label: Text(300),
    amountEur: Eur.describe('Dépense prévue'),
    funding: z.array(FundingInput).max(20).default([]).describe('Part de chaque financeur'),
  })
  .strict();

export const ObjectiveInput = z
  .object({
    label: Text(300),
    metric: z
      .enum(OBJECTIVE_METRICS)
      .describe('Indicateur calculé à partir des données, ou « manual » (valeur saisie)'),
    target: z.number().nonnegative(),
    unit: z.string().trim().max(50).nullable().default(null),
    startsOn: z.iso
      .date()
      .optional()
      .describe('Début de la fenêtre (défaut : début de la convention)'),
    endsOn: z.iso.date().optional().describe('Fin incluse (défaut : fin de la convention)'),
    zoneId: Uuid.nullable().default(null).describe('Restreindre à une zone du territoire'),
    manualValue: z.number().nullable().default(null).describe('Valeur saisie (metric = manual)'),
  })
  .strict();

export const ActionInput = z
  .object({
    title: Text(300),
    description: z.string().trim().max(5000).nullable().default(null),
    objectives: z.array(ObjectiveInput).max(100).default([]),
    budget: z.array(BudgetLineInput).max(500).default([]),
  })
  .strict();

export const ConventionInput = z
  .object({
    title: Text(300),
    reference: z.string().trim().max(200).nullable().default(null),
    partners: z.array(Text(200)).max(50).default([]),
    startsOn: z.iso.date(),
    endsOn: z.iso.date(),
    description: z.string().trim().max(10000).nullable().default(null),
    actions: z.array(ActionInput).max(50).default([]),
  })
  .strict();

export const Funding = z.object({ funder: z.string(), amountEur: z.number() });
export const BudgetLine = z.object({
  id: Uuid,
  year: z.number().int(),
  label: z.string(),
  amountEur: z.number(),
  funding: z.array(Funding),
});
export const Objective = z.object({
  id: Uuid,
  label: z.string(),
  metric: z.enum(OBJECTIVE_METRICS),
  target: z.number(),
  unit: z.string().nullable(),
  startsOn: z.iso.date(),
  endsOn: z.iso.date(),
  zoneId: Uuid.nullable(),
  manualValue: z.number().nullable(),
});
export const Action = z.object({
  id: Uuid,
  title: z.string(),
  description: z.string().nullable(),
  objectives: z.array(Objective),
  budget: z.array(BudgetLine),
});

export const ConventionSummary = z
  .object({
    id: Uuid,
    territoryId: Uuid,
    title: z.string(),
    reference: z.string().nullable(),
    partners: z.array(z.string()),
    startsOn: z.iso.date(),
    endsOn: z.iso.date(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'ConventionSummary' });

export const Convention = ConventionSummary.extend({
  description: z.string().nullable(),
  actions: z.array(Action),
}).meta({ id: 'Convention' });

export const ReportQuery = z.object({
  type: z
    .enum(['annual', 'intermediate'])
    .default('annual')
    .describe('annual : bilan d’une année ; intermediate : point d’étape à une date'),
  year: z.coerce
    .number()
    .int()
    .min(2000)
    .max(2100)
    .optional()
    .describe('Bilan annuel : année (défaut : dernière année de la convention déjà commencée)'),
  asOf: z.iso
    .date()
    .optional()
    .describe('Point d’étape : date de fin (défaut : aujourd’hui, bornée à la convention)'),
  format: z.enum(['json', 'csv', 'html']).optional().describe('ou en-tête Accept'),
  decimal: z.enum(['point', 'comma']).default('point').describe('CSV : virgule décimale et « ; »'),
});

export const ReportObjective = z.object({
  id: Uuid,
  actionTitle: z.string(),
  label: z.string(),
  metric: z.enum(OBJECTIVE_METRICS),
  metricLabel: z.string(),
  target: z.number(),
  unit: z.string().nullable(),
  startsOn: z.iso.date(),
  endsOn: z.iso.date(),
  measuredUntil: z.iso
    .date()
    .describe('Valeur mesurée du début de la fenêtre à cette date incluse'),
  zoneId: Uuid.nullable(),
  actual: z.number().nullable().describe('null : saisie manuelle absente'),
  progress: z.number().nullable().describe('actual / target (1 = atteint)'),
  source: z.enum(['computed', 'manual']),
});

export const ReportBudgetYear = z.object({
  year: z.number().int(),
  lines: z.array(
    z.object({
      actionTitle: z.string(),
      label: z.string(),
      amountEur: z.number(),
      funding: z.array(Funding),
      unfundedEur: z.number(),
    }),
  ),
  plannedEur: z.number(),
  funders: z.array(Funding),
  fundedEur: z.number(),
  unfundedEur: z.number(),
});

export const ConventionReport = z
  .object({
    convention: ConventionSummary,
    type: z.enum(['annual', 'intermediate']),
    periodStart: z.iso.date(),
    periodEnd: z.iso.date(),
    generatedAt: IsoDateTime,
    objectives: z.array(ReportObjective),
    budget: z.object({
      years: z.array(ReportBudgetYear),
      funders: z.array(Funding).describe('Total de chaque financeur sur la convention'),
      plannedEur: z.number(),
      fundedEur: z.number(),
      unfundedEur: z.number(),
      reportYear: ReportBudgetYear.nullable().describe('Bilan annuel : le budget de l’année'),
    }),
    keyIndicators: z
      .array(
        z.object({
          metric: z.enum(OBJECTIVE_METRICS),
          label: z.string(),
          unit: z.string(),
          value: z.number(),
        }),
      )
      .describe('Sur la période du rapport, valeurs non masquées (rapport des chargés de mission)'),
  })
  .meta({ id: 'ConventionReport' });
