import { z } from 'zod';
import { INDICATOR_KEYS } from '../indicators/definitions.ts';
import { IsoDateTime, Uuid } from './common.ts';

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'mois attendu : AAAA-MM');

export const IndicatorQuery = z.object({
  territoryId: Uuid.describe('Territoire (obligatoire)'),
  zoneId: Uuid.optional().describe('Zone d’activités du territoire (facultatif)'),
  period: z
    .string()
    .regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, 'période attendue : AAAA, AAAA-Qn ou AAAA-MM')
    .optional()
    .describe(
      'Une année (2024), un trimestre (2024-Q2) ou un mois (2024-05) ; défaut : l’année en cours',
    ),
  from: Month.optional().describe('Début d’une plage de mois (AAAA-MM), avec `to`'),
  to: Month.optional().describe('Fin (incluse) d’une plage de mois (AAAA-MM), avec `from`'),
  interval: z
    .enum(['month', 'quarter', 'year'])
    .optional()
    .describe(
      'Série chronologique : une valeur par mois, trimestre ou année de la période ou de la plage (une plage sans `interval` est découpée par mois)',
    ),
  format: z.enum(['json', 'csv']).optional().describe('csv : ou en-tête Accept: text/csv'),
  decimal: z
    .enum(['point', 'comma'])
    .default('point')
    .describe(
      'CSV : « , » et point décimal (défaut) ou « ; » et virgule décimale (tableurs français)',
    ),
});

export const SecretReasonSchema = z
  .enum(['fewer_than_3', 'dominance', 'secondary'])
  .describe(
    'fewer_than_3 : moins de 3 entreprises ; dominance : une entreprise fait plus de 85 % de la valeur ; secondary : masquée pour qu’aucune autre case masquée ne puisse être recalculée par différence',
  );

export const IndicatorValue = z
  .object({
    indicator: z.enum(INDICATOR_KEYS),
    dimension: z
      .string()
      .describe('Voir le catalogue : catégorie de flux, type:statut… ; vide = aucune'),
    value: z
      .number()
      .nullable()
      .describe('null quand la valeur est couverte par le secret statistique'),
    unit: z.string(),
    secret: z
      .boolean()
      .describe('Valeur couverte par le secret statistique (ce n’est pas un zéro)'),
    reason: SecretReasonSchema.nullable(),
    companies: z
      .number()
      .int()
      .optional()
      .describe('Chargés de mission : nombre d’entreprises dans la case'),
    topShare: z
      .number()
      .optional()
      .describe('Chargés de mission : part de la première entreprise (0 à 1)'),
    secretForPartners: SecretReasonSchema.nullable()
      .optional()
      .describe('Chargés de mission : motif pour lequel la valeur est masquée aux partenaires'),
  })
  .meta({ id: 'IndicatorValue' });

export const IndicatorPeriod = z.object({
  kind: z.enum(['month', 'quarter', 'year']),
  start: z.iso.date(),
  end: z.iso.date().describe('Dernier jour inclus'),
  label: z.string(),
  values: z.array(IndicatorValue),
});

export const Indicators = z
  .object({
    territoryId: Uuid,
    territoryName: z.string(),
    zoneId: Uuid.nullable(),
    zoneName: z.string().nullable(),
    masked: z.boolean().describe('true : réponse pour un partenaire, secret statistique appliqué'),
    builtAt: IsoDateTime.nullable().describe('Date du dernier calcul des agrégats'),
    stale: z
      .boolean()
      .describe(
        'true : des données ont changé, un nouveau calcul est en cours ; la réponse vient du calcul précédent (builtAt)',
      ),
    periods: z.array(IndicatorPeriod),
  })
  .meta({ id: 'Indicators' });

export const IndicatorDefinitionSchema = z
  .object({
    key: z.enum(INDICATOR_KEYS),
    labelFr: z.string(),
    unit: z.string(),
    definitionFr: z.string(),
    sourceFr: z.string(),
    dimensionFr: z.string(),
    additiveOverZones: z.boolean(),
    additiveOverTime: z.boolean(),
  })
  .meta({ id: 'IndicatorDefinition' });

export const IndicatorDefinitions = z.object({
  secrecy: z.object({
    minCompanies: z.number().int(),
    maxShare: z.number(),
    descriptionFr: z.string(),
  }),
  items: z.array(IndicatorDefinitionSchema),
});
