import { z } from 'zod';

// The knowledge base of known substitutions: which supply (a waste or a
// by-product) can feed which demand (an input or a need), how confidently,
// how far, under which conditions, what it saves, and who says so.

export const RULE_FAMILIES = {
  combustion_byproducts:
    'Sous-produits de combustion et de métallurgie (cendres, mâchefers, gypse, laitiers)',
  minerals_construction: 'Minéraux, terres et déchets du BTP',
  heat_energy: 'Chaleur fatale, vapeur et énergie',
  water: 'Eau (refroidissement, eaux usées traitées, eaux de process)',
  organics_agrifood: 'Matières organiques et coproduits agroalimentaires',
  wood_packaging: 'Bois, palettes et emballages',
  recyclables: 'Matériaux recyclables (papier-carton, plastiques, métaux, verre, textiles, pneus)',
  chemicals_solvents: 'Chimie, solvants, huiles, acides et gaz de procédé',
} as const;
export type RuleFamily = keyof typeof RULE_FAMILIES;
export const RULE_FAMILY_CODES = Object.keys(RULE_FAMILIES) as [RuleFamily, ...RuleFamily[]];

/**
 * Which resources a side of a rule accepts. `codes` are exact EWC entries
 * (6 digits) or catalogue codes; `prefixes` are EWC chapters/sub-chapters
 * (2 or 4 digits) or catalogue groups ("ENE.HEAT.WASTE" matches
 * "ENE.HEAT.WASTE.MT" but not "ENE.HEAT.WASTEX").
 */
export const ResourceMatcher = z
  .object({
    codes: z.array(z.string().min(1)).default([]),
    prefixes: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .refine((m) => m.codes.length + m.prefixes.length > 0, 'au moins un code ou un préfixe');
export type ResourceMatcher = z.infer<typeof ResourceMatcher>;

export function matchesResource(m: ResourceMatcher, code: string): boolean {
  if (m.codes.includes(code)) return true;
  return m.prefixes.some((p) =>
    /^\d+$/.test(p) ? code.startsWith(p) : code === p || code.startsWith(`${p}.`),
  );
}

/** A quality attribute the flow must declare (in its `quality` object) within bounds. */
export const QualityCondition = z
  .object({
    side: z.enum(['supply', 'demand']),
    attribute: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/),
    min: z.number().optional(),
    max: z.number().optional(),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    /** When true, a flow that does not state the attribute is still matched, with a lower score. */
    optional: z.boolean().default(true),
    labelFr: z.string().min(3),
  })
  .strict()
  .refine(
    (q) => q.min !== undefined || q.max !== undefined || q.equals !== undefined,
    'min, max ou equals',
  );

export const SOURCE_KINDS = [
  'paper',
  'guide',
  'case_study',
  'bref',
  'regulation',
  'database',
  'standard',
] as const;

export const Source = z
  .object({
    kind: z.enum(SOURCE_KINDS),
    title: z.string().min(5),
    authors: z.string().optional(),
    publisher: z.string().optional(),
    year: z.number().int().min(1950).max(2030),
    url: z.url().optional(),
    /** Page, section or table that supports the rule. */
    locator: z.string().optional(),
  })
  .strict();
export type Source = z.infer<typeof Source>;

export const GAIN_MODELS = {
  avoided_virgin_material: 'Matière vierge évitée',
  avoided_disposal: 'Élimination évitée (enfouissement, incinération)',
  avoided_fuel: 'Combustible ou énergie évités',
  reuse: 'Réemploi (objet réutilisé tel quel)',
  energy_recovery: 'Valorisation énergétique',
} as const;
export type GainModel = keyof typeof GAIN_MODELS;

export const GainSpec = z
  .object({
    model: z.enum(Object.keys(GAIN_MODELS) as [GainModel, ...GainModel[]]),
    /** Catalogue resource displaced on the receiving side (virgin material, fuel). */
    displaces: z.string().optional(),
    /** Units of `displaces` avoided per canonical unit of supply (e.g. 0.9 t clinker per t slag). */
    ratio: z.number().positive().max(100).default(1),
    /** Disposal route the supply would otherwise take. */
    avoidedRoute: z
      .enum([
        'landfill',
        'incineration',
        'incineration_energy_recovery',
        'wastewater_treatment',
        'none',
      ])
      .default('landfill'),
    /** Keys of data/emission-factors.csv used by this gain model. */
    emissionFactors: z.array(z.string()).default([]),
  })
  .strict();

/**
 * When supply and demand are counted in different canonical units (wood waste
 * in t feeding a boiler in MWh), how many demand units one supply unit gives.
 */
export const Conversion = z
  .object({
    factor: z.number().positive(),
    unit: z.string().regex(/^(t|m3|MWh|unit|h|m2)\/(t|m3|MWh|unit|h|m2)$/, 'forme « MWh/t »'),
    labelFr: z.string().min(3),
    source: Source,
  })
  .strict();

export const Rule = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'identifiant en minuscules et tirets'),
    family: z.enum(RULE_FAMILY_CODES),
    labelFr: z.string().min(5).max(200),
    labelEn: z.string().min(5).max(200).optional(),
    supply: ResourceMatcher,
    demand: ResourceMatcher,
    confidence: z.number().gt(0).max(1),
    maxDistanceKm: z.number().positive().max(1000),
    conditions: z
      .object({
        /** Hazardous supply only goes to receivers whose flow declares `authorisedHazardous: true`. */
        hazardousRequiresAuthorisation: z.boolean().default(true),
        quality: z.array(QualityCondition).default([]),
      })
      .strict()
      .default({ hazardousRequiresAuthorisation: true, quality: [] }),
    conversion: Conversion.optional(),
    gain: GainSpec,
    sources: z.array(Source).min(1, 'au moins une source publiée'),
    notes: z.string().optional(),
  })
  .strict();
export type Rule = z.infer<typeof Rule>;

/** One YAML file of data/rules/: a family's rules. */
export const RuleFile = z.object({ rules: z.array(z.unknown()) }).strict();
