import { z } from 'zod';
import { RuleOverride } from '../knowledge/effective.ts';
import { Rule as RuleDefinition, RULE_FAMILY_CODES } from '../knowledge/rules.ts';
import { IsoDateTime, PageQuery, QueryBoolean } from './common.ts';

export const RuleView = RuleDefinition.extend({
  origin: z.enum(['file', 'admin']),
  enabled: z.boolean(),
  removed: z
    .boolean()
    .describe('Règle retirée des fichiers : conservée pour l’historique, inactive'),
  override: RuleOverride.describe(
    'Réglages d’un administrateur, appliqués par-dessus la définition',
  ),
  filePath: z.string().nullable(),
  updatedAt: IsoDateTime,
}).meta({ id: 'CompatibilityRule' });

export const RuleListQuery = PageQuery.extend({
  family: z.enum(RULE_FAMILY_CODES).optional(),
  supplyCode: z.string().trim().max(40).optional().describe('Règles dont l’offre accepte ce code'),
  demandCode: z
    .string()
    .trim()
    .max(40)
    .optional()
    .describe('Règles dont la demande accepte ce code'),
  enabled: QueryBoolean.optional(),
  q: z.string().trim().min(1).max(100).optional().describe('Mots du libellé'),
});

export const RulePatch = RuleOverride.extend({
  enabled: z.boolean().optional(),
  reset: z.boolean().optional().describe('Efface les réglages et revient à la définition'),
});
