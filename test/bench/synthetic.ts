// A deterministic synthetic national data set for the matching benchmark:
// companies clustered in business zones of ~50 French urban areas, a NAF mix
// typical of business parks, and about ten flows per company drawn from
// per-sector resource profiles (inputs, outputs, wastes with their EWC codes,
// needs), in canonical units per year.
//
// Pure except for reading data/ (NAF, EWC, catalogue, rules, emission
// factors): same options, same data set, same ids (a seeded PRNG, never
// Math.random). It gives both the in-memory Snapshot of the pure engine and
// the rows that synthetic.repo.ts loads into PostgreSQL — the same ids, so a
// snapshot loaded back from the database describes the same companies and flows.
import {
  readCatalogueRows,
  readCsv,
  readRuleFiles,
} from '../../services/core/src/reference/files.ts';
import { effectiveRule } from '../../shared/knowledge/effective.ts';
import { Rule } from '../../shared/knowledge/rules.ts';
import {
  DEFAULT_PARAMS,
  type EmissionFactor,
  type FlowKind,
  type MatchingParams,
  type Snapshot,
  type SnapshotCompany,
  type SnapshotFlow,
  type SnapshotResource,
} from '../../shared/matching/types.ts';
import { completeSiret } from '../../shared/siret.ts';
import { PERIODS, toCanonicalPerYear, type Period, type Unit } from '../../shared/units.ts';

// ---------------------------------------------------------------- randomness

export type Rng = () => number;

/** mulberry32: a small seeded PRNG in [0, 1). */
export function rngOf(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A version-4-shaped UUID drawn from the PRNG (deterministic ids). */
export function uuidOf(rng: Rng): string {
  const b: number[] = [];
  for (let i = 0; i < 4; i++) {
    const x = Math.floor(rng() * 4294967296);
    b.push(x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255);
  }
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.map((x) => HEX[x]!);
  return (
    `${h[0]}${h[1]}${h[2]}${h[3]}-${h[4]}${h[5]}-${h[6]}${h[7]}-${h[8]}${h[9]}-` +
    `${h[10]}${h[11]}${h[12]}${h[13]}${h[14]}${h[15]}`
  );
}

const between = (rng: Rng, min: number, max: number) => min + (max - min) * rng();
const logUniform = (rng: Rng, min: number, max: number) =>
  Math.exp(between(rng, Math.log(min), Math.log(max)));
/** Standard normal (Box–Muller). */
function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
/** Three significant digits, as an officer would write a quantity. */
const sig3 = (x: number) => Number(x.toPrecision(3));

function pickWeighted<T>(rng: Rng, items: readonly T[], cumulative: readonly number[]): T {
  const r = rng() * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! > r) hi = mid;
    else lo = mid + 1;
  }
  return items[lo]!;
}

function cumulate(weights: readonly number[]): number[] {
  let s = 0;
  return weights.map((w) => (s += w));
}

// ---------------------------------------------------------------- reference data

export interface ResourceRef extends SnapshotResource {
  hazardous: boolean;
  selectable: boolean;
}

export interface ReferenceData {
  /** NAF code → division label (what the snapshot calls sectorLabel). */
  naf: Map<string, string>;
  resources: Map<string, ResourceRef>;
  /** Effective rules as `activeRules` gives them: parsed with the Rule schema, ordered by id. */
  rules: Rule[];
  emissionFactors: EmissionFactor[];
}

/** Reads data/: naf.csv, ewc.csv, catalogue/*.csv, rules/*.yaml, emission-factors.csv. */
export async function loadReferenceData(): Promise<ReferenceData> {
  const naf = new Map((await readCsv('naf.csv')).map((r) => [r.code!, r.division_label_fr!]));
  const resources = new Map<string, ResourceRef>();
  for (const r of await readCsv('ewc.csv')) {
    resources.set(r.code!, {
      code: r.code!,
      labelFr: r.description_fr!,
      category: 'waste',
      canonicalUnit: 't',
      hazardous: r.hazardous === 'true',
      selectable: r.level === 'entry',
    });
  }
  for (const r of await readCatalogueRows()) {
    resources.set(r.code!, {
      code: r.code!,
      labelFr: r.label_fr!,
      category: r.category!,
      canonicalUnit: r.canonical_unit!,
      hazardous: false,
      selectable: Boolean(r.parent),
    });
  }
  const rules: Rule[] = [];
  for (const file of await readRuleFiles()) {
    for (const raw of (file.content as { rules: unknown[] }).rules) {
      rules.push(effectiveRule(Rule.parse(raw), {}));
    }
  }
  rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const emissionFactors = (await readCsv('emission-factors.csv'))
    .map((r) => ({
      key: r.key!,
      label: r.label!,
      value: Number(r.value),
      unit: r.unit!,
      source: r.source!,
    }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { naf, resources, rules, emissionFactors };
}

// ---------------------------------------------------------------- geography

/** Urban areas of metropolitan France: name, approximate [lon, lat], economic weight. */
export const URBAN_AREAS: readonly { name: string; lon: number; lat: number; weight: number }[] = [
  { name: 'Paris', lon: 2.352, lat: 48.857, weight: 12 },
  { name: 'Lyon', lon: 4.835, lat: 45.764, weight: 5 },
  { name: 'Marseille', lon: 5.37, lat: 43.296, weight: 4 },
  { name: 'Toulouse', lon: 1.444, lat: 43.604, weight: 3.5 },
  { name: 'Lille', lon: 3.057, lat: 50.629, weight: 3.5 },
  { name: 'Bordeaux', lon: -0.579, lat: 44.837, weight: 3 },
  { name: 'Nantes', lon: -1.553, lat: 47.218, weight: 2.5 },
  { name: 'Strasbourg', lon: 7.752, lat: 48.573, weight: 2.2 },
  { name: 'Nice', lon: 7.262, lat: 43.703, weight: 2 },
  { name: 'Montpellier', lon: 3.877, lat: 43.611, weight: 2 },
  { name: 'Rennes', lon: -1.678, lat: 48.117, weight: 2 },
  { name: 'Grenoble', lon: 5.724, lat: 45.188, weight: 1.8 },
  { name: 'Rouen', lon: 1.099, lat: 49.443, weight: 1.8 },
  { name: 'Toulon', lon: 5.928, lat: 43.124, weight: 1.5 },
  { name: 'Saint-Étienne', lon: 4.387, lat: 45.439, weight: 1.4 },
  { name: 'Le Havre', lon: 0.108, lat: 49.494, weight: 1.2 },
  { name: 'Clermont-Ferrand', lon: 3.087, lat: 45.778, weight: 1.2 },
  { name: 'Metz', lon: 6.176, lat: 49.119, weight: 1.2 },
  { name: 'Nancy', lon: 6.184, lat: 48.692, weight: 1.2 },
  { name: 'Lens-Béthune', lon: 2.831, lat: 50.432, weight: 1.1 },
  { name: 'Dijon', lon: 5.041, lat: 47.322, weight: 1.1 },
  { name: 'Tours', lon: 0.689, lat: 47.394, weight: 1.1 },
  { name: 'Angers', lon: -0.554, lat: 47.478, weight: 1 },
  { name: 'Reims', lon: 4.032, lat: 49.258, weight: 1 },
  { name: 'Orléans', lon: 1.909, lat: 47.903, weight: 1 },
  { name: 'Caen', lon: -0.37, lat: 49.182, weight: 1 },
  { name: 'Brest', lon: -4.486, lat: 48.39, weight: 0.9 },
  { name: 'Le Mans', lon: 0.199, lat: 48.007, weight: 0.9 },
  { name: 'Mulhouse', lon: 7.338, lat: 47.75, weight: 0.9 },
  { name: 'Avignon', lon: 4.806, lat: 43.949, weight: 0.9 },
  { name: 'Valenciennes', lon: 3.523, lat: 50.358, weight: 0.9 },
  { name: 'Dunkerque', lon: 2.377, lat: 51.034, weight: 0.9 },
  { name: 'Perpignan', lon: 2.895, lat: 42.699, weight: 0.8 },
  { name: 'Amiens', lon: 2.296, lat: 49.894, weight: 0.8 },
  { name: 'Limoges', lon: 1.261, lat: 45.834, weight: 0.8 },
  { name: 'Besançon', lon: 6.024, lat: 47.238, weight: 0.8 },
  { name: 'Bayonne', lon: -1.475, lat: 43.493, weight: 0.8 },
  { name: 'Fos-Martigues', lon: 4.95, lat: 43.44, weight: 0.8 },
  { name: 'Pau', lon: -0.37, lat: 43.295, weight: 0.7 },
  { name: 'Annecy', lon: 6.129, lat: 45.899, weight: 0.7 },
  { name: 'Nîmes', lon: 4.36, lat: 43.837, weight: 0.7 },
  { name: 'La Rochelle', lon: -1.151, lat: 46.16, weight: 0.6 },
  { name: 'Poitiers', lon: 0.34, lat: 46.58, weight: 0.6 },
  { name: 'Valence', lon: 4.892, lat: 44.933, weight: 0.6 },
  { name: 'Saint-Nazaire', lon: -2.214, lat: 47.273, weight: 0.6 },
  { name: 'Chambéry', lon: 5.918, lat: 45.564, weight: 0.5 },
  { name: 'Troyes', lon: 4.074, lat: 48.297, weight: 0.5 },
  { name: 'Lorient', lon: -3.367, lat: 47.748, weight: 0.5 },
  { name: 'Calais', lon: 1.858, lat: 50.951, weight: 0.5 },
  { name: 'Chartres', lon: 1.489, lat: 48.446, weight: 0.4 },
  { name: 'Bourges', lon: 2.398, lat: 47.081, weight: 0.4 },
  { name: 'Angoulême', lon: 0.156, lat: 45.649, weight: 0.4 },
];

/** A regional subset (Auvergne-Rhône-Alpes), for territory-sized data sets. */
export const AURA_AREAS = ['Lyon', 'Saint-Étienne', 'Grenoble', 'Valence', 'Chambéry', 'Annecy'];

const ZONE_KINDS = [
  'ZI Nord',
  'ZI Sud',
  'ZA Est',
  'ZA Ouest',
  'Parc d’activités des Portes',
  'ZAC du Moulin',
  'Zone portuaire',
  'Parc logistique',
  'Technopôle',
  'ZI des Grands Champs',
  'ZA de la Gare',
  'Parc d’activités du Canal',
  'ZAC des Forges',
  'Pôle agroalimentaire',
  'ZI de la Plaine',
  'ZA des Sablons',
  'Parc d’activités de l’Aéroport',
  'ZAC des Tuileries',
  'ZI du Port Sec',
  'Écoparc',
];

const KM_PER_DEG_LAT = 111.32;
const kmToDegLon = (km: number, lat: number) =>
  km / (KM_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180));

type LonLat = [number, number];

/** Equirectangular distance in km (plenty for a few tens of km). */
function kmBetween(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dx = (lon2 - lon1) * KM_PER_DEG_LAT * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  return Math.hypot(dx, (lat2 - lat1) * KM_PER_DEG_LAT);
}

export interface SyntheticZone {
  id: string;
  name: string;
  area: string;
  centerLon: number;
  centerLat: number;
  radiusKm: number;
  /** Convex, counter-clockwise, closed exterior ring ([lon, lat]). */
  ring: LonLat[];
}

/** Even-odd point-in-polygon (the ring is convex and points never fall on an edge in practice). */
function insideRing(lon: number, lat: number, ring: readonly LonLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function zoneWkt(z: SyntheticZone): string {
  return `MULTIPOLYGON(((${z.ring.map(([x, y]) => `${x} ${y}`).join(',')})))`;
}

// ---------------------------------------------------------------- sector profiles

interface QualitySpec {
  attribute: string;
  /** Probability that the flow states the attribute. */
  p: number;
  value: boolean | string | [number, number];
}

interface FlowTemplate {
  kind: FlowKind;
  code: string;
  /** Probability that a company of the sector declares the flow. */
  p: number;
  /** Yearly quantity range (canonical unit), for a company of median size. */
  min: number;
  max: number;
  /** Share of declarations as a one-off stock. */
  oneOff?: number;
  /** Quantity independent of the company's size (equipment counts, hours…). */
  fixed?: boolean;
  quality?: QualitySpec[];
  /** €/canonical unit, declared half of the time. */
  cost?: number;
}

interface Sector {
  naf: string;
  weight: number;
  /** Probability of being inside a business zone. */
  inZone: number;
  /** Typical distance to the city centre when outside a zone (km). */
  spreadKm: number;
  /** Median size factor (1 = a typical SME of a business park). */
  size: number;
  /** Probability scaling of the common flows (offices use less gas than foundries). */
  common: number;
  flows: FlowTemplate[];
}

const f = (
  kind: FlowKind,
  code: string,
  p: number,
  min: number,
  max: number,
  extra: Partial<Pick<FlowTemplate, 'oneOff' | 'fixed' | 'quality' | 'cost'>> = {},
): FlowTemplate => ({ kind, code, p, min, max, ...extra });

const q = (attribute: string, p: number, value: QualitySpec['value']): QualitySpec => ({
  attribute,
  p,
  value,
});
const SORTED = q('sorted', 0.5, true);
const CLEAN = q('clean', 0.5, true);
const METALS_OK = q('heavyMetals', 0.5, true);
const FOOD = q('foodGrade', 0.5, true);
const PATHOGEN_FREE = q('pathogenFree', 0.4, true);
const AUTHORISED = q('authorisedHazardous', 1, true);
const temp = (min: number, max: number) => q('temperatureC', 0.6, [min, max]);
const purity = (min: number, max: number) => q('purityPct', 0.5, [min, max]);

/** Flows most companies of a business park declare (scaled by the sector's `common`). */
const COMMON: FlowTemplate[] = [
  f('input', 'ENE.ELEC', 0.97, 40, 4000, { cost: 150 }),
  f('input', 'ENE.GAS.NAT', 0.6, 60, 6000, { cost: 70 }),
  f('input', 'WAT.DRINK', 0.7, 150, 15000, { cost: 4 }),
  f('input', 'ENE.HEAT.USE.SPACE', 0.12, 50, 2000),
  f('waste', '150101', 0.7, 2, 150, { quality: [SORTED, CLEAN], cost: 90 }),
  f('waste', '150102', 0.5, 0.5, 40, { quality: [SORTED, CLEAN], cost: 120 }),
  f('waste', '200301', 0.55, 3, 200, { cost: 150 }),
  f('waste', '150103', 0.3, 1, 80, { quality: [CLEAN], cost: 80 }),
  f('waste', '150104', 0.1, 0.2, 10),
  f('waste', '200139', 0.1, 0.2, 10),
  f('input', 'LOG.PAL.IND', 0.08, 100, 5000),
  f('input', 'MAT.CHEM.DETERG', 0.1, 0.2, 10),
  f('need', 'SRV.COLL.BIO', 0.05, 1, 50),
  f('need', 'SKL.HSE', 0.05, 20, 300, { fixed: true }),
  f('waste', '160214', 0.08, 0.05, 3),
  f('waste', '080318', 0.08, 0.01, 0.5),
  f('waste', '200121', 0.06, 0.01, 0.3),
  f('input', 'LOG.PAL.EUR', 0.15, 100, 8000),
  f('input', 'LOG.PACK.BOX', 0.3, 500, 20000),
  f('waste', '150106', 0.15, 1, 60),
  f('waste', '200101', 0.3, 0.5, 15, { quality: [SORTED] }),
  f('waste', '200108', 0.12, 0.5, 20),
  f('waste', '150110', 0.08, 0.05, 2),
  f('input', 'ENE.OIL.DIESEL', 0.2, 20, 800, { cost: 110 }),
  f('need', 'SRV.COLL.CARD', 0.1, 2, 100),
  f('need', 'SRV.COLL.HAZ', 0.05, 0.1, 5),
  f('need', 'SRV.CONSULT.ENERGY', 0.05, 20, 200, { fixed: true }),
  f('need', 'SRV.TRAIN.CACES', 0.08, 14, 140, { fixed: true }),
  f('need', 'SPC.PARK', 0.04, 100, 2000, { fixed: true }),
  f('input', 'WAT.PROC', 0.1, 200, 10000),
  f('need', 'SRV.COLL.DIB', 0.15, 5, 200),
  f('need', 'SRV.TRAIN.SST', 0.3, 14, 140, { fixed: true }),
  f('need', 'SRV.CLEAN.OFFICE', 0.1, 100, 2000),
  f('need', 'SRV.SEC.GUARD', 0.06, 200, 4000),
  f('need', 'SRV.PURCH.ELEC', 0.06, 50, 4000),
  f('need', 'SRV.MAINT.HVAC', 0.06, 10, 200, { fixed: true }),
];

const S = (
  naf: string,
  weight: number,
  flows: FlowTemplate[],
  o: Partial<Pick<Sector, 'inZone' | 'spreadKm' | 'size' | 'common'>> = {},
): Sector => ({
  naf,
  weight,
  inZone: o.inZone ?? 0.8,
  spreadKm: o.spreadKm ?? 8,
  size: o.size ?? 1,
  common: o.common ?? 1,
  flows,
});

const RURAL = { inZone: 0.05, spreadKm: 25 };

const LOGISTICS: FlowTemplate[] = [
  f('output', 'LOG.PAL.BROKEN', 0.5, 200, 8000),
  f('output', 'LOG.PAL.EUR', 0.05, 200, 5000),
  f('input', 'LOG.PAL.EUR', 0.4, 1000, 30000),
  f('waste', '150102', 0.6, 2, 80, { quality: [SORTED, CLEAN] }),
  f('input', 'LOG.PACK.FILM', 0.4, 2, 60),
  f('input', 'ENE.OIL.DIESEL', 0.5, 200, 15000, { cost: 110 }),
  f('need', 'EQP.HANDL.FORKLIFT', 0.3, 1, 6, { fixed: true }),
  f('need', 'SRV.TRAIN.CACES', 0.55, 35, 500, { fixed: true }),
  f('output', 'SPC.WARE.DRY', 0.1, 300, 8000, { fixed: true }),
  f('need', 'SPC.WARE.DRY', 0.08, 300, 5000, { fixed: true }),
  f('need', 'SRV.MAINT.HANDL', 0.25, 20, 300),
  f('output', 'LOG.TRANS.RETURN', 0.12, 50, 2000),
  f('need', 'LOG.TRANS.SHARED', 0.12, 50, 2000),
  f('need', 'SKL.DRIVE', 0.15, 200, 3000, { fixed: true }),
  f('input', 'EQP.VEH.TRUCK', 0.2, 1, 20, { fixed: true }),
];

const SECTORS: Sector[] = [
  // -- logistics and transport
  S('52.10B', 5, LOGISTICS, { size: 1.5 }),
  S(
    '52.10A',
    1.2,
    [
      ...LOGISTICS,
      f('input', 'ENE.COLD', 0.8, 200, 8000),
      f('output', 'ENE.HEAT.WASTE.LT', 0.3, 100, 3000, { quality: [temp(25, 45)] }),
      f('need', 'SPC.WARE.COLDPOS', 0.1, 200, 3000, { fixed: true }),
    ],
    { size: 1.5 },
  ),
  S('49.41A', 3.5, LOGISTICS, { common: 0.7 }),
  S('52.29A', 2, LOGISTICS, { common: 0.8 }),
  // -- food industry and food retail
  S('10.71A', 1.4, [
    f('input', 'MAT.FOOD.FLOUR', 0.9, 100, 4000, { cost: 400 }),
    f('waste', '020601', 0.6, 5, 200, { quality: [FOOD] }),
    f('output', 'MAT.FOOD.BYPROD.BREAD', 0.3, 5, 150, { quality: [FOOD] }),
    f('output', 'ENE.HEAT.WASTE.MT', 0.35, 100, 2500, { quality: [temp(70, 160)] }),
    f('input', 'ENE.COLD', 0.4, 50, 1500),
    f('input', 'WAT.PROC', 0.5, 500, 10000),
    f('waste', '200108', 0.3, 2, 60),
  ]),
  S('10.51A', 0.8, [
    f('input', 'MAT.FOOD.MILK', 0.95, 5000, 150000),
    f('waste', '020501', 0.8, 500, 30000, { quality: [FOOD] }),
    f('output', 'MAT.FOOD.WHEY', 0.25, 500, 20000, { quality: [FOOD] }),
    f('waste', '020502', 0.5, 50, 2000, { quality: [METALS_OK] }),
    f('output', 'WAT.WW.IND.ORG', 0.5, 10000, 300000),
    f('input', 'ENE.HEAT.STEAM.LP', 0.5, 1000, 30000),
    f('input', 'ENE.COLD', 0.7, 500, 10000),
    f('input', 'WAT.PROC', 0.8, 20000, 500000),
    f('output', 'ENE.HEAT.WASTE.LT', 0.4, 300, 8000, { quality: [temp(25, 50)] }),
  ]),
  S('10.51C', 0.6, [
    f('input', 'MAT.FOOD.MILK', 0.95, 2000, 80000),
    f('waste', '020501', 0.85, 1000, 60000, { quality: [FOOD] }),
    f('waste', '020502', 0.4, 30, 1500, { quality: [METALS_OK] }),
    f('input', 'ENE.COLD', 0.7, 200, 6000),
    f('input', 'WAT.PROC', 0.7, 10000, 200000),
  ]),
  S('11.05Z', 0.6, [
    f('input', 'MAT.FOOD.MALT', 0.95, 50, 20000),
    f('waste', '020704', 0.85, 50, 25000, { quality: [FOOD] }),
    f('output', 'MAT.FOOD.BYPROD.YEAST', 0.4, 5, 1500, { quality: [FOOD, PATHOGEN_FREE] }),
    f('output', 'MAT.GAS.CO2.BIO', 0.3, 20, 3000, { quality: [FOOD] }),
    f('input', 'WAT.PROC', 0.9, 2000, 400000),
    f('output', 'ENE.HEAT.WASTE.LT', 0.3, 100, 5000, { quality: [temp(30, 60)] }),
    f('output', 'WAT.WW.IND.ORG', 0.4, 2000, 200000),
    f('input', 'MAT.GAS.CO2.FOOD', 0.3, 10, 500),
  ]),
  S('10.13A', 1.1, [
    f('waste', '020202', 0.7, 30, 4000),
    f('waste', '020204', 0.4, 20, 1500, { quality: [METALS_OK] }),
    f('input', 'ENE.COLD', 0.85, 200, 8000),
    f('input', 'WAT.PROC', 0.7, 2000, 100000),
    f('output', 'WAT.WW.IND.ORG', 0.4, 2000, 100000),
    f('output', 'ENE.HEAT.WASTE.LT', 0.35, 100, 3000, { quality: [temp(25, 45)] }),
    f('input', 'ENE.HEAT.HW.MT', 0.3, 300, 5000),
  ]),
  S('10.11Z', 0.5, [
    f('waste', '020202', 0.9, 500, 20000),
    f('waste', '020204', 0.5, 100, 5000, { quality: [METALS_OK] }),
    f('input', 'ENE.COLD', 0.9, 1000, 15000),
    f('input', 'WAT.PROC', 0.9, 20000, 300000),
    f('input', 'ENE.HEAT.HW.MT', 0.5, 1000, 10000),
  ]),
  S('10.39A', 0.8, [
    f('input', 'MAT.FOOD.FRUITVEG', 0.9, 1000, 60000),
    f('waste', '020304', 0.8, 100, 10000, { quality: [FOOD] }),
    f('output', 'MAT.FOOD.BYPROD.FRUITVEG', 0.25, 50, 3000, { quality: [FOOD] }),
    f('waste', '020305', 0.4, 50, 3000, { quality: [METALS_OK] }),
    f('input', 'ENE.HEAT.STEAM.LP', 0.5, 500, 15000),
    f('input', 'WAT.PROC', 0.8, 10000, 300000),
  ]),
  S(
    '10.91Z',
    0.5,
    [
      f('input', 'MAT.AGRI.FEED.COPROD', 0.8, 2000, 60000),
      f('input', 'MAT.FOOD.CEREAL', 0.9, 5000, 150000),
      f('input', 'ENE.HEAT.USE.DRY', 0.5, 500, 8000),
      f('input', 'ENE.HEAT.STEAM.LP', 0.4, 500, 10000),
    ],
    { inZone: 0.4, spreadKm: 15 },
  ),
  S('10.61A', 0.3, [
    f('input', 'MAT.FOOD.CEREAL', 0.95, 10000, 200000),
    f('output', 'MAT.FOOD.FLOUR', 0.9, 5000, 150000),
    f('output', 'MAT.AGRI.FEED.COPROD', 0.7, 1000, 40000),
  ]),
  S(
    '47.11F',
    1.5,
    [
      f('output', 'MAT.FOOD.SURPLUS', 0.5, 10, 300, { quality: [FOOD] }),
      f('waste', '200108', 0.6, 20, 400),
      f('waste', '150101', 0.9, 50, 600, { quality: [SORTED] }),
      f('output', 'ENE.HEAT.WASTE.LT', 0.25, 200, 2500, { quality: [temp(25, 45)] }),
      f('input', 'ENE.COLD', 0.8, 300, 3000),
      f('output', 'LOG.PAL.BROKEN', 0.3, 200, 3000),
    ],
    { inZone: 0.7, size: 1.5 },
  ),
  // -- metal work and mechanical industries
  S('25.62B', 4, [
    f('input', 'MAT.MET.STEEL', 0.8, 10, 1500),
    f('waste', '120101', 0.75, 3, 400, { quality: [SORTED] }),
    f('waste', '120103', 0.35, 1, 100, { quality: [SORTED] }),
    f('waste', '120109', 0.5, 1, 80),
    f('waste', '130205', 0.45, 0.3, 15),
    f('waste', '150110', 0.35, 0.2, 8),
    f('input', 'MAT.CHEM.LUBE', 0.5, 0.5, 30),
    f('need', 'SKL.WELD', 0.12, 50, 800, { fixed: true }),
    f('need', 'SKL.MECH', 0.12, 50, 800, { fixed: true }),
    f('need', 'EQP.PROC.COMPRESSOR', 0.1, 1, 3, { fixed: true }),
    f('need', 'SRV.COLL.HAZ', 0.2, 0.5, 20),
  ]),
  S('25.11Z', 2, [
    f('input', 'MAT.MET.STEEL', 0.9, 100, 8000),
    f('waste', '120101', 0.8, 10, 800, { quality: [SORTED] }),
    f('waste', '120102', 0.4, 1, 60),
    f('waste', '170405', 0.3, 5, 300),
    f('waste', '080111', 0.25, 0.5, 20),
    f('input', 'MAT.CHEM.PAINT', 0.5, 2, 80),
    f('need', 'SKL.WELD', 0.3, 100, 1500, { fixed: true }),
    f('need', 'EQP.HANDL.TELE', 0.1, 1, 2, { fixed: true }),
  ]),
  S('25.61Z', 1.2, [
    f('waste', '110105', 0.6, 10, 1500),
    f('waste', '110109', 0.5, 5, 500, { quality: [purity(5, 40)] }),
    f('waste', '110107', 0.3, 5, 300),
    f('input', 'MAT.CHEM.ACID.HCL', 0.5, 10, 800),
    f('input', 'MAT.CHEM.ACID.SULF', 0.4, 10, 800),
    f('input', 'MAT.CHEM.BASE.NAOH', 0.5, 10, 600),
    f('input', 'WAT.PROC', 0.8, 2000, 80000),
    f('input', 'WAT.DEMIN', 0.5, 500, 20000),
    f('need', 'SRV.COLL.HAZ', 0.4, 10, 500),
  ]),
  S(
    '24.51Z',
    0.35,
    [
      f('waste', '100908', 0.9, 500, 20000, { quality: [METALS_OK] }),
      f('waste', '100903', 0.6, 100, 5000),
      f('waste', '100910', 0.4, 20, 800),
      f('output', 'ENE.HEAT.WASTE.HT', 0.6, 1000, 30000, { quality: [temp(200, 600)] }),
      f('output', 'ENE.HEAT.WASTE.MT', 0.4, 500, 10000, { quality: [temp(70, 150)] }),
      f('input', 'MAT.MET.STEEL.SCRAP', 0.9, 3000, 60000),
      f('input', 'MAT.MIN.SAND', 0.8, 500, 20000),
    ],
    { size: 3 },
  ),
  S(
    '24.53Z',
    0.3,
    [
      f('waste', '101008', 0.8, 200, 8000, { quality: [METALS_OK] }),
      f('waste', '100316', 0.3, 50, 1500),
      f('output', 'ENE.HEAT.WASTE.MT', 0.5, 500, 8000, { quality: [temp(70, 150)] }),
      f('input', 'MAT.MET.AL', 0.9, 1000, 30000),
    ],
    { size: 2 },
  ),
  S(
    '24.10Z',
    0.03,
    [
      f('waste', '100202', 0.95, 50000, 800000),
      f('waste', '100201', 0.6, 20000, 300000),
      f('waste', '100207', 0.6, 1000, 20000),
      f('waste', '100210', 0.5, 2000, 40000),
      f('output', 'ENE.GAS.PROC.STEEL', 0.6, 100000, 2000000),
      f('output', 'ENE.HEAT.WASTE.HT', 0.8, 20000, 500000, { quality: [temp(200, 600)] }),
      f('input', 'MAT.MET.STEEL.SCRAP', 0.9, 100000, 1500000),
    ],
    { size: 10, inZone: 0.3 },
  ),
  S('28.29B', 1.5, [
    f('input', 'MAT.MET.STEEL', 0.8, 20, 2000),
    f('waste', '120101', 0.7, 5, 300, { quality: [SORTED] }),
    f('waste', '120103', 0.3, 1, 50),
    f('waste', '130205', 0.4, 0.3, 10),
    f('waste', '150110', 0.3, 0.2, 5),
    f('input', 'LOG.PACK.CRATE', 0.3, 50, 2000),
    f('need', 'SKL.ELEC', 0.1, 50, 600, { fixed: true }),
  ]),
  S(
    '29.32Z',
    0.9,
    [
      f('input', 'MAT.MET.STEEL', 0.7, 200, 10000),
      f('input', 'MAT.POLY.PP', 0.5, 50, 3000),
      f('waste', '120101', 0.7, 50, 2000, { quality: [SORTED] }),
      f('waste', '120105', 0.3, 5, 200, { quality: [SORTED, CLEAN] }),
      f('waste', '080111', 0.4, 2, 80),
      f('waste', '150110', 0.4, 1, 40),
      f('input', 'MAT.CHEM.PAINT', 0.5, 10, 400),
      f('input', 'LOG.PACK.IBC', 0.3, 20, 500),
      f('output', 'LOG.PACK.CRATE', 0.2, 100, 5000),
    ],
    { size: 2 },
  ),
  S('33.12Z', 0.8, [
    f('waste', '130205', 0.5, 0.2, 6),
    f('waste', '120101', 0.4, 1, 40),
    f('waste', '160601', 0.2, 0.1, 3),
    f('output', 'SKL.MECH', 0.15, 100, 1500, { fixed: true }),
  ]),
  S(
    '45.20A',
    2.2,
    [
      f('waste', '130205', 0.8, 0.5, 15),
      f('waste', '160103', 0.6, 1, 60),
      f('waste', '160601', 0.4, 0.2, 4),
      f('waste', '160107', 0.5, 0.05, 1.5),
      f('waste', '150110', 0.4, 0.1, 3),
      f('waste', '160117', 0.3, 0.5, 20),
    ],
    { common: 0.7, inZone: 0.55 },
  ),
  // -- plastics
  S('22.22Z', 1.8, [
    f('input', 'MAT.POLY.PE', 0.85, 200, 15000),
    f('input', 'MAT.POLY.PP', 0.5, 100, 8000),
    f('input', 'MAT.POLY.PET', 0.25, 100, 6000),
    f('input', 'MAT.POLY.PE.RECY', 0.3, 50, 3000),
    f('waste', '070213', 0.8, 10, 600, { quality: [SORTED, CLEAN] }),
    f('output', 'ENE.HEAT.WASTE.LT', 0.3, 200, 4000, { quality: [temp(25, 50)] }),
    f('input', 'WAT.COOL', 0.5, 2000, 60000),
    f('output', 'WAT.COOL.USED', 0.2, 2000, 50000, { quality: [CLEAN] }),
    f('input', 'LOG.PACK.BIGBAG', 0.4, 100, 4000),
  ]),
  S('22.29A', 1.8, [
    f('input', 'MAT.POLY.PP', 0.8, 50, 5000),
    f('input', 'MAT.POLY.PE', 0.4, 50, 3000),
    f('input', 'MAT.POLY.PP.RECY', 0.2, 20, 1000),
    f('waste', '070213', 0.7, 5, 300, { quality: [SORTED, CLEAN] }),
    f('waste', '120105', 0.4, 2, 100, { quality: [SORTED] }),
    f('input', 'WAT.COOL', 0.4, 1000, 30000),
    f('input', 'LOG.PACK.BIGBAG', 0.3, 50, 2000),
  ]),
  S('22.21Z', 0.8, [
    f('input', 'MAT.POLY.PVC', 0.7, 200, 10000),
    f('input', 'MAT.POLY.PE', 0.4, 100, 5000),
    f('input', 'MAT.POLY.PVC.RECY', 0.2, 50, 2000),
    f('waste', '070213', 0.7, 10, 500, { quality: [SORTED, CLEAN] }),
    f('input', 'WAT.COOL', 0.4, 1000, 30000),
  ]),
  // -- construction and building materials
  ...(['41.20A', '43.99C', '43.12A', '42.11Z'] as const).map((naf, i) =>
    S(
      naf,
      [2, 3, 1.5, 1.2][i]!,
      [
        f('waste', '170107', 0.6, 20, 3000, { oneOff: 0.3, quality: [SORTED] }),
        f('waste', '170101', 0.4, 10, 2000, { oneOff: 0.3, quality: [SORTED] }),
        f('waste', '170504', naf === '43.12A' ? 0.9 : 0.4, 100, 30000, {
          oneOff: 0.5,
          quality: [CLEAN],
        }),
        f('waste', '170201', 0.45, 2, 200, { quality: [SORTED, CLEAN] }),
        f('waste', '170405', 0.3, 1, 100),
        f('waste', '170904', 0.5, 10, 800),
        f('waste', '170302', naf === '42.11Z' ? 0.8 : 0.02, 100, 15000, { quality: [CLEAN] }),
        f('waste', '170802', naf === '41.20A' ? 0.4 : 0.1, 2, 100, { quality: [SORTED] }),
        f('input', 'MAT.MIN.AGG', 0.6, 100, 20000),
        f('input', 'MAT.MIN.AGG.ROAD', naf === '42.11Z' ? 0.9 : 0.1, 2000, 80000),
        f('input', 'MAT.MIN.FILL', naf === '43.12A' ? 0.6 : 0.1, 500, 40000),
        f('input', 'MAT.MIN.SAND', 0.4, 50, 8000),
        f('input', 'MAT.MIN.CEM.CEMENT', 0.4, 20, 3000),
        f('input', 'ENE.OIL.DIESEL', 0.6, 50, 5000, { cost: 110 }),
        f('need', 'EQP.VEH.TRUCK', 0.1, 1, 4, { fixed: true }),
        f('need', 'SPC.YARD', 0.1, 200, 3000, { fixed: true }),
        f('need', 'LOG.CONT.SKIP', 0.15, 2, 20, { fixed: true }),
        f('need', 'SRV.TRAIN.CACES', 0.3, 35, 300, { fixed: true }),
      ],
      { inZone: 0.6, common: 0.7 },
    ),
  ),
  S(
    '43.21A',
    2,
    [
      f('waste', '170411', 0.5, 0.5, 30),
      f('waste', '170904', 0.3, 2, 100),
      f('waste', '200121', 0.3, 0.05, 1),
      f('need', 'SRV.TRAIN.ELEC', 0.35, 20, 300, { fixed: true }),
      f('output', 'SKL.ELEC', 0.1, 100, 2000, { fixed: true }),
    ],
    { inZone: 0.6, common: 0.6 },
  ),
  S(
    '23.63Z',
    0.5,
    [
      f('input', 'MAT.MIN.AGG', 0.95, 20000, 250000),
      f('input', 'MAT.MIN.AGG.RECY', 0.4, 2000, 40000),
      f('input', 'MAT.MIN.CEM.CEMENT', 0.95, 3000, 40000),
      f('input', 'MAT.MIN.CEM.ADDITION', 0.5, 500, 10000),
      f('waste', '101314', 0.7, 200, 5000),
      f('input', 'WAT.PROC', 0.8, 2000, 40000),
      f('input', 'WAT.RAIN', 0.2, 500, 5000),
    ],
    { inZone: 0.5, spreadKm: 12 },
  ),
  S(
    '23.61Z',
    0.4,
    [
      f('input', 'MAT.MIN.AGG', 0.9, 5000, 120000),
      f('input', 'MAT.MIN.CEM.CEMENT', 0.9, 1000, 25000),
      f('input', 'MAT.MIN.CEM.SLAG', 0.3, 200, 8000),
      f('input', 'MAT.MIN.CEM.ADDITION', 0.3, 200, 5000),
      f('waste', '101314', 0.6, 100, 3000),
      f('input', 'MAT.MET.STEEL', 0.7, 200, 5000),
    ],
    { inZone: 0.6 },
  ),
  S(
    '08.12Z',
    0.3,
    [
      f('waste', '010408', 0.5, 2000, 50000),
      f('waste', '010409', 0.4, 1000, 30000),
      f('waste', '010410', 0.3, 500, 10000),
      f('input', 'MAT.MIN.FILL.QUARRY', 0.7, 20000, 500000),
      f('output', 'MAT.MIN.AGG', 0.9, 50000, 1000000),
      f('input', 'ENE.OIL.DIESEL', 0.8, 500, 8000),
    ],
    { ...RURAL, size: 2 },
  ),
  S(
    '23.51Z',
    0.03,
    [
      f('input', 'MAT.MIN.CEM.RAW', 0.95, 50000, 600000),
      f('input', 'MAT.CHEM.ALTFUEL', 0.8, 10000, 120000, { quality: [AUTHORISED] }),
      f('input', 'ENE.ALT.KILN', 0.7, 50000, 600000),
      f('input', 'ENE.SOLID.PETCOKE', 0.8, 100000, 1000000),
      f('output', 'ENE.HEAT.WASTE.HT', 0.6, 20000, 200000, { quality: [temp(250, 400)] }),
      f('waste', '101306', 0.5, 1000, 20000),
      f('output', 'MAT.MIN.CEM.CEMENT', 0.95, 300000, 1500000),
    ],
    { ...RURAL, size: 5 },
  ),
  S(
    '23.32Z',
    0.08,
    [
      f('input', 'MAT.MIN.CLAY', 0.95, 20000, 200000),
      f('output', 'ENE.HEAT.WASTE.HT', 0.5, 2000, 30000, { quality: [temp(150, 300)] }),
      f('waste', '101208', 0.6, 500, 8000),
    ],
    { ...RURAL, size: 2 },
  ),
  S(
    '23.62Z',
    0.06,
    [
      f('input', 'MAT.MIN.GYPSUM', 0.95, 20000, 400000),
      f('waste', '170802', 0.5, 500, 10000),
      f('input', 'ENE.HEAT.USE.DRY', 0.7, 5000, 60000),
    ],
    { size: 3, inZone: 0.5, spreadKm: 15 },
  ),
  // -- wholesale
  ...(
    [
      ['46.90Z', 3],
      ['46.73A', 2],
      ['46.69B', 2],
      ['46.39B', 2],
    ] as const
  ).map(([naf, w]) =>
    S(naf, w, [
      f('waste', '150101', 0.8, 20, 600, { quality: [SORTED, CLEAN] }),
      f('waste', '150102', 0.6, 5, 150, { quality: [SORTED, CLEAN] }),
      f('waste', '150103', 0.4, 10, 300, { quality: [CLEAN] }),
      f('output', 'LOG.PAL.BROKEN', 0.35, 200, 5000),
      f('input', 'LOG.PAL.EUR', 0.4, 500, 20000),
      f('output', 'MAT.FOOD.SURPLUS', naf === '46.39B' ? 0.6 : 0, 5, 500, { quality: [FOOD] }),
      f('input', 'ENE.COLD', naf === '46.39B' ? 0.6 : 0.02, 100, 4000),
      f('output', 'SPC.WARE.DRY', 0.08, 300, 5000, { fixed: true }),
      f('need', 'EQP.HANDL.FORKLIFT', 0.2, 1, 4, { fixed: true }),
      f('need', 'SRV.TRAIN.CACES', 0.4, 35, 300, { fixed: true }),
      f('need', 'LOG.TRANS.SHARED', 0.1, 50, 1500),
    ]),
  ),
  S('46.77Z', 0.7, [
    f('input', '120101', 0.8, 2000, 60000),
    f('input', '170405', 0.7, 1000, 40000),
    f('input', '150104', 0.5, 200, 5000),
    f('input', '170411', 0.4, 100, 3000),
    f('input', '160117', 0.5, 500, 15000),
    f('output', 'MAT.MET.STEEL.SCRAP', 0.8, 3000, 80000),
    f('output', 'MAT.MET.RECOV', 0.3, 500, 10000),
    f('need', 'EQP.HANDL.FORKLIFT', 0.3, 1, 3, { fixed: true }),
  ]),
  S('46.71Z', 0.4, [
    f('output', 'ENE.OIL.FOD', 0.8, 5000, 100000),
    f('output', 'ENE.OIL.DIESEL', 0.6, 5000, 100000),
  ]),
  S('46.75Z', 0.4, [
    f('output', 'MAT.CHEM.SOLV', 0.4, 100, 5000),
    f('output', 'MAT.CHEM.ACID.SULF', 0.3, 100, 5000),
    f('waste', '150110', 0.5, 1, 30),
    f('input', 'LOG.PACK.IBC', 0.4, 100, 3000),
    f('input', 'LOG.PACK.DRUM', 0.4, 200, 5000),
  ]),
  // -- services
  ...(
    [
      ['70.22Z', 3],
      ['62.01Z', 2.5],
      ['71.12B', 2],
      ['69.20Z', 1],
    ] as const
  ).map(([naf, w]) =>
    S(
      naf,
      w,
      [
        f('waste', '200101', 0.6, 0.5, 20, { quality: [SORTED] }),
        f('waste', '160214', 0.3, 0.05, 2),
        f('output', 'SPC.MEET', 0.08, 30, 300, { fixed: true }),
        f('need', 'SPC.MEET', 0.08, 30, 300, { fixed: true }),
        f('need', 'SRV.CATER', 0.12, 500, 20000),
        f('need', 'SRV.HR.GE', 0.05, 100, 1500, { fixed: true }),
        f('input', 'ENE.HEAT.USE.SPACE', 0.25, 20, 800),
        f('output', 'SKL.IT', naf === '62.01Z' ? 0.1 : 0.02, 100, 1500, { fixed: true }),
      ],
      { common: 0.55, inZone: 0.65, size: 0.5 },
    ),
  ),
  S(
    '81.21Z',
    1,
    [
      f('output', 'SRV.CLEAN.OFFICE', 0.3, 5000, 100000),
      f('output', 'SRV.CLEAN.IND', 0.15, 2000, 50000),
      f('input', 'MAT.CHEM.DETERG', 0.7, 2, 80),
      f('need', 'SRV.HR.INSERT', 0.2, 200, 5000),
    ],
    { common: 0.5 },
  ),
  S(
    '56.29A',
    1,
    [
      f('waste', '200108', 0.85, 10, 300),
      f('waste', '200125', 0.6, 0.3, 10),
      f('output', 'SRV.CATER', 0.6, 20000, 600000),
      f('input', 'MAT.FOOD.FRUITVEG', 0.6, 20, 600),
      f('input', 'ENE.COLD', 0.6, 30, 600),
    ],
    { common: 0.8 },
  ),
  S(
    '86.10Z',
    0.4,
    [
      f('waste', '180103', 0.9, 5, 300),
      f('waste', '200108', 0.7, 20, 400),
      f('input', 'ENE.HEAT.USE.SPACE', 0.8, 1000, 20000),
      f('input', 'ENE.HEAT.HW.LT', 0.6, 500, 8000),
      f('need', 'SRV.LAUNDRY', 0.6, 100, 2000),
    ],
    { inZone: 0.15, spreadKm: 5, size: 3 },
  ),
  S(
    '96.01A',
    0.3,
    [
      f('output', 'SRV.LAUNDRY', 0.9, 500, 15000),
      f('input', 'WAT.PROC', 0.9, 5000, 100000),
      f('output', 'ENE.HEAT.WASTE.LT', 0.5, 200, 3000, { quality: [temp(30, 55)] }),
      f('input', 'ENE.HEAT.HW.MT', 0.7, 500, 8000),
      f('input', 'MAT.CHEM.DETERG', 0.8, 10, 300),
    ],
    { inZone: 0.7 },
  ),
  S(
    '85.59A',
    0.8,
    [
      f('output', 'SRV.TRAIN.CACES', 0.4, 1000, 20000, { fixed: true }),
      f('output', 'SRV.TRAIN.SST', 0.4, 500, 10000, { fixed: true }),
      f('output', 'SRV.TRAIN.ELEC', 0.2, 300, 5000, { fixed: true }),
      f('output', 'SRV.TRAIN.FIRE', 0.2, 300, 5000, { fixed: true }),
      f('output', 'SPC.MEET', 0.3, 100, 800, { fixed: true }),
    ],
    { common: 0.5, inZone: 0.5 },
  ),
  S('80.10Z', 0.5, [f('output', 'SRV.SEC.GUARD', 0.8, 5000, 150000, { fixed: true })], {
    common: 0.4,
    inZone: 0.5,
  }),
  S(
    '78.20Z',
    0.8,
    [
      f('output', 'SKL.DRIVE', 0.3, 1000, 20000, { fixed: true }),
      f('output', 'SKL.WELD', 0.15, 500, 10000, { fixed: true }),
      f('output', 'SKL.LOG', 0.3, 1000, 20000, { fixed: true }),
      f('output', 'SRV.HR.GE', 0.1, 1000, 10000, { fixed: true }),
    ],
    { common: 0.4, inZone: 0.4 },
  ),
  S('18.12Z', 0.9, [
    f('waste', '080312', 0.5, 0.5, 20),
    f('waste', '140603', 0.3, 0.5, 15, { quality: [SORTED] }),
    f('waste', '200101', 0.8, 20, 800, { quality: [SORTED, CLEAN] }),
    f('input', 'MAT.PAPER.BOARD', 0.7, 100, 8000),
    f('input', 'MAT.CHEM.INK', 0.8, 2, 200),
    f('input', 'MAT.CHEM.SOLV', 0.3, 1, 50),
  ]),
  S(
    '93.11Z',
    0.3,
    [
      f('input', 'ENE.HEAT.USE.SPACE', 0.9, 500, 8000),
      f('input', 'ENE.HEAT.HW.LT', 0.6, 300, 4000),
    ],
    { inZone: 0.1, spreadKm: 6 },
  ),
  S(
    '55.10Z',
    0.5,
    [
      f('waste', '200108', 0.6, 2, 80),
      f('input', 'ENE.HEAT.HW.LT', 0.5, 100, 2000),
      f('need', 'SRV.LAUNDRY', 0.6, 10, 400),
    ],
    { inZone: 0.2, spreadKm: 5, common: 0.8 },
  ),
  S(
    '88.99B',
    0.35,
    [
      f('input', 'MAT.FOOD.SURPLUS', 0.6, 20, 2000),
      f('input', 'LOG.PAL.BROKEN', 0.15, 2000, 50000),
      f('output', 'SRV.HR.INSERT', 0.3, 2000, 30000, { fixed: true }),
    ],
    { inZone: 0.4, common: 0.6 },
  ),
  // -- waste and water operators, energy
  S(
    '38.11Z',
    0.7,
    [
      f('input', '150101', 0.5, 2000, 40000),
      f('input', '200301', 0.7, 5000, 100000),
      f('input', '150106', 0.5, 1000, 20000),
      f('output', 'SRV.COLL.DIB', 0.3, 5000, 100000),
      f('output', 'SRV.COLL.CARD', 0.2, 2000, 40000),
      f('output', 'SRV.COLL.BIO', 0.15, 1000, 20000),
      f('input', 'ENE.OIL.DIESEL', 0.8, 1000, 20000),
    ],
    { size: 2 },
  ),
  S(
    '38.12Z',
    0.2,
    [
      f('input', '130205', 0.8, 200, 8000, { quality: [AUTHORISED] }),
      f('input', '150110', 0.7, 100, 3000, { quality: [AUTHORISED] }),
      f('input', '160601', 0.5, 50, 2000, { quality: [AUTHORISED] }),
      f('input', '080111', 0.4, 50, 2000, { quality: [AUTHORISED] }),
      f('output', 'SRV.COLL.HAZ', 0.9, 500, 15000),
    ],
    { size: 2 },
  ),
  S(
    '38.21Z',
    0.35,
    [
      f('input', '200301', 0.6, 20000, 300000),
      f('input', 'MAT.AGRI.COMPOSTABLE', 0.4, 5000, 60000),
      f('input', 'MAT.AGRI.STRUCT', 0.3, 1000, 15000),
      f('output', 'MAT.AGRI.COMPOST', 0.4, 2000, 40000, { quality: [METALS_OK] }),
      f('waste', '191210', 0.3, 5000, 60000, {
        quality: [q('chlorinePct', 0.6, [0.3, 1.4]), q('lhvMJkg', 0.6, [12, 22])],
      }),
      f('waste', '190112', 0.2, 10000, 100000, { quality: [METALS_OK] }),
      f('output', 'ENE.HEAT.WASTE.HT', 0.2, 20000, 200000, { quality: [temp(150, 300)] }),
      f('output', 'ENE.HEAT.STEAM.MP', 0.15, 10000, 150000),
      f('output', 'ENE.GAS.LFG', 0.2, 5000, 60000),
    ],
    { ...RURAL, spreadKm: 15, size: 3 },
  ),
  S(
    '38.22Z',
    0.08,
    [
      f('input', 'MAT.CHEM.SOLV.SPENT', 0.6, 1000, 20000, { quality: [AUTHORISED] }),
      f('input', 'MAT.CHEM.LUBE.USED', 0.4, 2000, 40000, { quality: [AUTHORISED] }),
      f('input', 'MAT.CHEM.ACID.SPENT', 0.3, 1000, 20000, { quality: [AUTHORISED] }),
      f('output', 'MAT.CHEM.SOLV.REGEN', 0.5, 500, 15000, { quality: [purity(95, 99.9)] }),
      f('output', 'MAT.CHEM.ALTFUEL', 0.5, 2000, 30000),
    ],
    { inZone: 0.5, spreadKm: 15, size: 3 },
  ),
  S(
    '38.32Z',
    1,
    [
      f('input', '150101', 0.6, 1000, 30000),
      f('input', '150102', 0.4, 300, 8000),
      f('input', '150103', 0.3, 500, 15000),
      f('input', '170201', 0.3, 1000, 20000),
      f('input', '120101', 0.3, 1000, 30000),
      f('input', '200139', 0.3, 200, 5000),
      f('output', 'MAT.PAPER.RECOV', 0.5, 1000, 30000),
      f('output', 'MAT.POLY.PE.RECY', 0.3, 200, 5000),
      f('output', 'MAT.WOOD.RECY', 0.3, 500, 15000),
      f('output', 'MAT.MIN.AGG.RECY', 0.25, 5000, 80000),
      f('output', 'MAT.GLASS.CULLET', 0.1, 2000, 30000),
      f('waste', '191212', 0.6, 500, 10000),
      f('need', 'EQP.WASTE.BALER', 0.2, 1, 2, { fixed: true }),
    ],
    { size: 1.5 },
  ),
  S(
    '37.00Z',
    0.3,
    [
      f('output', 'WAT.REUSE', 0.5, 100000, 5000000),
      f('waste', '190805', 0.9, 500, 20000, { quality: [METALS_OK, PATHOGEN_FREE] }),
      f('output', 'ENE.GAS.BIOGAS', 0.3, 2000, 40000),
      f('output', 'ENE.HEAT.WASTE.LT', 0.2, 1000, 20000, { quality: [temp(15, 25)] }),
    ],
    { ...RURAL, spreadKm: 8 },
  ),
  S(
    '35.21Z',
    0.15,
    [
      f('input', 'MAT.AGRI.METHA', 0.95, 5000, 60000),
      f('output', 'ENE.GAS.BIOMETH', 0.6, 10000, 150000),
      f('output', 'ENE.GAS.BIOGAS', 0.4, 5000, 60000),
      f('output', 'MAT.AGRI.DIGEST', 0.8, 4000, 50000, { quality: [METALS_OK] }),
      f('output', 'ENE.HEAT.WASTE.LT', 0.5, 1000, 15000, { quality: [temp(40, 80)] }),
    ],
    RURAL,
  ),
  S(
    '35.30Z',
    0.15,
    [
      f('input', 'ENE.HEAT.DH', 0.9, 20000, 400000),
      f('input', 'ENE.BIOM.CHIP', 0.6, 5000, 150000),
      f('input', 'ENE.BIOM.RECY', 0.3, 5000, 60000),
    ],
    { inZone: 0.3, spreadKm: 4, size: 3 },
  ),
  S(
    '35.11Z',
    0.1,
    [
      f('output', 'ENE.ELEC.PV', 0.6, 500, 20000),
      f('output', 'ENE.HEAT.WASTE.LT', 0.3, 5000, 100000, { quality: [temp(25, 40)] }),
    ],
    RURAL,
  ),
  // -- paper, wood, chemicals, glass, textiles
  S(
    '17.12Z',
    0.1,
    [
      f('input', 'MAT.PAPER.RECOV', 0.9, 20000, 400000),
      f('input', 'MAT.PAPER.PULP', 0.5, 10000, 200000),
      f('waste', '030311', 0.7, 2000, 40000, { quality: [METALS_OK] }),
      f('waste', '030308', 0.4, 500, 8000),
      f('output', 'ENE.HEAT.WASTE.MT', 0.5, 5000, 80000, { quality: [temp(60, 110)] }),
      f('input', 'WAT.PROC', 0.9, 200000, 5000000),
      f('output', 'WAT.REUSE.IND', 0.3, 50000, 1000000),
      f('input', 'ENE.BIOM.CHIP', 0.3, 10000, 200000),
    ],
    { inZone: 0.4, spreadKm: 20, size: 5 },
  ),
  S(
    '17.21A',
    0.25,
    [
      f('input', 'MAT.PAPER.BOARD', 0.8, 5000, 80000),
      f('input', 'MAT.PAPER.RECOV', 0.3, 2000, 40000),
      f('waste', '150101', 0.9, 300, 6000, { quality: [SORTED, CLEAN] }),
      f('input', 'ENE.HEAT.STEAM.LP', 0.5, 2000, 20000),
    ],
    { size: 2 },
  ),
  S(
    '16.10A',
    0.3,
    [
      f('waste', '030105', 0.9, 500, 20000, {
        quality: [CLEAN, q('moisturePct', 0.4, [10, 50])],
      }),
      f('waste', '030101', 0.6, 200, 8000),
      f('output', 'MAT.WOOD.SAWDUST', 0.3, 500, 10000, { quality: [CLEAN] }),
      f('output', 'MAT.WOOD.SAWN', 0.8, 5000, 80000),
      f('input', 'ENE.HEAT.USE.DRY', 0.6, 1000, 20000),
    ],
    RURAL,
  ),
  S(
    '16.24Z',
    0.3,
    [
      f('input', 'LOG.PAL.BROKEN', 0.8, 10000, 300000),
      f('input', 'MAT.WOOD.PALLETPARTS', 0.4, 200, 5000),
      f('input', 'MAT.WOOD.SAWN', 0.8, 1000, 20000),
      f('waste', '030105', 0.6, 100, 3000, { quality: [CLEAN] }),
      f('output', 'LOG.PAL.RECOND', 0.6, 10000, 300000),
      f('output', 'LOG.PAL.EUR', 0.1, 10000, 200000),
    ],
    { inZone: 0.6, spreadKm: 12 },
  ),
  S(
    '16.21Z',
    0.04,
    [
      f('input', 'MAT.WOOD.RECY', 0.9, 50000, 500000),
      f('input', 'MAT.WOOD.SAWDUST', 0.8, 20000, 200000),
      f('output', 'ENE.HEAT.WASTE.MT', 0.4, 5000, 50000, { quality: [temp(70, 120)] }),
    ],
    { ...RURAL, size: 5 },
  ),
  ...(
    [
      ['20.14Z', 0.12],
      ['20.16Z', 0.1],
      ['20.13B', 0.08],
      ['20.59Z', 0.25],
      ['21.20Z', 0.2],
      ['20.30Z', 0.2],
    ] as const
  ).map(([naf, w]) =>
    S(
      naf,
      w,
      [
        f('waste', '070104', naf === '20.14Z' || naf === '20.59Z' ? 0.6 : 0.1, 20, 2000, {
          quality: [SORTED],
        }),
        f('waste', '070504', naf === '21.20Z' ? 0.8 : 0, 20, 1500, { quality: [SORTED] }),
        f('waste', '070103', naf === '20.14Z' ? 0.3 : 0.05, 10, 500, { quality: [SORTED] }),
        f('waste', '070108', 0.3, 10, 800, {
          quality: [q('lhvMJkg', 0.5, [12, 30]), q('chlorinePct', 0.5, [0.1, 3])],
        }),
        f('waste', '080111', naf === '20.30Z' ? 0.7 : 0, 10, 500),
        f('waste', '060101', naf === '20.13B' ? 0.6 : 0, 50, 3000, { quality: [METALS_OK] }),
        f('waste', '060204', naf === '20.13B' ? 0.4 : 0, 50, 2000, { quality: [METALS_OK] }),
        f('waste', '160802', naf === '20.14Z' || naf === '20.16Z' ? 0.3 : 0, 5, 200),
        f('waste', '070213', naf === '20.16Z' ? 0.7 : 0, 50, 2000, { quality: [SORTED] }),
        f('input', 'MAT.CHEM.SOLV', 0.6, 50, 5000),
        f('input', 'MAT.CHEM.SOLV.REGEN', 0.15, 20, 1000),
        f('output', 'MAT.GAS.CO2.PROC', naf === '20.14Z' ? 0.3 : 0.03, 1000, 50000, {
          quality: [FOOD],
        }),
        f('output', 'MAT.GAS.H2.BYPROD', naf === '20.13B' ? 0.5 : 0, 5000, 80000, {
          quality: [purity(95, 99.99)],
        }),
        f('output', 'ENE.HEAT.STEAM.MP', 0.15, 2000, 50000),
        f('input', 'ENE.HEAT.STEAM.LP', 0.5, 2000, 60000),
        f('input', 'WAT.DEMIN', 0.5, 5000, 200000),
        f('input', 'WAT.COOL', 0.6, 20000, 2000000),
        f('output', 'WAT.COOL.USED', 0.3, 20000, 1000000, { quality: [CLEAN] }),
        f('output', 'WAT.COND', 0.3, 2000, 50000, { quality: [CLEAN] }),
        f('need', 'SRV.COLL.HAZ', 0.4, 50, 2000),
        f('input', 'MAT.GAS.N2', 0.3, 50, 3000),
      ],
      { size: 3, inZone: 0.7 },
    ),
  ),
  S(
    '23.13Z',
    0.04,
    [
      f('input', 'MAT.GLASS.CULLET', 0.95, 30000, 300000),
      f('waste', '101112', 0.6, 1000, 15000, { quality: [SORTED] }),
      f('output', 'ENE.HEAT.WASTE.HT', 0.7, 10000, 150000, { quality: [temp(200, 500)] }),
    ],
    { size: 5, inZone: 0.5, spreadKm: 15 },
  ),
  S('14.13Z', 0.3, [
    f('waste', '040222', 0.6, 2, 100, { quality: [SORTED] }),
    f('input', 'MAT.TEXT.FIBRE', 0.3, 10, 500),
  ]),
  S('13.30Z', 0.1, [
    f('waste', '040221', 0.6, 10, 500, { quality: [SORTED] }),
    f('input', 'WAT.PROC', 0.9, 20000, 500000),
    f('output', 'ENE.HEAT.WASTE.LT', 0.4, 500, 5000, { quality: [temp(30, 60)] }),
  ]),
  S('13.10Z', 0.04, [f('input', 'MAT.TEXT.FIBRE', 0.9, 1000, 20000)], { size: 2 }),
  // -- agriculture around the cities
  S(
    '01.13Z',
    0.4,
    [
      f('input', 'ENE.HEAT.USE.GREENHOUSE', 0.6, 1000, 40000),
      f('input', 'MAT.GAS.CO2.GREENHOUSE', 0.5, 100, 3000),
      f('input', 'WAT.IRRIG', 0.8, 5000, 100000),
      f('input', 'MAT.AGRI.FERT', 0.6, 20, 800),
      f('waste', '020103', 0.5, 50, 3000),
    ],
    { ...RURAL, common: 0.5 },
  ),
  S(
    '01.41Z',
    0.3,
    [
      f('input', 'MAT.AGRI.FEED', 0.7, 200, 3000),
      f('input', 'MAT.AGRI.FEED.COPROD', 0.4, 100, 2000),
      f('input', 'MAT.AGRI.BEDDING', 0.6, 50, 800),
      f('output', 'MAT.AGRI.MANURE', 0.8, 500, 10000),
      f('input', 'MAT.AGRI.SPREAD', 0.5, 200, 5000),
      f('input', 'MAT.MIN.LIMING', 0.3, 20, 300),
    ],
    { ...RURAL, common: 0.4 },
  ),
  S(
    '01.46Z',
    0.2,
    [
      f('input', 'MAT.AGRI.FEED', 0.9, 500, 8000),
      f('input', 'MAT.AGRI.FEED.COPROD', 0.5, 200, 5000),
      f('output', 'MAT.AGRI.MANURE', 0.8, 1000, 20000),
      f('input', 'MAT.AGRI.SPREAD', 0.3, 200, 5000),
    ],
    { ...RURAL, common: 0.4 },
  ),
];

/** Headcount band (company.headcount_band) of a size factor. */
function headcountOf(size: number): '1-9' | '10-49' | '50-249' | '250-999' | '1000+' {
  if (size < 0.2) return '1-9';
  if (size < 1.5) return '10-49';
  if (size < 5) return '50-249';
  if (size < 15) return '250-999';
  return '1000+';
}

// ---------------------------------------------------------------- data set

export interface SyntheticCompany {
  snap: SnapshotCompany;
  siret: string;
  headcountBand: string;
  /** Null: the company was never visited (no diagnostic). */
  diagnosticId: string | null;
  diagnosticStatus: 'validated' | 'draft' | null;
  /** A superseded earlier version, when the company was visited twice. */
  previousDiagnosticId: string | null;
}

export interface SyntheticFlow {
  snap: SnapshotFlow;
  diagnosticId: string;
  position: number;
  label: string;
  quantity: number | null;
  unit: Unit | null;
}

export interface SyntheticDataset {
  territory: { id: string; slug: string; name: string };
  zones: SyntheticZone[];
  companies: SyntheticCompany[];
  /** Flows of every diagnostic (validated, draft, superseded). */
  flows: SyntheticFlow[];
  /** What `loadSnapshot` reads back: the flows of validated diagnostics only. */
  snapshot: Snapshot;
  stats: {
    companies: number;
    zones: number;
    inZone: number;
    unlocated: number;
    validatedDiagnostics: number;
    snapshotFlows: number;
    allFlows: number;
    flowsByKind: Record<string, number>;
  };
}

export interface SyntheticOptions {
  companies: number;
  seed?: number;
  /** Restrict to these urban areas (names of URBAN_AREAS); all by default. */
  areas?: readonly string[];
  slug?: string;
  name?: string;
  /** Share of companies with no location (no zone either: only the flows). */
  unlocatedShare?: number;
  /** Share of companies never visited (no diagnostic), or with a draft only. */
  undiagnosedShare?: number;
  draftShare?: number;
  /** Share of visited companies with a superseded earlier diagnostic. */
  historyShare?: number;
  /** Share of flows declared without a quantity. */
  unquantifiedShare?: number;
  params?: Partial<MatchingParams>;
}

const PERIOD_CHOICES: readonly Period[] = ['year', 'month', 'week', 'quarter'];
const PERIOD_CUM = cumulate([0.5, 0.35, 0.1, 0.05]);

/** Declared unit for a yearly quantity in a canonical unit (kg below 1 t, kWh below 20 MWh…). */
function declaredUnit(canonical: string, perPeriod: number): Unit {
  switch (canonical) {
    case 't':
      return perPeriod < 1 ? 'kg' : 't';
    case 'MWh':
      return perPeriod < 20 ? 'kWh' : perPeriod > 50000 ? 'GWh' : 'MWh';
    case 'm3':
      return 'm3';
    case 'unit':
      return 'unit';
    case 'h':
      return 'h';
    case 'm2':
      return 'm2';
    default:
      throw new Error(`no declared unit for ${canonical}`);
  }
}
const UNIT_FACTOR: Partial<Record<Unit, number>> = { kg: 1e-3, kWh: 1e-3, GWh: 1e3 };

function checkProfiles(ref: ReferenceData): void {
  const problems: string[] = [];
  for (const s of SECTORS) {
    if (!ref.naf.has(s.naf)) problems.push(`unknown NAF ${s.naf}`);
    for (const t of [...s.flows, ...COMMON]) {
      const r = ref.resources.get(t.code);
      if (!r) problems.push(`${s.naf}: unknown resource ${t.code}`);
      else if (!r.selectable) problems.push(`${s.naf}: ${t.code} is a heading`);
      else if (t.kind === 'waste' && r.category !== 'waste')
        problems.push(`${s.naf}: waste ${t.code} is not an EWC entry`);
    }
  }
  if (problems.length > 0) throw new Error(`synthetic profiles:\n${problems.join('\n')}`);
}

/**
 * Generates the data set. Zones are convex polygons of 0.4–1.6 km radius,
 * 2–25 km from their city centre; companies fall inside a zone with their
 * sector's probability, otherwise scattered around the centre (farms, quarries
 * and treatment plants further out).
 */
export function generateDataset(ref: ReferenceData, opts: SyntheticOptions): SyntheticDataset {
  checkProfiles(ref);
  const rng = rngOf(opts.seed ?? 20240601);
  const ids = rngOf((opts.seed ?? 20240601) ^ 0x5bd1e995);
  const unlocatedShare = opts.unlocatedShare ?? 0.01;
  const undiagnosedShare = opts.undiagnosedShare ?? 0.04;
  const draftShare = opts.draftShare ?? 0.02;
  const historyShare = opts.historyShare ?? 0.1;
  const unquantifiedShare = opts.unquantifiedShare ?? 0.03;

  const areas = opts.areas
    ? URBAN_AREAS.filter((a) => opts.areas!.includes(a.name))
    : [...URBAN_AREAS];
  if (areas.length === 0) throw new Error('no urban area selected');
  const territory = {
    id: uuidOf(ids),
    slug: opts.slug ?? 'bench-national',
    name: opts.name ?? 'Réseau national (synthétique)',
  };

  // Zones: more in bigger areas, never overlapping.
  const zonesByArea: SyntheticZone[][] = [];
  const zones: SyntheticZone[] = [];
  for (const a of areas) {
    const count = Math.min(ZONE_KINDS.length, 3 + Math.round(a.weight * 1.4));
    const list: SyntheticZone[] = [];
    let attempts = 0;
    while (list.length < count && attempts++ < 1000) {
      const radiusKm = between(rng, 0.4, 1.6);
      const distKm = between(rng, 2, 6 + 3 * Math.sqrt(a.weight));
      const angle = rng() * 2 * Math.PI;
      const cLat = a.lat + (distKm * Math.sin(angle)) / KM_PER_DEG_LAT;
      const cLon = a.lon + kmToDegLon(distKm * Math.cos(angle), a.lat);
      // Zones of neighbouring areas (Lille and Lens…) must not overlap either.
      const clash = zones.some(
        (z) => kmBetween(z.centerLon, z.centerLat, cLon, cLat) < z.radiusKm + radiusKm + 0.3,
      );
      if (clash) continue;
      const n = 6 + Math.floor(rng() * 4);
      const ring: LonLat[] = [];
      for (let i = 0; i < n; i++) {
        const th = ((i + between(rng, -0.25, 0.25)) / n) * 2 * Math.PI;
        const r = radiusKm * between(rng, 0.8, 1);
        ring.push([
          Number((cLon + kmToDegLon(r * Math.cos(th), cLat)).toFixed(6)),
          Number((cLat + (r * Math.sin(th)) / KM_PER_DEG_LAT).toFixed(6)),
        ]);
      }
      ring.push([ring[0]![0], ring[0]![1]]);
      const z: SyntheticZone = {
        id: uuidOf(ids),
        name: `${a.name} · ${ZONE_KINDS[list.length]!}`,
        area: a.name,
        centerLon: cLon,
        centerLat: cLat,
        radiusKm,
        ring,
      };
      list.push(z);
      zones.push(z);
    }
    zonesByArea.push(list);
  }
  const areaCum = cumulate(areas.map((a) => a.weight));
  const areaIndex = areas.map((_, i) => i);
  const sectorCum = cumulate(SECTORS.map((s) => s.weight));
  const zoneWeights = zonesByArea.map((list) => cumulate(list.map((z) => z.radiusKm ** 2)));
  // Zones a company scattered around an area could fall into (its own and its neighbours').
  const nearZones = areas.map((a) =>
    zones.filter((z) => kmBetween(z.centerLon, z.centerLat, a.lon, a.lat) < 150),
  );

  const companies: SyntheticCompany[] = [];
  const flows: SyntheticFlow[] = [];
  const resourcesUsed = new Set<string>();
  const flowsByKind: Record<string, number> = { input: 0, output: 0, waste: 0, need: 0 };
  let inZone = 0;
  let unlocated = 0;
  let validated = 0;
  let snapshotFlows = 0;

  const makeFlow = (
    t: FlowTemplate,
    companyId: string,
    sizeFactor: number,
  ): Omit<SyntheticFlow, 'diagnosticId' | 'position'> => {
    const r = ref.resources.get(t.code)!;
    const quality: Record<string, unknown> = {};
    for (const qs of t.quality ?? []) {
      if (rng() >= qs.p) continue;
      quality[qs.attribute] = Array.isArray(qs.value)
        ? Math.round(between(rng, qs.value[0], qs.value[1]) * 10) / 10
        : qs.value;
    }
    let quantity: number | null = null;
    let unit: Unit | null = null;
    let period: Period | null = null;
    let quantityPerYear: number | null = null;
    let canonicalUnit: string | null = null;
    if (rng() >= unquantifiedShare) {
      const yearly = logUniform(rng, t.min, t.max) * (t.fixed ? 1 : sizeFactor);
      period =
        t.oneOff !== undefined && rng() < t.oneOff
          ? 'one_off'
          : pickWeighted(rng, PERIOD_CHOICES, PERIOD_CUM);
      const perPeriod = yearly / PERIODS[period];
      unit = declaredUnit(r.canonicalUnit, perPeriod);
      quantity = sig3(perPeriod / (UNIT_FACTOR[unit] ?? 1));
      const conv = toCanonicalPerYear(quantity, unit, period, r.canonicalUnit);
      if (!conv.ok) throw new Error(conv.reason);
      quantityPerYear = conv.quantityPerYear;
      canonicalUnit = conv.canonicalUnit;
    }
    const cost =
      t.cost !== undefined && quantityPerYear !== null && rng() < 0.5
        ? Math.round(quantityPerYear * t.cost * between(rng, 0.8, 1.2))
        : null;
    return {
      snap: {
        id: uuidOf(ids),
        companyId,
        kind: t.kind,
        category: r.category,
        resourceCode: r.code,
        quantityPerYear,
        canonicalUnit,
        period,
        costEurPerYear: cost,
        hazardous: r.hazardous,
        quality,
      },
      label: r.labelFr.length > 80 ? `${r.labelFr.slice(0, 79)}…` : r.labelFr,
      quantity,
      unit,
    };
  };

  for (let i = 0; i < opts.companies; i++) {
    const sector = pickWeighted(rng, SECTORS, sectorCum);
    const ai = pickWeighted(rng, areaIndex, areaCum);
    const area = areas[ai]!;
    const areaZones = zonesByArea[ai]!;
    const aroundZones = nearZones[ai]!;
    let lon: number | null = null;
    let lat: number | null = null;
    let zone: SyntheticZone | null = null;
    if (rng() < unlocatedShare) {
      unlocated++;
    } else if (areaZones.length > 0 && rng() < sector.inZone) {
      zone = pickWeighted(rng, areaZones, zoneWeights[ai]!);
      for (;;) {
        const dx = between(rng, -zone.radiusKm, zone.radiusKm);
        const dy = between(rng, -zone.radiusKm, zone.radiusKm);
        const pLat = zone.centerLat + dy / KM_PER_DEG_LAT;
        const pLon = zone.centerLon + kmToDegLon(dx, zone.centerLat);
        if (insideRing(pLon, pLat, zone.ring)) {
          lon = Number(pLon.toFixed(6));
          lat = Number(pLat.toFixed(6));
          // Rounding to 1e-6° may step over an edge: keep only points still inside.
          if (insideRing(lon, lat, zone.ring)) break;
        }
      }
      inZone++;
    } else {
      for (;;) {
        const distKm = Math.abs(gaussian(rng)) * sector.spreadKm + 0.5;
        const angle = rng() * 2 * Math.PI;
        const pLat = area.lat + (distKm * Math.sin(angle)) / KM_PER_DEG_LAT;
        const pLon = area.lon + kmToDegLon(distKm * Math.cos(angle), area.lat);
        const rLon = Number(pLon.toFixed(6));
        const rLat = Number(pLat.toFixed(6));
        // Outside every zone around, with a margin (ST_Covers must agree).
        if (
          aroundZones.some(
            (z) => kmBetween(z.centerLon, z.centerLat, rLon, rLat) < z.radiusKm + 0.05,
          )
        ) {
          continue;
        }
        lon = rLon;
        lat = rLat;
        break;
      }
    }
    const sizeFactor = Math.min(40, Math.max(0.05, sector.size * Math.exp(0.8 * gaussian(rng))));
    const id = uuidOf(ids);
    const snap: SnapshotCompany = {
      id,
      name: `${area.name} ${sector.naf} n° ${i + 1}`,
      nafCode: sector.naf,
      sectorLabel: ref.naf.get(sector.naf)!,
      zoneId: zone?.id ?? null,
      zoneName: zone?.name ?? null,
      lon,
      lat,
    };
    const c: SyntheticCompany = {
      snap,
      siret: completeSiret(`9${String(i).padStart(8, '0')}0001`),
      headcountBand: headcountOf(sizeFactor),
      diagnosticId: null,
      diagnosticStatus: null,
      previousDiagnosticId: null,
    };
    companies.push(c);

    const roll = rng();
    if (roll < undiagnosedShare) continue;
    c.diagnosticId = uuidOf(ids);
    c.diagnosticStatus = roll < undiagnosedShare + draftShare ? 'draft' : 'validated';
    const own: Omit<SyntheticFlow, 'diagnosticId' | 'position'>[] = [];
    const seen = new Set<string>();
    for (const t of COMMON) {
      if (rng() < t.p * sector.common && !seen.has(`${t.kind}|${t.code}`)) {
        seen.add(`${t.kind}|${t.code}`);
        own.push(makeFlow(t, id, sizeFactor));
      }
    }
    for (const t of sector.flows) {
      // A sector template overrides the common one of the same kind and code.
      const key = `${t.kind}|${t.code}`;
      if (rng() >= t.p) continue;
      if (seen.has(key)) {
        const at = own.findIndex((x) => `${x.snap.kind}|${x.snap.resourceCode}` === key);
        if (at >= 0) own.splice(at, 1);
      }
      seen.add(key);
      own.push(makeFlow(t, id, sizeFactor));
    }
    own.forEach((fl, position) => {
      flows.push({ ...fl, diagnosticId: c.diagnosticId!, position });
      if (c.diagnosticStatus === 'validated') {
        flowsByKind[fl.snap.kind] = (flowsByKind[fl.snap.kind] ?? 0) + 1;
        resourcesUsed.add(fl.snap.resourceCode);
        snapshotFlows++;
      }
    });
    if (c.diagnosticStatus === 'validated') {
      validated++;
      // An earlier visit: the same flows with other quantities, now superseded.
      if (rng() < historyShare) {
        c.previousDiagnosticId = uuidOf(ids);
        own.forEach((fl, position) => {
          const factor = between(rng, 0.7, 1.3);
          flows.push({
            snap: {
              ...fl.snap,
              id: uuidOf(ids),
              quantityPerYear:
                fl.snap.quantityPerYear === null
                  ? null
                  : Number((fl.snap.quantityPerYear * factor).toPrecision(6)),
            },
            diagnosticId: c.previousDiagnosticId!,
            position,
            label: fl.label,
            quantity: fl.quantity === null ? null : Number((fl.quantity * factor).toPrecision(6)),
            unit: fl.unit,
          });
        });
      }
    }
  }

  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const validatedIds = new Set(
    companies.filter((c) => c.diagnosticStatus === 'validated').map((c) => c.diagnosticId),
  );
  const snapshot: Snapshot = {
    territoryId: territory.id,
    companies: companies.map((c) => c.snap).sort(byId),
    flows: flows
      .filter((fl) => validatedIds.has(fl.diagnosticId))
      .map((fl) => fl.snap)
      .sort(byId),
    resources: [...resourcesUsed].sort().map((code) => {
      const r = ref.resources.get(code)!;
      return {
        code: r.code,
        labelFr: r.labelFr,
        category: r.category,
        canonicalUnit: r.canonicalUnit,
      };
    }),
    rules: ref.rules,
    emissionFactors: ref.emissionFactors,
    params: { ...DEFAULT_PARAMS, ...opts.params },
    rejectedKeys: [],
  };
  return {
    territory,
    zones,
    companies,
    flows,
    snapshot,
    stats: {
      companies: companies.length,
      zones: zones.length,
      inZone,
      unlocated,
      validatedDiagnostics: validated,
      snapshotFlows,
      allFlows: flows.length,
      flowsByKind,
    },
  };
}
