// Fictional demo territory modelled on Dijon Métropole's SYNERGIES programme
// (CCI Métropole de Bourgogne + Dijon Métropole, 2018–2024): three business
// zones (Cap Nord, Grand Sud, Vital'Est), flow diagnostics after each company
// visit, and three working groups (gas and electricity purchasing, shared
// services, pallets).
//
// Every company, name, address and SIRET here is invented. The zone polygons
// are drawn near the real zones but do not reproduce them. Wastes use the EWC
// codes of data/ewc.csv; every other resource code exists in
// data/catalogue/*.csv (test/unit/demo-data.test.ts checks both).
//
// Pure and deterministic: no I/O, no clock, no Math.random. Company positions
// inside the zones come from a small seeded PRNG defined below.
//
// Seeded on purpose for the matching engine:
// - substitutions: brewery spent grain (020704) → feed mill, dairy farm and
//   anaerobic digester; bakery and foundry waste heat → laundry, clinic and
//   greenhouses; brewery CO2 → greenhouses; pallet maker and ESAT taking the
//   warehouses' broken pallets; clean PE film (150102) → plastics converters;
//   metal scrap (120101, 170405) → metal recycler; concrete rubble (170107) →
//   precast-concrete maker (recycled aggregates); edible surplus → food bank;
//   welders and forklifts lent between neighbours.
// - mutualisation clusters: electricity and gas purchasing (almost everyone,
//   plus explicit SRV.PURCH.* needs), EUR pallets, cardboard (150101), plastic
//   film (150102), hazardous-waste collection, biowaste collection, chilled
//   storage, training (CACES, SST, habilitation électrique).

import type { MultiPolygon, Point } from 'geojson';
import { completeSiret, isValidSiren } from '../../shared/siret.ts';
import type { Period, Unit } from '../../shared/units.ts';

export interface DemoFlow {
  kind: 'input' | 'output' | 'waste' | 'need';
  category:
    | 'material'
    | 'energy'
    | 'water'
    | 'waste'
    | 'equipment'
    | 'service'
    | 'skill'
    | 'logistics'
    | 'space';
  resourceCode: string;
  label: string;
  quantity: number;
  unit: Unit;
  period: Period;
  costEurPerYear?: number;
  hazardous?: boolean;
  quality?: Record<string, string | number | boolean>;
  availability?: string;
  confidentiality: 'public' | 'territory' | 'private';
}

export interface DemoCompany {
  siret: string;
  name: string;
  /** NAF rév. 2 sous-classe, e.g. '16.24Z' (data/naf.csv). */
  nafCode: string;
  headcountBand: '0' | '1-9' | '10-49' | '50-249' | '250-999' | '1000+';
  address: string;
  /** A GeoJSON Point, [lon, lat] (WGS 84). */
  location: Point & { coordinates: [number, number] };
  zoneName: string | null;
  isEss: boolean;
  diagnostic: {
    /** YYYY-MM-DD, 2022–2023. */
    visitedAt: string;
    flows: DemoFlow[];
  };
}

export interface DemoZone {
  name: string;
  /** A GeoJSON MultiPolygon whose positions are [lon, lat] pairs. */
  geom: MultiPolygon & { coordinates: [number, number][][][] };
}

// ---------------------------------------------------------------------------
// Zones: simple convex hexagons, counter-clockwise exterior rings (lon, lat),
// about 1.5–2.5 km² each, far enough apart not to touch.

type LonLat = [number, number];

const ZONE_RINGS = {
  'Cap Nord': [
    [5.03, 47.342],
    [5.046, 47.341],
    [5.052, 47.346],
    [5.05, 47.353],
    [5.038, 47.355],
    [5.029, 47.35],
    [5.03, 47.342],
  ],
  'Grand Sud': [
    [5.01, 47.284],
    [5.026, 47.283],
    [5.032, 47.289],
    [5.029, 47.296],
    [5.016, 47.297],
    [5.008, 47.291],
    [5.01, 47.284],
  ],
  "Vital'Est": [
    [5.071, 47.316],
    [5.086, 47.315],
    [5.091, 47.321],
    [5.088, 47.328],
    [5.075, 47.329],
    [5.069, 47.323],
    [5.071, 47.316],
  ],
} as const satisfies Record<string, readonly LonLat[]>;

type ZoneName = keyof typeof ZONE_RINGS;

const ZONE_NAMES = Object.keys(ZONE_RINGS) as ZoneName[];

function ringOf(zone: ZoneName): LonLat[] {
  return ZONE_RINGS[zone].map(([lon, lat]) => [lon, lat]);
}

// ---------------------------------------------------------------------------
// Deterministic helpers.

/** mulberry32: a tiny seeded PRNG, good enough to scatter demo points. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function insideRing(p: LonLat, ring: readonly LonLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}

/** Distance from p to segment ab, in degrees (good enough for a margin). */
function segmentDistance(p: LonLat, a: LonLat, b: LonLat): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t =
    len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

const EDGE_MARGIN_DEG = 0.0008; // ≈ 60–90 m
const MIN_SPACING_DEG = 0.0007; // ≈ 50–80 m between two companies

const rng = mulberry32(2018_2024);
const placed: Record<ZoneName, LonLat[]> = { 'Cap Nord': [], 'Grand Sud': [], "Vital'Est": [] };

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Next deterministic point strictly inside the zone, away from its edges and neighbours. */
function pointInZone(zone: ZoneName): DemoCompany['location'] {
  const ring = ringOf(zone);
  const lons = ring.map((c) => c[0]);
  const lats = ring.map((c) => c[1]);
  const [minLon, maxLon] = [Math.min(...lons), Math.max(...lons)];
  const [minLat, maxLat] = [Math.min(...lats), Math.max(...lats)];
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const p: LonLat = [
      round6(minLon + rng() * (maxLon - minLon)),
      round6(minLat + rng() * (maxLat - minLat)),
    ];
    if (!insideRing(p, ring)) continue;
    let nearEdge = false;
    for (let i = 0; i + 1 < ring.length; i++) {
      if (segmentDistance(p, ring[i]!, ring[i + 1]!) < EDGE_MARGIN_DEG) nearEdge = true;
    }
    if (nearEdge) continue;
    if (placed[zone].some((q) => Math.hypot(q[0] - p[0], q[1] - p[1]) < MIN_SPACING_DEG)) continue;
    placed[zone].push(p);
    return { type: 'Point', coordinates: p };
  }
  throw new Error(`demo-data: no room left in zone ${zone}`);
}

/** Fictional SIRET: a Luhn-valid SIREN built from n, NIC 0001x or 0002x. */
function siretFor(n: number): string {
  const base8 = String(71_300_000 + n * 4_733);
  let siren = '';
  for (let d = 0; d <= 9; d++) {
    if (isValidSiren(`${base8}${d}`)) {
      siren = `${base8}${d}`;
      break;
    }
  }
  return completeSiret(`${siren}${n % 4 === 0 ? '0002' : '0001'}`);
}

/** Visit dates spread from February 2022 to November 2023. */
function visitDate(n: number): string {
  const monthIndex = 1 + ((n * 7) % 22); // 1..22 months after January 2022
  const year = 2022 + Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const day = 1 + ((n * 11) % 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------
// EWC entries used below: French label and hazardous flag as in data/ewc.csv.

const EWC = {
  '020106': { label: "Effluents d'élevage (fumier, lisier)", hazardous: false },
  '020202': { label: 'Déchets de tissus animaux (sous-produits animaux C3)', hazardous: false },
  '020203': { label: 'Matières impropres à la consommation (viandes)', hazardous: false },
  '020304': { label: 'Matières végétales impropres à la consommation', hazardous: false },
  '020501': { label: 'Produits laitiers impropres à la consommation', hazardous: false },
  '020601': { label: 'Produits de boulangerie impropres à la consommation', hazardous: false },
  '020704': { label: 'Drêches et résidus de brasserie', hazardous: false },
  '030105': { label: 'Sciure, copeaux et chutes de bois non traité', hazardous: false },
  '060106': { label: 'Acides usagés', hazardous: true },
  '070213': { label: 'Déchets plastiques de production', hazardous: false },
  '070504': { label: 'Solvants organiques usagés (pharmacie)', hazardous: true },
  '070601': { label: 'Eaux de lavage et liqueurs mères aqueuses', hazardous: true },
  '070604': { label: 'Solvants organiques usagés (cosmétique)', hazardous: true },
  '080111': { label: 'Déchets de peintures et vernis solvantés', hazardous: true },
  '080312': { label: "Déchets d'encres dangereuses", hazardous: true },
  '101008': { label: 'Sables de noyaux et moules de fonderie', hazardous: false },
  '101314': { label: 'Déchets et boues de béton', hazardous: false },
  '110105': { label: 'Acides de décapage usagés', hazardous: true },
  '110109': { label: 'Boues de traitement de surface', hazardous: true },
  '120101': { label: "Chutes et tournures d'acier", hazardous: false },
  '120103': { label: "Chutes et copeaux d'aluminium", hazardous: false },
  '120105': { label: 'Copeaux et ébarbures plastiques', hazardous: false },
  '120109': { label: "Émulsions d'usinage usagées", hazardous: true },
  '130205': { label: 'Huiles moteur et de lubrification usagées', hazardous: true },
  '140603': { label: 'Solvants et mélanges de solvants usagés', hazardous: true },
  '150101': { label: 'Emballages en carton', hazardous: false },
  '150102': { label: 'Emballages plastiques (films étirables PE)', hazardous: false },
  '150103': { label: 'Emballages en bois (palettes, caisses)', hazardous: false },
  '150107': { label: 'Emballages en verre (casse)', hazardous: false },
  '150110': { label: 'Emballages souillés', hazardous: true },
  '150202': { label: 'Absorbants et chiffons souillés', hazardous: true },
  '160103': { label: "Pneus hors d'usage", hazardous: false },
  '160107': { label: 'Filtres à huile', hazardous: true },
  '160117': { label: 'Métaux ferreux (pièces de carrosserie)', hazardous: false },
  '160214': { label: 'Équipements informatiques mis au rebut', hazardous: false },
  '160601': { label: 'Batteries au plomb', hazardous: true },
  '170107': { label: 'Gravats de béton et briques en mélange', hazardous: false },
  '170201': { label: 'Bois de chantier', hazardous: false },
  '170405': { label: 'Fer et acier (chantier)', hazardous: false },
  '170411': { label: 'Chutes de câbles', hazardous: false },
  '170904': { label: 'Déchets de chantier en mélange', hazardous: false },
  '180103': { label: "DASRI (déchets d'activités de soins à risques infectieux)", hazardous: true },
  '180104': { label: 'Déchets de soins non infectieux', hazardous: false },
  '200101': { label: 'Papiers (rognures, archives)', hazardous: false },
  '200108': { label: 'Biodéchets de cuisine et de restauration', hazardous: false },
  '200125': { label: 'Huiles alimentaires usagées', hazardous: false },
} as const satisfies Record<string, { label: string; hazardous: boolean }>;

type EwcCode = keyof typeof EWC;

// ---------------------------------------------------------------------------
// Flow builders. Prices are 2022–2023 orders of magnitude for SMEs (€ HT).

const ELEC_EUR_PER_MWH = 180;
const GAS_EUR_PER_MWH = 95;
const DIESEL_EUR_PER_MWH = 175; // ≈ 1.75 €/L at ≈ 10 kWh/L

type Kind = DemoFlow['kind'];
type Category = DemoFlow['category'];

interface Opts {
  period?: Period;
  cost?: number;
  hazardous?: boolean;
  quality?: Record<string, string | number | boolean>;
  availability?: string;
  conf?: DemoFlow['confidentiality'];
}

function flow(
  kind: Kind,
  category: Category,
  resourceCode: string,
  label: string,
  quantity: number,
  unit: Unit,
  o: Opts = {},
): DemoFlow {
  const f: DemoFlow = {
    kind,
    category,
    resourceCode,
    label,
    quantity,
    unit,
    period: o.period ?? 'year',
    confidentiality: o.conf ?? 'territory',
  };
  if (o.cost !== undefined) f.costEurPerYear = o.cost;
  if (o.hazardous !== undefined) f.hazardous = o.hazardous;
  if (o.quality !== undefined) f.quality = o.quality;
  if (o.availability !== undefined) f.availability = o.availability;
  return f;
}

const inp = (c: Category, code: string, label: string, q: number, u: Unit, o?: Opts) =>
  flow('input', c, code, label, q, u, o);
const out = (c: Category, code: string, label: string, q: number, u: Unit, o?: Opts) =>
  flow('output', c, code, label, q, u, o);
const need = (c: Category, code: string, label: string, q: number, u: Unit, o?: Opts) =>
  flow('need', c, code, label, q, u, { conf: 'public', ...o });

const elec = (mwh: number, o?: Opts) =>
  inp('energy', 'ENE.ELEC', 'Électricité (achat)', mwh, 'MWh', {
    cost: Math.round(mwh * ELEC_EUR_PER_MWH),
    ...o,
  });
const gas = (mwh: number, o?: Opts) =>
  inp('energy', 'ENE.GAS.NAT', 'Gaz naturel (achat)', mwh, 'MWh', {
    cost: Math.round(mwh * GAS_EUR_PER_MWH),
    ...o,
  });
const diesel = (mwh: number, o?: Opts) =>
  inp('energy', 'ENE.OIL.DIESEL', 'Gazole (flotte de véhicules)', mwh, 'MWh', {
    cost: Math.round(mwh * DIESEL_EUR_PER_MWH),
    ...o,
  });

/** A waste produced (kind 'waste'); hazardous comes from the EWC list. */
const waste = (code: EwcCode, q: number, o: Opts & { label?: string; unit?: 't' | 'kg' } = {}) =>
  flow('waste', 'waste', code, o.label ?? EWC[code].label, q, o.unit ?? 't', {
    ...o,
    hazardous: EWC[code].hazardous,
  });

/** A waste taken in as a feedstock (recyclers, digesters). */
const wasteIn = (code: EwcCode, q: number, label: string, o: Opts = {}) =>
  flow('input', 'waste', code, label, q, 't', { ...o, hazardous: EWC[code].hazardous });

/** Waste heat offered, by temperature band of the catalogue. */
const heatOut = (
  band: 'LT' | 'MT' | 'HT',
  mwh: number,
  temperatureC: number,
  label: string,
  o: Opts = {},
) =>
  out('energy', `ENE.HEAT.WASTE.${band}`, label, mwh, 'MWh', {
    availability: 'continu en période de production',
    ...o,
    quality: { temperatureC, ...o.quality },
  });

const palletsIn = (q: number, period: Period = 'month', label = 'Palettes EUR/EPAL reçues') =>
  inp('logistics', 'LOG.PAL.EUR', label, q, 'unit', { period });
const brokenPalletsOut = (q: number, period: Period = 'month') =>
  out('logistics', 'LOG.PAL.BROKEN', 'Palettes usagées à réparer', q, 'unit', {
    period,
    availability: 'enlèvement hebdomadaire',
  });
const groupElec = (mwh: number) =>
  need('service', 'SRV.PURCH.ELEC', "Achat groupé d'électricité", mwh, 'MWh', {
    conf: 'territory',
  });
const groupGas = (mwh: number) =>
  need('service', 'SRV.PURCH.GAS', 'Achat groupé de gaz naturel', mwh, 'MWh', {
    conf: 'territory',
  });
const cleanFilm = { polymer: 'PE-LD', form: 'film étirable', clean: true };

// ---------------------------------------------------------------------------
// Companies.

interface Spec {
  name: string;
  naf: string;
  band: DemoCompany['headcountBand'];
  address: string;
  zone: ZoneName | null;
  /** Only for companies outside the zones. */
  at?: LonLat;
  ess?: boolean;
  flows: DemoFlow[];
}

const SPECS: Spec[] = [
  // ----- Cap Nord (Dijon nord) -----
  {
    name: 'Logistique Bourgogne Nord',
    naf: '52.10B',
    band: '50-249',
    address: '8 rue des Entrepôts, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(950),
      gas(420),
      palletsIn(4200),
      brokenPalletsOut(320),
      waste('150101', 185, { quality: { baled: true } }),
      waste('150102', 38, { quality: { ...cleanFilm, baled: true } }),
      waste('150103', 65),
      groupElec(950),
      need('service', 'SRV.TRAIN.CACES', 'Formation CACES R489 des caristes', 12, 'day_work'),
    ],
  },
  {
    name: 'Transports Valmy Fret',
    naf: '49.41A',
    band: '50-249',
    address: '21 avenue de Langres, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      diesel(18_500),
      elec(210),
      out('logistics', 'LOG.TRANS.RETURN', 'Retours à vide Lyon – Dijon', 420, 'unit', {
        availability: 'du lundi au jeudi',
      }),
      waste('130205', 4.5),
      waste('160103', 14),
      waste('160107', 600, { unit: 'kg' }),
      need('service', 'SRV.COLL.HAZ', 'Collecte mutualisée des déchets dangereux', 5, 't'),
    ],
  },
  {
    name: 'Imprimerie Lumière',
    naf: '18.12Z',
    band: '10-49',
    address: '4 rue Gutenberg, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(640),
      gas(210),
      inp('material', 'MAT.PAPER', "Papier d'impression (bobines et feuilles)", 1150, 't'),
      inp('material', 'MAT.CHEM.INK', 'Encres offset', 14, 't', { hazardous: true }),
      waste('200101', 175, {
        label: 'Rognures et gâches papier',
        quality: { grade: 'papier blanc' },
      }),
      waste('080312', 2.8),
      waste('150101', 22),
      palletsIn(1600, 'year'),
      groupElec(640),
    ],
  },
  {
    name: "Plasturgie Côte-d'Or Emballages",
    naf: '22.22Z',
    band: '50-249',
    address: "15 rue de l'Extrusion, 21000 Dijon",
    zone: 'Cap Nord',
    flows: [
      elec(6400, { conf: 'private' }),
      gas(280),
      inp('material', 'MAT.POLY.PE', 'Polyéthylène vierge (granulés PEBD/PEHD)', 3200, 't'),
      inp('material', 'MAT.POLY.PE.RECY', 'PE régénéré (acheté hors région)', 480, 't', {
        quality: { polymer: 'PE-LD', acceptsCleanFilm: true, maxContaminationPct: 2 },
      }),
      waste('070213', 95, { label: 'Purges et films PE déclassés' }),
      heatOut('LT', 1850, 32, 'Chaleur des groupes froids et compresseurs', {
        availability: 'continu 24 h/24, 5 j/7',
      }),
      inp('water', 'WAT.COOL', 'Appoint eau de refroidissement', 8200, 'm3'),
      waste('150101', 30),
      need('space', 'SPC.WARE.DRY', 'Stockage tampon de bobines', 600, 'm2', { period: 'one_off' }),
    ],
  },
  {
    name: 'Mécanique Précision Valmy',
    naf: '25.62B',
    band: '10-49',
    address: '3 rue des Tourneurs, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(720),
      gas(240),
      inp('material', 'MAT.MET.STEEL', 'Barres et tôles acier', 260, 't'),
      waste('120101', 48, { quality: { oily: true } }),
      waste('120103', 6.5),
      waste('120109', 11),
      waste('150110', 1.4),
      need('service', 'SRV.COLL.MET', 'Reprise des copeaux métalliques', 55, 't'),
    ],
  },
  {
    name: 'Distri-Pro Bourgogne',
    naf: '46.69B',
    band: '10-49',
    address: '27 rue des Grossistes, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(260),
      gas(150),
      waste('150101', 64),
      waste('150102', 13, { quality: cleanFilm }),
      palletsIn(900),
      out('logistics', 'LOG.PAL.ONEWAY', 'Palettes perdues', 250, 'unit', { period: 'month' }),
      need('service', 'SRV.COLL.CARD', 'Collecte mutualisée des cartons', 64, 't'),
      groupGas(150),
    ],
  },
  {
    name: 'Hyper Cap Nord',
    naf: '47.11F',
    band: '250-999',
    address: '1 avenue du Centre Commercial, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(3900),
      gas(650),
      waste('150101', 330, { quality: { baled: true } }),
      waste('150102', 26, { quality: cleanFilm }),
      waste('020304', 95, { label: 'Fruits et légumes invendus non consommables' }),
      out('material', 'MAT.FOOD.SURPLUS', 'Invendus alimentaires consommables (don)', 42, 't', {
        availability: 'quotidien, DLC courtes',
      }),
      heatOut('LT', 950, 35, 'Chaleur des condenseurs du froid commercial'),
      need('service', 'SRV.COLL.BIO', 'Collecte des biodéchets', 95, 't'),
      palletsIn(2600),
    ],
  },
  {
    name: 'Auto Service Cap Nord',
    naf: '45.20A',
    band: '10-49',
    address: '9 rue de la Mécanique, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(95),
      gas(70),
      waste('130205', 3.2),
      waste('160103', 8.5),
      waste('160601', 1.3),
      waste('150202', 700, { unit: 'kg' }),
      waste('150101', 6),
      need('service', 'SRV.COLL.HAZ', 'Collecte mutualisée des déchets dangereux', 5.2, 't'),
    ],
  },
  {
    name: 'Électricité Industrielle Nord',
    naf: '43.21A',
    band: '10-49',
    address: '12 rue Ampère, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(85),
      diesel(420),
      waste('170411', 4.2),
      waste('150101', 7),
      waste('170904', 12),
      out('skill', 'SKL.ELEC', 'Électriciens disponibles en intersaison', 240, 'h', {
        availability: 'janvier à mars',
      }),
      need('service', 'SRV.TRAIN.ELEC', 'Recyclage des habilitations électriques', 6, 'day_work'),
    ],
  },
  {
    name: 'Palettes Nord Bourgogne',
    naf: '16.24Z',
    band: '10-49',
    address: '33 rue des Scieurs, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(560),
      inp('material', 'MAT.WOOD.SAWN', 'Avivés de palette (sapin, pin)', 4600, 't'),
      inp('logistics', 'LOG.PAL.BROKEN', 'Palettes usagées à réparer', 2500, 'unit', {
        period: 'month',
        quality: { types: 'EUR/EPAL et palettes perdues' },
      }),
      inp(
        'material',
        'MAT.WOOD.PALLETPARTS',
        'Planches et dés de palettes de récupération',
        180,
        't',
      ),
      out('logistics', 'LOG.PAL.EUR', 'Palettes EPAL neuves', 180_000, 'unit'),
      out('logistics', 'LOG.PAL.RECOND', 'Palettes reconditionnées', 2100, 'unit', {
        period: 'month',
      }),
      waste('030105', 620, { quality: { treated: false, moisturePct: 18 } }),
      groupElec(560),
    ],
  },
  {
    name: 'Laboratoires Cassis & Plantes',
    naf: '20.42Z',
    band: '50-249',
    address: '6 rue des Essences, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(1850),
      gas(1380),
      inp('material', 'MAT.CHEM.SOLV.ETHANOL', 'Éthanol (alcool de parfumerie)', 175, 't', {
        hazardous: true,
      }),
      inp('water', 'WAT.DEMIN', 'Eau osmosée', 4100, 'm3'),
      waste('070604', 24),
      waste('070601', 58),
      waste('150101', 42),
      waste('150102', 17, { quality: cleanFilm }),
      out('water', 'WAT.WW.IND', 'Effluents de fabrication', 9200, 'm3'),
      need('service', 'SRV.TRAIN.SST', 'Formation SST (maintien des acquis)', 4, 'day_work'),
    ],
  },
  {
    name: 'Express Bourgogne Messagerie',
    naf: '52.29A',
    band: '50-249',
    address: '40 rue du Fret, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(460),
      diesel(6200),
      waste('150101', 44),
      waste('150102', 16, { quality: cleanFilm }),
      palletsIn(1500),
      brokenPalletsOut(90),
      need('equipment', 'EQP.HANDL.FORKLIFT', 'Chariot élévateur en renfort', 2, 'unit', {
        period: 'one_off',
        availability: 'novembre et décembre',
      }),
      need('space', 'SPC.WARE.DRY', 'Surface de stockage en débord', 800, 'm2', {
        period: 'one_off',
      }),
      groupElec(460),
    ],
  },
  {
    name: 'Vigilance Nord Sécurité',
    naf: '80.10Z',
    band: '10-49',
    address: '2 rue des Veilleurs, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(28),
      gas(20),
      diesel(160),
      out('service', 'SRV.SEC.GUARD', 'Gardiennage et rondes mutualisés sur la zone', 2400, 'h', {
        conf: 'public',
      }),
      waste('150101', 1.2),
    ],
  },
  {
    name: 'Cap Insertion Propreté',
    naf: '81.21Z',
    band: '50-249',
    address: '18 rue de la Solidarité, 21000 Dijon',
    zone: 'Cap Nord',
    ess: true,
    flows: [
      elec(45),
      diesel(240),
      out(
        'service',
        'SRV.CLEAN.OFFICE',
        "Nettoyage des locaux (entreprise d'insertion)",
        6500,
        'h',
        {
          conf: 'public',
        },
      ),
      out('service', 'SRV.HR.INSERT', "Heures d'insertion (clauses sociales)", 12_000, 'h', {
        conf: 'public',
      }),
      inp('material', 'MAT.CHEM.DETERG', "Produits d'entretien", 9, 't'),
      waste('150102', 1.8),
    ],
  },
  {
    name: 'Bourgogne Alimentaire Distribution',
    naf: '46.39B',
    band: '50-249',
    address: '11 rue des Halles, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(2450),
      gas(160),
      waste('150101', 145, { quality: { baled: true } }),
      waste('150102', 31, { quality: cleanFilm }),
      waste('020304', 38),
      out('material', 'MAT.FOOD.SURPLUS', 'Invendus alimentaires consommables (don)', 26, 't'),
      heatOut('LT', 720, 30, 'Chaleur des centrales frigorifiques'),
      out('space', 'SPC.WARE.COLDPOS', 'Chambre froide positive disponible', 300, 'm2', {
        period: 'one_off',
        conf: 'public',
      }),
      palletsIn(3000),
      groupElec(2450),
    ],
  },
  {
    name: 'Pharmalys Dijon',
    naf: '21.20Z',
    band: '250-999',
    address: '50 boulevard de la Pharmacie, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(7600, { conf: 'private' }),
      gas(6100, { conf: 'private' }),
      inp('water', 'WAT.DRINK', 'Eau du réseau', 62_000, 'm3'),
      waste('070504', 125, { conf: 'private' }),
      waste('150101', 92),
      waste('150102', 24, { quality: cleanFilm }),
      heatOut('MT', 1500, 55, 'Chaleur récupérable des compresseurs et de la chaufferie'),
      out('water', 'WAT.WW.IND', 'Effluents de production', 52_000, 'm3'),
      need('service', 'SRV.TRAIN.SST', 'Formation SST', 6, 'day_work'),
    ],
  },
  {
    name: 'Bâti Nord Maçonnerie',
    naf: '43.99C',
    band: '10-49',
    address: '7 rue des Bâtisseurs, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      diesel(950),
      elec(60),
      waste('170107', 920, { quality: { sorted: true } }),
      waste('170904', 260),
      waste('170201', 42),
      waste('170405', 16),
      need('space', 'SPC.YARD', 'Aire de stockage de matériaux', 1500, 'm2', { period: 'one_off' }),
    ],
  },
  {
    name: 'Ingénierie Bourgogne Process',
    naf: '71.12B',
    band: '10-49',
    address: "5 rue de l'Innovation, 21000 Dijon",
    zone: 'Cap Nord',
    flows: [
      elec(125),
      gas(95),
      waste('200101', 4.1),
      out('space', 'SPC.MEET', 'Salle de réunion 40 places', 60, 'm2', {
        period: 'one_off',
        conf: 'public',
      }),
      need(
        'service',
        'SRV.CATER',
        'Repas des salariés (restaurant inter-entreprises)',
        160,
        'unit',
        {
          period: 'week',
        },
      ),
      groupGas(95),
    ],
  },
  {
    name: 'Centre de Formation Cap Nord',
    naf: '85.59A',
    band: '10-49',
    address: "14 rue de l'Apprentissage, 21000 Dijon",
    zone: 'Cap Nord',
    flows: [
      elec(145),
      gas(115),
      out('service', 'SRV.TRAIN.CACES', 'Sessions CACES R489 inter-entreprises', 720, 'h', {
        conf: 'public',
      }),
      out('service', 'SRV.TRAIN.SST', 'Sessions SST inter-entreprises', 320, 'h', {
        conf: 'public',
      }),
      out('service', 'SRV.TRAIN.ELEC', 'Sessions habilitation électrique', 210, 'h', {
        conf: 'public',
      }),
      out('space', 'SPC.MEET', 'Salles de formation disponibles', 120, 'm2', {
        period: 'one_off',
        conf: 'public',
      }),
    ],
  },
  {
    name: 'Maintenance Industrielle Bourguignonne',
    naf: '33.12Z',
    band: '10-49',
    address: '22 rue des Mécaniciens, 21000 Dijon',
    zone: 'Cap Nord',
    flows: [
      elec(115),
      gas(80),
      out('skill', 'SKL.MECH', 'Techniciens de maintenance mécanique', 820, 'h'),
      out('skill', 'SKL.WELD', 'Soudeurs TIG/MIG', 420, 'h'),
      waste('120101', 13),
      waste('130205', 1.9),
    ],
  },

  // ----- Grand Sud (Chenôve, Longvic, Marsannay-la-Côte) -----
  {
    name: 'Boulangerie Industrielle des Ducs',
    naf: '10.71A',
    band: '50-249',
    address: '2 rue des Fournils, 21300 Chenôve',
    zone: 'Grand Sud',
    flows: [
      elec(2850),
      gas(7300),
      inp('material', 'MAT.FOOD.FLOUR', 'Farine de blé', 9200, 't'),
      waste('020601', 310, {
        label: 'Pain et viennoiseries déclassés',
        quality: { drySolidsPct: 65, packaged: false },
      }),
      heatOut('MT', 1650, 75, 'Chaleur des fumées des fours tunnels (récupérable en eau chaude)', {
        availability: '5 j/7, deux postes',
      }),
      waste('150101', 62),
      waste('150103', 33),
      palletsIn(700),
      groupGas(7300),
    ],
  },
  {
    name: 'Laiterie de la Vouge',
    naf: '10.51A',
    band: '50-249',
    address: '10 rue des Laitiers, 21600 Longvic',
    zone: 'Grand Sud',
    flows: [
      elec(3350),
      gas(8600, { conf: 'private' }),
      inp('material', 'MAT.FOOD.MILK', 'Lait cru collecté', 42_000, 't'),
      inp('water', 'WAT.DRINK', 'Eau du réseau', 125_000, 'm3'),
      out('water', 'WAT.WW.IND', 'Effluents laitiers', 108_000, 'm3'),
      out('material', 'MAT.FOOD.WHEY', 'Lactosérum acide (fromage blanc)', 3100, 't', {
        quality: { drySolidsPct: 6, type: 'acide' },
        availability: 'quotidien',
      }),
      waste('020501', 85),
      heatOut('LT', 1250, 35, "Chaleur des condenseurs (production d'eau glacée)"),
      groupElec(3350),
    ],
  },
  {
    name: 'Brasserie des Climats',
    naf: '11.05Z',
    band: '10-49',
    address: '5 rue du Houblon, 21300 Chenôve',
    zone: 'Grand Sud',
    flows: [
      elec(460),
      gas(1450),
      inp('material', 'MAT.FOOD.MALT', "Malt d'orge", 470, 't'),
      inp('water', 'WAT.DRINK', 'Eau du réseau', 14_500, 'm3'),
      waste('020704', 10, {
        label: 'Drêches de brasserie',
        period: 'week',
        quality: { drySolidsPct: 22, perishableDays: 3 },
        availability: 'deux à trois brassins par semaine',
      }),
      out('material', 'MAT.GAS.CO2', 'CO2 de fermentation (non capté)', 48, 't', {
        quality: { origin: 'biogénique', captured: false },
      }),
      waste('150107', 18, { label: 'Casse de bouteilles' }),
      out('water', 'WAT.WW.IND', 'Eaux de brassage et de nettoyage', 11_000, 'm3'),
      groupGas(1450),
    ],
  },
  {
    name: 'Charcuteries Saint-Bénigne',
    naf: '10.13A',
    band: '50-249',
    address: '19 rue des Salaisons, 21600 Longvic',
    zone: 'Grand Sud',
    flows: [
      elec(2650),
      gas(2250),
      waste('020202', 260, { quality: { animalByProductCategory: 3 } }),
      waste('020203', 42),
      out('water', 'WAT.WW.IND', 'Effluents de process', 36_000, 'm3'),
      need('space', 'SPC.WARE.COLDNEG', 'Stockage surgelé en débord', 200, 'm2', {
        period: 'one_off',
      }),
      heatOut('LT', 880, 30, 'Chaleur des groupes frigorifiques'),
      waste('150102', 19),
      palletsIn(500),
    ],
  },
  {
    name: 'Aliments du Bétail Bourgogne',
    naf: '10.91Z',
    band: '10-49',
    address: '3 chemin du Moulin, 21600 Longvic',
    zone: 'Grand Sud',
    flows: [
      elec(2150),
      gas(3050),
      inp('material', 'MAT.FOOD.CEREAL', 'Céréales (blé, orge, maïs)', 24_000, 't'),
      need(
        'material',
        'MAT.AGRI.FEED.COPROD',
        'Coproduits (drêches, pain, sons) pour formulation',
        2200,
        't',
        {
          quality: { minDrySolidsPct: 20 },
        },
      ),
      inp('logistics', 'LOG.PACK.BIGBAG', 'Big bags', 3500, 'unit'),
      waste('150102', 12, { label: 'Sacs et big bags usagés' }),
      groupGas(3050),
    ],
  },
  {
    name: 'Structures Métalliques du Sud Dijonnais',
    naf: '25.11Z',
    band: '50-249',
    address: '24 rue de la Charpente, 21600 Longvic',
    zone: 'Grand Sud',
    flows: [
      elec(1250),
      gas(920),
      inp('material', 'MAT.MET.STEEL', 'Profilés et tôles acier', 2600, 't'),
      waste('120101', 185),
      waste('080111', 4.2),
      need('skill', 'SKL.WELD', 'Soudeurs qualifiés en renfort', 600, 'h'),
      waste('150103', 28),
      groupElec(1250),
    ],
  },
  {
    name: 'Traitements de Surface Longvic',
    naf: '25.61Z',
    band: '10-49',
    address: '8 rue de la Galvanoplastie, 21600 Longvic',
    zone: 'Grand Sud',
    flows: [
      elec(1120),
      gas(1320),
      inp('material', 'MAT.CHEM.ACID.SULF', 'Acide sulfurique', 42, 't', { hazardous: true }),
      inp('material', 'MAT.CHEM.BASE.NAOH', 'Soude caustique', 31, 't', { hazardous: true }),
      waste('110105', 36),
      waste('110109', 22),
      waste('140603', 6.5),
      waste('120101', 15, { label: 'Pièces rebutées et ferrailles' }),
      inp('water', 'WAT.PROC', 'Eau de rinçage', 15_500, 'm3'),
      heatOut('MT', 320, 60, 'Chaleur des bains chauds et des rinçages'),
    ],
  },
  {
    name: 'Recyclage Métaux Bourgogne',
    naf: '38.32Z',
    band: '10-49',
    address: '1 rue de la Ferraille, 21600 Longvic',
    zone: 'Grand Sud',
    flows: [
      elec(620),
      diesel(1250),
      wasteIn('120101', 3100, "Chutes et tournures d'acier reprises"),
      wasteIn('170405', 2100, 'Ferrailles de chantier reprises'),
      wasteIn('120103', 350, "Chutes d'aluminium reprises"),
      out('material', 'MAT.MET.STEEL.SCRAP', 'Ferrailles préparées pour aciérie', 4900, 't'),
      out('service', 'SRV.COLL.MET', 'Collecte des métaux (bennes)', 6000, 't', { conf: 'public' }),
    ],
  },
  {
    name: 'Collecte Services Sud',
    naf: '38.11Z',
    band: '50-249',
    address: '16 rue du Tri, 21300 Chenôve',
    zone: 'Grand Sud',
    flows: [
      elec(210),
      diesel(9200),
      out('service', 'SRV.COLL.DIB', 'Collecte des DIB en mélange', 15_000, 't', {
        conf: 'public',
      }),
      out('service', 'SRV.COLL.CARD', 'Collecte des cartons et papiers', 4200, 't', {
        conf: 'public',
      }),
      out('service', 'SRV.COLL.BIO', 'Collecte des biodéchets', 1300, 't', { conf: 'public' }),
      out('service', 'SRV.COLL.PLAST', 'Collecte des films plastiques', 900, 't', {
        conf: 'public',
      }),
    ],
  },
  {
    name: 'Blanchisserie Adaptée du Sud',
    naf: '96.01A',
    band: '50-249',
    address: '12 rue des Lavandières, 21160 Marsannay-la-Côte',
    zone: 'Grand Sud',
    ess: true,
    flows: [
      elec(720),
      gas(3250),
      inp('water', 'WAT.DRINK', 'Eau du réseau', 46_000, 'm3'),
      out('water', 'WAT.WW.IND', 'Eaux de lavage', 43_000, 'm3'),
      need('energy', 'ENE.HEAT.HW.MT', "Préchauffage de l'eau de lavage", 1500, 'MWh', {
        quality: { temperatureC: 60 },
      }),
      out('service', 'SRV.LAUNDRY', 'Capacité de traitement du linge', 1850, 't', {
        conf: 'public',
      }),
      inp('material', 'MAT.CHEM.DETERG', 'Lessives et produits lessiviels', 38, 't'),
      heatOut('MT', 600, 45, 'Eaux de lavage chaudes rejetées'),
      groupGas(3250),
    ],
  },
  {
    name: 'Béton Chenôve Préfa',
    naf: '23.61Z',
    band: '50-249',
    address: '30 rue des Carriers, 21300 Chenôve',
    zone: 'Grand Sud',
    flows: [
      elec(1520),
      gas(820),
      inp('material', 'MAT.MIN.AGG', 'Granulats de carrière', 41_000, 't'),
      need('material', 'MAT.MIN.AGG.RECY', 'Granulats recyclés 0/31,5', 5000, 't'),
      inp('material', 'MAT.MIN.CEM.CEMENT', 'Ciment CEM II', 7200, 't'),
      inp('material', 'MAT.MIN.SAND', 'Sable 0/4', 20_500, 't'),
      inp('water', 'WAT.PROC', 'Eau de gâchage et de lavage', 9400, 'm3'),
      waste('101314', 380),
      palletsIn(900),
    ],
  },
  {
    name: 'Transports Frigorifiques Longvic',
    naf: '49.41A',
    band: '50-249',
    address: '6 rue du Froid, 21600 Longvic',
    zone: 'Grand Sud',
    flows: [
      diesel(14_200),
      elec(320),
      out(
        'space',
        'SPC.WARE.COLDPOS',
        'Quais et chambres froides positives disponibles',
        500,
        'm2',
        {
          period: 'one_off',
          conf: 'public',
        },
      ),
      waste('130205', 5.4),
      waste('160103', 21),
      out('logistics', 'LOG.TRANS.RETURN', 'Retours frigorifiques à vide', 310, 'unit'),
    ],
  },
  {
    name: 'Entrepôts du Grand Sud',
    naf: '52.10B',
    band: '50-249',
    address: '45 rue de la Logistique, 21600 Longvic',
    zone: 'Grand Sud',
    flows: [
      elec(1120),
      gas(720),
      palletsIn(5000),
      brokenPalletsOut(300),
      waste('150101', 225, { quality: { baled: true } }),
      waste('150102', 46, { quality: { ...cleanFilm, baled: true } }),
      waste('150103', 92),
      out('space', 'SPC.WARE.DRY', 'Cellule de stockage disponible', 2000, 'm2', {
        period: 'one_off',
        conf: 'public',
      }),
      out(
        'equipment',
        'EQP.HANDL.FORKLIFT',
        'Chariots élévateurs disponibles hors saison',
        2,
        'unit',
        {
          period: 'one_off',
          availability: 'février à septembre',
        },
      ),
      groupElec(1120),
    ],
  },
  {
    name: 'Garage des Portes de Bourgogne',
    naf: '45.20A',
    band: '1-9',
    address: '2 avenue Roland Carraz, 21300 Chenôve',
    zone: 'Grand Sud',
    flows: [
      elec(38),
      gas(30),
      waste('130205', 1.1),
      waste('160103', 3.2),
      waste('160601', 500, { unit: 'kg' }),
      need('service', 'SRV.COLL.HAZ', 'Collecte mutualisée des déchets dangereux', 1.6, 't'),
    ],
  },
  {
    name: 'Menuiserie Bois & Fenêtres',
    naf: '16.23Z',
    band: '10-49',
    address: '9 rue des Charpentiers, 21160 Marsannay-la-Côte',
    zone: 'Grand Sud',
    flows: [
      elec(360),
      gas(140),
      inp('material', 'MAT.WOOD.SAWN', 'Bois massif (chêne, douglas)', 640, 't'),
      inp('material', 'MAT.WOOD.PANEL', 'Panneaux (MDF, contreplaqué)', 210, 't'),
      waste('030105', 155, { quality: { treated: false } }),
      waste('080111', 1.8),
    ],
  },
  {
    name: 'Imprimerie Coopérative Dijonnaise',
    naf: '18.12Z',
    band: '10-49',
    address: '4 rue des Typographes, 21300 Chenôve',
    zone: 'Grand Sud',
    ess: true,
    flows: [
      elec(380),
      gas(150),
      inp('material', 'MAT.PAPER', "Papier d'impression", 620, 't'),
      inp('material', 'MAT.CHEM.INK', 'Encres végétales', 7, 't'),
      waste('200101', 88, { label: 'Rognures et gâches papier' }),
      waste('080312', 1.6),
      need('service', 'SRV.COLL.HAZ', 'Collecte mutualisée des déchets dangereux', 1.6, 't'),
      groupElec(380),
    ],
  },
  {
    name: 'Jus de Fruits de Bourgogne',
    naf: '10.32Z',
    band: '10-49',
    address: '17 rue des Vergers, 21160 Marsannay-la-Côte',
    zone: 'Grand Sud',
    flows: [
      elec(920),
      gas(1120),
      inp('material', 'MAT.FOOD.FRUITVEG', 'Fruits (pommes, cassis, raisin)', 9500, 't'),
      waste('020304', 640, {
        label: 'Marcs de fruits',
        availability: 'saisonnier, septembre à décembre',
        quality: { drySolidsPct: 25 },
      }),
      inp('water', 'WAT.DRINK', 'Eau du réseau', 31_000, 'm3'),
      out('water', 'WAT.WW.IND', 'Eaux de lavage des fruits', 28_500, 'm3'),
      waste('150107', 14),
      need('space', 'SPC.WARE.COLDPOS', 'Chambre froide pour la saison', 150, 'm2', {
        period: 'one_off',
      }),
    ],
  },
  {
    name: 'Grossiste Fruits et Légumes Sud',
    naf: '46.31Z',
    band: '10-49',
    address: '28 rue du Marché de Gros, 21300 Chenôve',
    zone: 'Grand Sud',
    flows: [
      elec(910),
      waste('020304', 185),
      waste('150101', 62),
      waste('150103', 47, { label: 'Cagettes et palettes bois' }),
      heatOut('LT', 310, 30, 'Chaleur des chambres froides'),
      need('service', 'SRV.COLL.BIO', 'Collecte des biodéchets', 185, 't'),
      out('material', 'MAT.FOOD.SURPLUS', 'Fruits et légumes consommables (don)', 18, 't'),
    ],
  },
  {
    name: 'Atelier de Chaudronnerie Marsannay',
    naf: '25.62B',
    band: '10-49',
    address: '11 rue des Chaudronniers, 21160 Marsannay-la-Côte',
    zone: 'Grand Sud',
    flows: [
      elec(480),
      gas(190),
      inp('material', 'MAT.MET.STEEL', 'Tôles acier et inox', 320, 't'),
      waste('120101', 62),
      waste('120103', 8.5),
      waste('140603', 2.2),
      out('skill', 'SKL.WELD', 'Soudeurs disponibles (charge variable)', 300, 'h'),
    ],
  },

  // ----- Vital'Est (Dijon est, Saint-Apollinaire, Quetigny) -----
  {
    name: "Clinique du Val d'Est",
    naf: '86.10Z',
    band: '250-999',
    address: '1 boulevard de la Santé, 21000 Dijon',
    zone: "Vital'Est",
    flows: [
      elec(5600),
      gas(7100),
      waste('180103', 62),
      waste('180104', 95),
      waste('200108', 72),
      waste('150101', 41),
      need('service', 'SRV.LAUNDRY', 'Linge plat et tenues professionnelles', 420, 't'),
      need('energy', 'ENE.HEAT.HW.MT', 'Chauffage et eau chaude sanitaire', 2500, 'MWh', {
        quality: { temperatureC: 70 },
      }),
      groupElec(5600),
      need('service', 'SRV.COLL.BIO', 'Collecte des biodéchets', 72, 't'),
    ],
  },
  {
    name: "Cuisine Centrale Vital'Est",
    naf: '56.29A',
    band: '50-249',
    address: '8 rue des Saveurs, 21850 Saint-Apollinaire',
    zone: "Vital'Est",
    flows: [
      elec(920),
      gas(1150),
      waste('200108', 155),
      waste('200125', 6.2),
      out('service', 'SRV.CATER', "Repas livrés aux restaurants d'entreprise", 7000, 'unit', {
        period: 'week',
        conf: 'public',
      }),
      heatOut('LT', 210, 35, 'Chaleur des chambres froides et de la plonge'),
      inp('material', 'MAT.FOOD.FRUITVEG', 'Fruits et légumes frais', 650, 't'),
      groupGas(1150),
    ],
  },
  {
    name: "Électronique Vital'Est",
    naf: '26.11Z',
    band: '50-249',
    address: '20 rue des Composants, 21850 Saint-Apollinaire',
    zone: "Vital'Est",
    flows: [
      elec(4300, { conf: 'private' }),
      gas(520),
      inp('water', 'WAT.DEMIN', 'Eau ultrapure', 18_500, 'm3'),
      waste('140603', 9.5),
      waste('060106', 14),
      waste('150102', 21),
      waste('150101', 36),
      heatOut('LT', 1550, 28, 'Chaleur des groupes froids de la salle blanche', {
        availability: 'continu 24 h/24, 7 j/7',
      }),
      need('service', 'SRV.TRAIN.ELEC', 'Habilitations électriques', 8, 'day_work'),
    ],
  },
  {
    name: "Plastiques Techniques de l'Est",
    naf: '22.29A',
    band: '50-249',
    address: "13 rue de l'Injection, 21850 Saint-Apollinaire",
    zone: "Vital'Est",
    flows: [
      elec(4850),
      gas(200),
      inp('material', 'MAT.POLY.PP', 'Polypropylène (granulés)', 1850, 't'),
      inp('material', 'MAT.POLY.PE.RECY', 'PE régénéré pour pièces non visibles', 220, 't', {
        quality: { polymer: 'PE', acceptsCleanFilm: true },
      }),
      waste('070213', 64),
      waste('120105', 21),
      heatOut('LT', 1250, 30, "Chaleur des presses à injecter (circuit d'eau)"),
      waste('150101', 28),
      groupElec(4850),
    ],
  },
  {
    name: 'Moutarderie des Ducs',
    naf: '10.84Z',
    band: '50-249',
    address: '3 rue du Sénevé, 21000 Dijon',
    zone: "Vital'Est",
    flows: [
      elec(1320),
      gas(1620),
      inp('material', 'MAT.FOOD', 'Graines de moutarde brune', 6200, 't'),
      waste('020304', 410, {
        label: 'Sons et enveloppes de graines de moutarde',
        quality: { drySolidsPct: 88 },
      }),
      waste('150107', 26),
      waste('150101', 48),
      palletsIn(800),
      groupGas(1620),
    ],
  },
  {
    name: 'Cosmétiques Bio Bourgogne',
    naf: '20.42Z',
    band: '10-49',
    address: '5 rue des Plantes, 21850 Saint-Apollinaire',
    zone: "Vital'Est",
    flows: [
      elec(210),
      gas(140),
      inp('material', 'MAT.CHEM.SOLV.ETHANOL', 'Éthanol bio', 12, 't', { hazardous: true }),
      waste('070604', 3.8),
      waste('150101', 11),
      need('service', 'SRV.COLL.HAZ', 'Collecte mutualisée des déchets dangereux', 4, 't'),
    ],
  },
  {
    name: 'Entrepôt E-commerce Est',
    naf: '52.10B',
    band: '250-999',
    address: '60 rue du Commerce, 21850 Saint-Apollinaire',
    zone: "Vital'Est",
    flows: [
      elec(1450),
      inp('logistics', 'LOG.PACK.BOX', "Cartons d'expédition", 950_000, 'unit'),
      inp('logistics', 'LOG.PACK.FILM', 'Film étirable', 28, 't'),
      waste('150101', 265, { quality: { baled: true } }),
      waste('150102', 41, { quality: cleanFilm }),
      palletsIn(1800),
      out('logistics', 'LOG.PAL.ONEWAY', 'Palettes perdues', 600, 'unit', { period: 'month' }),
      groupElec(1450),
      need(
        'equipment',
        'EQP.HANDL.FORKLIFT',
        "Chariots en renfort (pics de fin d'année)",
        3,
        'unit',
        {
          period: 'one_off',
          availability: 'novembre et décembre',
        },
      ),
    ],
  },
  {
    name: 'Transports Est Logistique',
    naf: '49.41B',
    band: '10-49',
    address: '4 rue des Routiers, 21800 Quetigny',
    zone: "Vital'Est",
    flows: [
      diesel(3600),
      elec(90),
      out('logistics', 'LOG.TRANS.RETURN', "Retours à vide dans l'agglomération", 260, 'unit'),
      out('logistics', 'LOG.TRANS.SHARED', 'Tournées de livraison mutualisées', 1500, 'unit', {
        conf: 'public',
      }),
      waste('160103', 6),
      waste('130205', 1.4),
    ],
  },
  {
    name: 'Matériaux Bois Est Négoce',
    naf: '46.73A',
    band: '10-49',
    address: '10 rue du Négoce, 21800 Quetigny',
    zone: "Vital'Est",
    flows: [
      elec(160),
      gas(120),
      waste('150103', 72),
      waste('150102', 11, { quality: cleanFilm }),
      out('logistics', 'LOG.PAL.ONEWAY', 'Palettes perdues', 700, 'unit', { period: 'month' }),
      out('space', 'SPC.YARD', 'Aire extérieure disponible', 1000, 'm2', {
        period: 'one_off',
        conf: 'public',
      }),
      need('service', 'SRV.COLL.WOOD', 'Reprise des palettes et du bois', 72, 't'),
    ],
  },
  {
    name: 'Atelier Palettes Solidaires (ESAT)',
    naf: '88.10C',
    band: '50-249',
    address: "7 rue de l'Entraide, 21800 Quetigny",
    zone: "Vital'Est",
    ess: true,
    flows: [
      elec(95),
      gas(60),
      inp('logistics', 'LOG.PAL.BROKEN', 'Palettes usagées à réparer', 3400, 'unit', {
        period: 'month',
      }),
      out('logistics', 'LOG.PAL.RECOND', 'Palettes reconditionnées', 2900, 'unit', {
        period: 'month',
        conf: 'public',
      }),
      waste('150103', 125, { label: 'Palettes non réparables' }),
      out(
        'service',
        'SRV.HR.INSERT',
        'Prestations de tri et de reconditionnement (ESAT)',
        9000,
        'h',
        {
          conf: 'public',
        },
      ),
      need(
        'equipment',
        'EQP.VEH.TRUCK',
        'Camion plateau pour la collecte des palettes',
        1,
        'unit',
        {
          period: 'one_off',
        },
      ),
    ],
  },
  {
    name: 'Pharma Distribution Bourgogne',
    naf: '46.46Z',
    band: '50-249',
    address: '15 rue Pasteur, 21850 Saint-Apollinaire',
    zone: "Vital'Est",
    flows: [
      elec(820),
      gas(260),
      waste('150101', 72),
      waste('150102', 15, { quality: cleanFilm }),
      need('space', 'SPC.WARE.COLDPOS', 'Stockage 2–8 °C en débord', 100, 'm2', {
        period: 'one_off',
      }),
      inp('logistics', 'LOG.PACK.BOX', "Cartons d'expédition", 180_000, 'unit'),
      palletsIn(250),
      groupElec(820),
    ],
  },
  {
    name: "GE Industrie Côte-d'Or",
    naf: '78.30Z',
    band: '10-49',
    address: '2 rue de la Coopération, 21000 Dijon',
    zone: "Vital'Est",
    flows: [
      elec(14),
      gas(10),
      out('service', 'SRV.HR.GE', 'Salariés à temps partagé disponibles', 15_500, 'h', {
        conf: 'public',
      }),
      out('skill', 'SKL.HSE', 'Responsable QHSE à temps partagé', 800, 'h', { conf: 'public' }),
      out('skill', 'SKL.LOG', 'Logisticien à temps partagé', 600, 'h', { conf: 'public' }),
    ],
  },
  {
    name: "Carrosserie Poids Lourds de l'Est",
    naf: '45.20B',
    band: '10-49',
    address: '18 rue des Carrossiers, 21800 Quetigny',
    zone: "Vital'Est",
    flows: [
      elec(210),
      gas(260),
      waste('130205', 6.2),
      waste('080111', 3.1),
      waste('160103', 16),
      waste('160117', 22),
      waste('160107', 900, { unit: 'kg' }),
      need('service', 'SRV.COLL.HAZ', 'Collecte mutualisée des déchets dangereux', 10, 't'),
    ],
  },
  {
    name: 'Chocolaterie Fine de Bourgogne',
    naf: '10.82Z',
    band: '10-49',
    address: '6 rue du Cacao, 21000 Dijon',
    zone: "Vital'Est",
    flows: [
      elec(610),
      gas(420),
      inp('material', 'MAT.FOOD', 'Fèves, masse de cacao et sucre', 520, 't'),
      waste('020601', 21),
      waste('150101', 16),
      inp('logistics', 'LOG.PACK.BOX', 'Boîtes et cartons', 120_000, 'unit'),
      need('space', 'SPC.WARE.COLDPOS', 'Stockage tempéré en été', 80, 'm2', {
        period: 'one_off',
        availability: 'juin à septembre',
      }),
      groupElec(610),
    ],
  },
  {
    name: "Informatique & Réseaux Vital'Est",
    naf: '62.02A',
    band: '10-49',
    address: '9 rue du Numérique, 21000 Dijon',
    zone: "Vital'Est",
    flows: [
      elec(95),
      gas(60),
      out('skill', 'SKL.IT', 'Support informatique mutualisé', 600, 'h', { conf: 'public' }),
      waste('160214', 3.2),
      waste('200101', 2.1),
      out('space', 'SPC.MEET', 'Salle de réunion équipée', 45, 'm2', {
        period: 'one_off',
        conf: 'public',
      }),
    ],
  },
  {
    name: "Fonderie Alu de l'Est",
    naf: '24.53Z',
    band: '50-249',
    address: '25 rue des Fondeurs, 21850 Saint-Apollinaire',
    zone: "Vital'Est",
    flows: [
      elec(2900, { conf: 'private' }),
      gas(6600, { conf: 'private' }),
      inp('material', 'MAT.MET.AL', "Lingots d'aluminium", 1550, 't'),
      waste('120103', 42),
      waste('101008', 310),
      heatOut('HT', 2300, 220, 'Fumées des fours de fusion', {
        availability: '5 j/7, trois postes',
      }),
      waste('150103', 24),
      groupGas(6600),
    ],
  },
  {
    name: 'EA Conditionnement Est',
    naf: '82.92Z',
    band: '50-249',
    address: '31 rue des Artisans, 21800 Quetigny',
    zone: "Vital'Est",
    ess: true,
    flows: [
      elec(240),
      gas(180),
      inp('logistics', 'LOG.PACK.BOX', "Cartons d'emballage", 420_000, 'unit'),
      inp('logistics', 'LOG.PACK.FILM', 'Film étirable', 24, 't'),
      waste('150101', 92),
      waste('150102', 21, { quality: cleanFilm }),
      palletsIn(700),
      out('service', 'SRV.HR.INSERT', 'Conditionnement à façon (entreprise adaptée)', 30_000, 'h', {
        conf: 'public',
      }),
    ],
  },

  // ----- Outside the three zones -----
  {
    name: 'Méthanisation des Terres de Saône',
    naf: '35.21Z',
    band: '1-9',
    address: 'Chemin des Grands Champs, 21600 Ouges',
    zone: null,
    at: [5.0745, 47.2615],
    flows: [
      elec(420),
      need(
        'material',
        'MAT.AGRI.METHA',
        'Intrants méthanisables (drêches, marcs, biodéchets)',
        16_000,
        't',
      ),
      wasteIn('200108', 2000, 'Biodéchets de restauration déconditionnés'),
      out('energy', 'ENE.GAS.BIOMETH', 'Biométhane injecté dans le réseau', 21_500, 'MWh', {
        conf: 'public',
      }),
      out('material', 'MAT.AGRI.DIGEST', 'Digestat épandable', 15_500, 't'),
    ],
  },
  {
    name: "GAEC des Prés de l'Ouche",
    naf: '01.41Z',
    band: '1-9',
    address: 'Ferme des Prés, 21370 Plombières-lès-Dijon',
    zone: null,
    at: [4.9655, 47.3395],
    flows: [
      elec(95),
      diesel(260),
      need(
        'material',
        'MAT.AGRI.FEED.COPROD',
        'Drêches et coproduits humides pour la ration',
        650,
        't',
        {
          quality: { minDrySolidsPct: 20 },
        },
      ),
      inp('material', 'MAT.AGRI.FEED', 'Aliments composés et tourteaux', 420, 't'),
      waste('020106', 1800, { label: 'Fumier de bovins' }),
    ],
  },
  {
    name: 'Serres Maraîchères de Quetigny',
    naf: '01.13Z',
    band: '10-49',
    address: 'Route de Chevigny, 21800 Quetigny',
    zone: null,
    at: [5.1135, 47.3105],
    flows: [
      gas(4100),
      elec(380),
      need('energy', 'ENE.HEAT.HW.LT', 'Chauffage basse température des serres', 3200, 'MWh', {
        availability: 'octobre à avril',
      }),
      need('material', 'MAT.GAS.CO2', "CO2 pour l'enrichissement des serres", 85, 't'),
      inp('material', 'MAT.AGRI.COMPOST', 'Compost normé', 220, 't'),
      inp('water', 'WAT.RAIN', 'Eaux pluviales récupérées', 6000, 'm3'),
    ],
  },
  {
    name: 'Épicerie Solidaire Dijonnaise',
    naf: '88.99B',
    band: '10-49',
    address: "12 rue d'Auxonne, 21000 Dijon",
    zone: null,
    at: [5.0335, 47.318],
    ess: true,
    flows: [
      elec(35),
      gas(25),
      need(
        'material',
        'MAT.FOOD.SURPLUS',
        'Dons alimentaires (fruits, légumes, produits frais)',
        140,
        't',
      ),
      need('space', 'SPC.WARE.COLDPOS', 'Chambre froide pour les dons', 40, 'm2', {
        period: 'one_off',
      }),
      need('logistics', 'LOG.TRANS.SHARED', 'Ramasse des dons chez les entreprises', 100, 'unit'),
    ],
  },
];

function buildCompany(spec: Spec, index: number): DemoCompany {
  const n = index + 1;
  let location: DemoCompany['location'];
  if (spec.zone) {
    location = pointInZone(spec.zone);
  } else {
    if (!spec.at) throw new Error(`demo-data: ${spec.name} needs coordinates`);
    location = { type: 'Point', coordinates: [spec.at[0], spec.at[1]] };
  }
  return {
    siret: siretFor(n),
    name: spec.name,
    nafCode: spec.naf,
    headcountBand: spec.band,
    address: spec.address,
    location,
    zoneName: spec.zone,
    isEss: spec.ess ?? false,
    diagnostic: { visitedAt: visitDate(n), flows: spec.flows },
  };
}

export const demoTerritory: {
  slug: 'dijon-demo';
  name: string;
  zones: DemoZone[];
  companies: DemoCompany[];
} = {
  slug: 'dijon-demo',
  name: 'Métropole de démonstration (Dijon)',
  zones: ZONE_NAMES.map((name) => ({
    name,
    geom: { type: 'MultiPolygon', coordinates: [[ringOf(name)]] },
  })),
  companies: SPECS.map(buildCompany),
};

/**
 * The funding agreement of the demo territory, modelled on the fiche-action
 * « SYNERGIES » 2022 of CCI Métropole de Bourgogne / Dijon Métropole
 * (../shared/domain/dijon-synergies-fiche-action-2022.txt): April 2021 – March
 * 2024, the budget table of each year with its real figures, and the funders'
 * shares where the fiche gives them (2021 and 2022; 2023 is planned only).
 * Objectives follow the fiche's aims (three zones, three working groups, a
 * project officer reporting to the partners); their targets are illustrative.
 */
export const ADEME_REGION = 'ADEME / Région Bourgogne-Franche-Comté';
export const DIJON_METROPOLE = 'Dijon Métropole';
export const CCIMDB = 'CCI Métropole de Bourgogne';

export const demoConvention = {
  title: 'Démarche SYNERGIES — écologie industrielle et territoriale sur la métropole',
  reference:
    'Fiche-action 2022, partenariat économique CCI Métropole de Bourgogne / Dijon Métropole',
  partners: [
    CCIMDB,
    DIJON_METROPOLE,
    'ADEME Bourgogne-Franche-Comté',
    'Région Bourgogne-Franche-Comté',
    'CMA Côte-d’Or',
  ],
  startsOn: '2021-04-01',
  endsOn: '2024-03-31',
  description:
    'Faire perdurer la démarche Synergies engagée en 2018 sur les zones Cap Nord, Grand Sud et Vital’Est, et aboutir d’ici 2024 à une association d’entreprises autonome.',
  actions: [
    {
      title: 'Animation de la démarche par un chargé de mission EIT',
      description:
        'Diagnostics flux, identification des synergies, animation des groupes de travail (achat de gaz et d’électricité, prestations de services, palettes), reporting aux partenaires.',
      objectives: [
        {
          label: 'Diagnostics flux réalisés',
          metric: 'diagnostics_conducted' as const,
          target: 80,
          unit: 'diagnostics',
        },
        {
          label: 'Diagnostics dans les 3 zones d’activités',
          metric: 'zones_with_diagnostics' as const,
          target: 3,
          unit: 'zones',
        },
        {
          label: '3 groupes de travail animés',
          metric: 'working_groups_active' as const,
          target: 3,
          unit: 'groupes',
        },
        {
          label: 'Synergies mises en œuvre',
          metric: 'synergies_implemented' as const,
          target: 10,
          unit: 'synergies',
        },
        {
          label: 'Structure juridique créée (association d’entreprises)',
          metric: 'manual' as const,
          target: 1,
          unit: 'structure',
          manualValue: 0,
        },
      ],
      budget: [
        // 2021: 50 % ETP over 9 months.
        {
          year: 2021,
          label: 'Salaire chargé de mission (base 36 k€ / ETP)',
          amountEur: 22125,
          funding: [
            { funder: ADEME_REGION, amountEur: 13500 },
            { funder: DIJON_METROPOLE, amountEur: 8625 },
          ],
        },
        {
          year: 2021,
          label: 'Outils de communication',
          amountEur: 6000,
          funding: [
            { funder: ADEME_REGION, amountEur: 4800 },
            { funder: DIJON_METROPOLE, amountEur: 1200 },
          ],
        },
        {
          year: 2021,
          label: 'Équipements',
          amountEur: 4000,
          funding: [{ funder: ADEME_REGION, amountEur: 4000 }],
        },
        {
          year: 2021,
          label: 'Outil de suivi EIT (ACTIF)',
          amountEur: 1500,
          funding: [
            { funder: ADEME_REGION, amountEur: 1200 },
            { funder: CCIMDB, amountEur: 300 },
          ],
        },
        {
          year: 2021,
          label: 'Frais d’études / prestations externes',
          amountEur: 10000,
          funding: [
            { funder: ADEME_REGION, amountEur: 8000 },
            { funder: DIJON_METROPOLE, amountEur: 2000 },
          ],
        },
        {
          year: 2021,
          label: 'Autres frais fixes (formation, déplacements)',
          amountEur: 1500,
          funding: [{ funder: CCIMDB, amountEur: 1500 }],
        },
        {
          year: 2021,
          label: 'Coordination du projet (2 j/mois sur 9 mois)',
          amountEur: 10800,
          funding: [{ funder: CCIMDB, amountEur: 10800 }],
        },
        // 2022: 75 % ETP over 12 months.
        {
          year: 2022,
          label: 'Salaire chargé de mission (base 36 k€ / ETP)',
          amountEur: 44250,
          funding: [
            { funder: ADEME_REGION, amountEur: 31500 },
            { funder: DIJON_METROPOLE, amountEur: 12750 },
          ],
        },
        {
          year: 2022,
          label: 'Outils de communication',
          amountEur: 4000,
          funding: [
            { funder: ADEME_REGION, amountEur: 3200 },
            { funder: DIJON_METROPOLE, amountEur: 800 },
          ],
        },
        {
          year: 2022,
          label: 'Outil de suivi EIT',
          amountEur: 1500,
          funding: [
            { funder: ADEME_REGION, amountEur: 1200 },
            { funder: DIJON_METROPOLE, amountEur: 300 },
          ],
        },
        {
          year: 2022,
          label: 'Frais d’études / prestations externes',
          amountEur: 10000,
          funding: [
            { funder: ADEME_REGION, amountEur: 8000 },
            { funder: DIJON_METROPOLE, amountEur: 2000 },
          ],
        },
        {
          year: 2022,
          label: 'Frais de déplacements',
          amountEur: 3000,
          funding: [{ funder: CCIMDB, amountEur: 3000 }],
        },
        {
          year: 2022,
          label: 'Coordination du projet (1 j/mois)',
          amountEur: 7200,
          funding: [{ funder: CCIMDB, amountEur: 7200 }],
        },
        // 2023: 100 % ETP; the fiche gives the costs, not yet the funders' shares.
        {
          year: 2023,
          label: 'Salaire chargé de mission (base 36 k€ / ETP)',
          amountEur: 59000,
          funding: [],
        },
        { year: 2023, label: 'Outils de communication', amountEur: 3000, funding: [] },
        { year: 2023, label: 'Outil de suivi EIT', amountEur: 1500, funding: [] },
        {
          year: 2023,
          label: 'Frais d’études / prestations externes',
          amountEur: 10000,
          funding: [],
        },
        { year: 2023, label: 'Frais de déplacements', amountEur: 4000, funding: [] },
        { year: 2023, label: 'Coordination du projet (1 j/mois)', amountEur: 7200, funding: [] },
      ],
    },
  ],
};

/** The fiche's yearly totals, to check the seeded budget against. */
export const SYNERGIES_BUDGET_TOTALS = {
  2021: { planned: 55925, [ADEME_REGION]: 31500, [DIJON_METROPOLE]: 11825, [CCIMDB]: 12600 },
  2022: { planned: 69950, [ADEME_REGION]: 43900, [DIJON_METROPOLE]: 15850, [CCIMDB]: 10200 },
  2023: { planned: 84700 },
} as const;
