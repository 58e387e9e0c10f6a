import { z } from 'zod';
import { PageQuery, QueryBoolean } from './common.ts';
import { CATEGORIES } from './flows.ts';

export const Resource = z
  .object({
    code: z.string(),
    codeDisplay: z.string().describe('Forme officielle (« 17 06 01* » pour un déchet)'),
    parentCode: z.string().nullable(),
    source: z.enum(['ewc', 'catalogue']),
    category: z.enum(CATEGORIES),
    canonicalUnit: z.string(),
    labelFr: z.string(),
    labelEn: z.string(),
    level: z.string(),
    hazardous: z.boolean(),
    selectable: z.boolean().describe('Utilisable sur un flux (faux pour une rubrique)'),
    synonymsFr: z.array(z.string()),
  })
  .meta({ id: 'Resource' });

export const ResourceListQuery = PageQuery.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Mots du libellé FR/EN, synonymes ou code'),
  codePrefix: z
    .string()
    .trim()
    .max(40)
    .optional()
    .describe('Préfixe de code : « 1501 », « ENE.HEAT »'),
  category: z.enum(CATEGORIES).optional(),
  source: z.enum(['ewc', 'catalogue']).optional(),
  selectable: QueryBoolean.optional(),
  hazardous: QueryBoolean.optional(),
});

export const Naf = z
  .object({
    code: z.string(),
    labelFr: z.string(),
    section: z.string(),
    sectionLabelFr: z.string(),
    division: z.string(),
    divisionLabelFr: z.string(),
  })
  .meta({ id: 'Naf' });

export const NafListQuery = PageQuery.extend({
  q: z.string().trim().min(1).max(100).optional(),
});
