// A small, explicit unit system. Every flow quantity is converted to the
// canonical unit of its resource's dimension and normalised to one year, so
// that the matching engine compares like with like. No implicit density or
// calorific conversion: a unit of another dimension is refused.

export const DIMENSIONS = ['mass', 'volume', 'energy', 'count', 'time', 'area'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Canonical unit per dimension: what `quantity_per_year` is expressed in. */
export const CANONICAL_UNITS = {
  mass: 't',
  volume: 'm3',
  energy: 'MWh',
  count: 'unit',
  time: 'h',
  area: 'm2',
} as const satisfies Record<Dimension, string>;
export type CanonicalUnit = (typeof CANONICAL_UNITS)[Dimension];

interface UnitDef {
  dimension: Dimension;
  /** How many canonical units one of this unit is. */
  toCanonical: number;
  label_fr: string;
}

export const UNITS = {
  t: { dimension: 'mass', toCanonical: 1, label_fr: 'tonne' },
  kg: { dimension: 'mass', toCanonical: 1e-3, label_fr: 'kilogramme' },
  g: { dimension: 'mass', toCanonical: 1e-6, label_fr: 'gramme' },
  m3: { dimension: 'volume', toCanonical: 1, label_fr: 'mètre cube' },
  L: { dimension: 'volume', toCanonical: 1e-3, label_fr: 'litre' },
  hL: { dimension: 'volume', toCanonical: 0.1, label_fr: 'hectolitre' },
  kWh: { dimension: 'energy', toCanonical: 1e-3, label_fr: 'kilowattheure' },
  MWh: { dimension: 'energy', toCanonical: 1, label_fr: 'mégawattheure' },
  GWh: { dimension: 'energy', toCanonical: 1e3, label_fr: 'gigawattheure' },
  // 1 GJ = 1e9 J / 3.6e9 J per MWh.
  GJ: { dimension: 'energy', toCanonical: 1 / 3.6, label_fr: 'gigajoule' },
  MJ: { dimension: 'energy', toCanonical: 1 / 3600, label_fr: 'mégajoule' },
  // Tonne d'équivalent pétrole: 41.868 GJ = 11.63 MWh (IEA/Eurostat convention).
  tep: { dimension: 'energy', toCanonical: 11.63, label_fr: "tonne d'équivalent pétrole" },
  unit: { dimension: 'count', toCanonical: 1, label_fr: 'unité' },
  h: { dimension: 'time', toCanonical: 1, label_fr: 'heure' },
  day_work: { dimension: 'time', toCanonical: 7, label_fr: 'jour de travail (7 h)' },
  m2: { dimension: 'area', toCanonical: 1, label_fr: 'mètre carré' },
  ha: { dimension: 'area', toCanonical: 1e4, label_fr: 'hectare' },
} as const satisfies Record<string, UnitDef>;
export type Unit = keyof typeof UNITS;
export const UNIT_CODES = Object.keys(UNITS) as [Unit, ...Unit[]];

/**
 * Periods a quantity is declared over. `day` is a calendar day (365 per year);
 * officers who count working days should declare per week or per month.
 * `one_off` is a stock available once: it counts once in the yearly figure.
 */
export const PERIODS = {
  year: 1,
  quarter: 4,
  month: 12,
  week: 52,
  day: 365,
  one_off: 1,
} as const;
export type Period = keyof typeof PERIODS;
export const PERIOD_CODES = Object.keys(PERIODS) as [Period, ...Period[]];

export function isUnit(value: string): value is Unit {
  return Object.hasOwn(UNITS, value);
}

export function dimensionOfCanonical(unit: string): Dimension | undefined {
  return DIMENSIONS.find((d) => CANONICAL_UNITS[d] === unit);
}

export type Conversion =
  | { ok: true; quantityPerYear: number; canonicalUnit: CanonicalUnit }
  | { ok: false; reason: string };

/**
 * Converts a declared quantity to the resource's canonical unit per year.
 * Refuses a unit whose dimension differs from the resource's (e.g. kWh for a
 * resource counted in tonnes).
 */
export function toCanonicalPerYear(
  quantity: number,
  unit: Unit,
  period: Period,
  canonicalUnit: string,
): Conversion {
  const def: UnitDef = UNITS[unit];
  const target = dimensionOfCanonical(canonicalUnit);
  if (!target) return { ok: false, reason: `unité canonique inconnue : ${canonicalUnit}` };
  if (def.dimension !== target) {
    return {
      ok: false,
      reason: `l'unité « ${unit} » (${def.label_fr}) ne se convertit pas en « ${canonicalUnit} »`,
    };
  }
  const perYear = quantity * def.toCanonical * PERIODS[period];
  // Round to 9 significant decimals so that 1000 kg gives exactly 1 t.
  const rounded = Number(perYear.toPrecision(12));
  return { ok: true, quantityPerYear: rounded, canonicalUnit: CANONICAL_UNITS[target] };
}
