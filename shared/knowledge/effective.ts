import { createHash } from 'node:crypto';
import { z } from 'zod';
import { QualityCondition, Rule } from './rules.ts';

/** What an administrator may tune on a rule without rewriting it. */
export const RuleOverride = z
  .object({
    labelFr: Rule.shape.labelFr.optional(),
    confidence: Rule.shape.confidence.optional(),
    maxDistanceKm: Rule.shape.maxDistanceKm.optional(),
    conditions: z
      .object({
        hazardousRequiresAuthorisation: z.boolean().optional(),
        quality: z.array(QualityCondition).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type RuleOverride = z.infer<typeof RuleOverride>;

export function effectiveRule(definition: Rule, override: RuleOverride): Rule {
  return {
    ...definition,
    labelFr: override.labelFr ?? definition.labelFr,
    confidence: override.confidence ?? definition.confidence,
    maxDistanceKm: override.maxDistanceKm ?? definition.maxDistanceKm,
    conditions: {
      hazardousRequiresAuthorisation:
        override.conditions?.hazardousRequiresAuthorisation ??
        definition.conditions.hazardousRequiresAuthorisation,
      quality: override.conditions?.quality ?? definition.conditions.quality,
    },
  };
}

/** Canonical JSON: object keys sorted, so the same rules always hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The version of a rule set: a short hash of the active rules as the engine
 * sees them. A match run records it, so a proposal can be traced to its rules.
 */
export function ruleSetVersion(activeRules: Rule[]): string {
  const sorted = [...activeRules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return `rs-${createHash('sha256').update(canonical(sorted)).digest('hex').slice(0, 12)}`;
}
