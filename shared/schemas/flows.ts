import { normaliseResourceCode } from '../resource-code.ts';
import { z } from 'zod';
import { PERIOD_CODES, UNIT_CODES } from '../units.ts';
import { IsoDateTime, PageQuery, QueryBoolean, Uuid } from './common.ts';

export const FLOW_KINDS = ['input', 'output', 'waste', 'need'] as const;
export const CATEGORIES = [
  'material',
  'energy',
  'water',
  'waste',
  'equipment',
  'service',
  'skill',
  'logistics',
  'space',
] as const;
export const CONFIDENTIALITY = ['public', 'territory', 'private'] as const;

export const ResourceCode = z
  .string()
  .trim()
  .max(40)
  // EWC codes are written with spaces and an asterisk ("15 01 03", "14 06 03*").
  .transform(normaliseResourceCode)
  .pipe(z.string().min(1));

export const FlowInput = z
  .object({
    kind: z
      .enum(FLOW_KINDS)
      .describe('input = achat/entrant, output = coproduit, waste = déchet, need = besoin'),
    category: z.enum(CATEGORIES).optional().describe('Par défaut, la catégorie de la ressource'),
    resourceCode: ResourceCode.describe('Code du catalogue ou code déchet (EWC) à 6 chiffres'),
    label: z.string().trim().max(300).nullish(),
    quantity: z.number().nonnegative().max(1e12).nullish(),
    unit: z.enum(UNIT_CODES).nullish(),
    period: z.enum(PERIOD_CODES).default('year'),
    costEurPerYear: z.number().min(-1e10).max(1e10).nullish(),
    hazardous: z.boolean().optional().describe('Forcé à vrai pour un code déchet dangereux (*)'),
    quality: z
      .record(z.string().max(60), z.union([z.string().max(500), z.number(), z.boolean()]))
      .refine((q) => Object.keys(q).length <= 30, 'au plus 30 attributs de qualité')
      .default({}),
    availability: z.string().trim().max(300).nullish(),
    confidentiality: z.enum(CONFIDENTIALITY).default('territory'),
  })
  .refine((f) => (f.quantity == null) === (f.unit == null), {
    message: 'quantité et unité vont ensemble',
    path: ['unit'],
  });

export const Flow = z
  .object({
    id: Uuid,
    diagnosticId: Uuid,
    companyId: Uuid,
    position: z.number().int(),
    kind: z.enum(FLOW_KINDS),
    category: z.enum(CATEGORIES),
    resourceCode: z.string(),
    resourceLabel: z.string(),
    label: z.string().nullable(),
    quantity: z.number().nullable(),
    unit: z.string().nullable(),
    period: z.string().nullable(),
    quantityPerYear: z.number().nullable().describe('Quantité annuelle dans l’unité canonique'),
    canonicalUnit: z.string().nullable(),
    costEurPerYear: z.number().nullable(),
    hazardous: z.boolean(),
    quality: z.record(z.string(), z.unknown()),
    availability: z.string().nullable(),
    confidentiality: z.enum(CONFIDENTIALITY),
  })
  .meta({ id: 'Flow' });

export const FlowListQuery = PageQuery.extend({
  zoneId: Uuid.optional(),
  companyId: Uuid.optional(),
  kind: z.enum(FLOW_KINDS).optional(),
  category: z.enum(CATEGORIES).optional(),
  resourceCode: z.string().trim().max(40).optional().describe('Code exact, ou préfixe suivi de *'),
  hazardous: QueryBoolean.optional(),
  scope: z
    .enum(['current', 'all'])
    .default('current')
    .describe(
      'current : flux des diagnostics validés en vigueur ; all : aussi brouillons et historique',
    ),
});

export const FlowListItem = Flow.extend({
  companyName: z.string(),
  zoneId: Uuid.nullable(),
  diagnosticStatus: z.string(),
  diagnosticVersion: z.number().int(),
  createdAt: IsoDateTime,
}).meta({ id: 'FlowListItem' });
