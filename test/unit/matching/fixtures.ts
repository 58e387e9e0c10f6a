// Small, explicit snapshots for the matching engine tests (no rule files, no database).
import { distance } from 'geokdbush';
import type { Rule } from '../../../shared/knowledge/rules.ts';
import { seededRng } from '../../../shared/matching/keys.ts';
import {
  DEFAULT_PARAMS,
  type EmissionFactor,
  type FlowKind,
  type Snapshot,
  type SnapshotCompany,
  type SnapshotFlow,
  type SnapshotResource,
} from '../../../shared/matching/types.ts';

export const LAT0 = 45.75;
export const LON0 = 4.85;
/** Kilometres per degree of latitude on the geokdbush sphere (R = 6371 km). */
export const KM_PER_DEG_LAT = (6371 * Math.PI) / 180;

export function company(id: string, o: Partial<SnapshotCompany> = {}): SnapshotCompany {
  return {
    id,
    name: `Entreprise secrète ${id}`,
    nafCode: '11.05Z',
    sectorLabel: `Secteur ${id}`,
    zoneId: 'z1',
    lon: LON0,
    lat: LAT0,
    ...o,
  };
}

/** A company `km` kilometres north of the origin. */
export function northOf(id: string, km: number, o: Partial<SnapshotCompany> = {}) {
  return company(id, { lat: LAT0 + km / KM_PER_DEG_LAT, ...o });
}

export function km(a: SnapshotCompany, b: SnapshotCompany): number {
  return distance(a.lon!, a.lat!, b.lon!, b.lat!);
}

export const RESOURCES: SnapshotResource[] = [
  { code: '020704', labelFr: 'Drêches de brasserie', category: 'waste', canonicalUnit: 't' },
  { code: '150101', labelFr: 'Emballages en papier/carton', category: 'waste', canonicalUnit: 't' },
  { code: '150103', labelFr: 'Emballages en bois', category: 'waste', canonicalUnit: 't' },
  { code: '100102', labelFr: 'Cendres volantes de charbon', category: 'waste', canonicalUnit: 't' },
  { code: '130205', labelFr: 'Huiles moteur usagées', category: 'waste', canonicalUnit: 'm3' },
  { code: '030105', labelFr: 'Sciures et copeaux', category: 'waste', canonicalUnit: 't' },
  {
    code: 'MAT.AGRI.FEED',
    labelFr: 'Aliments pour animaux',
    category: 'material',
    canonicalUnit: 't',
  },
  { code: 'MAT.CONST.CEMENT', labelFr: 'Ciment', category: 'material', canonicalUnit: 't' },
  { code: 'MAT.PAPER.PULP', labelFr: 'Pâte à papier', category: 'material', canonicalUnit: 't' },
  { code: 'ENE.ELEC', labelFr: 'Électricité', category: 'energy', canonicalUnit: 'MWh' },
  { code: 'ENE.GAS.NAT', labelFr: 'Gaz naturel', category: 'energy', canonicalUnit: 'MWh' },
  {
    code: 'ENE.HEAT.WASTE.MT',
    labelFr: 'Chaleur fatale 60-90 °C',
    category: 'energy',
    canonicalUnit: 'MWh',
  },
  {
    code: 'ENE.HEAT.HW.MT',
    labelFr: 'Eau chaude 60-90 °C',
    category: 'energy',
    canonicalUnit: 'MWh',
  },
  {
    code: 'ENE.BIOM.CHIP',
    labelFr: 'Plaquettes de bois',
    category: 'energy',
    canonicalUnit: 'MWh',
  },
  {
    code: 'LOG.PAL.BROKEN',
    labelFr: 'Palettes cassées',
    category: 'logistics',
    canonicalUnit: 'unit',
  },
  { code: 'LOG.PAL.EUR', labelFr: 'Palettes Europe', category: 'logistics', canonicalUnit: 'unit' },
  { code: 'SRV.TRAIN', labelFr: 'Formation', category: 'service', canonicalUnit: 'h' },
  { code: 'SRV.COLL.DIB', labelFr: 'Collecte de DIB', category: 'service', canonicalUnit: 'unit' },
  {
    code: 'SRV.PURCH.ENE',
    labelFr: "Achat groupé d'énergie",
    category: 'service',
    canonicalUnit: 'unit',
  },
  {
    code: 'EQP.HANDL.FORKLIFT',
    labelFr: 'Chariot élévateur',
    category: 'equipment',
    canonicalUnit: 'unit',
  },
];
const unitOfCode = new Map(RESOURCES.map((r) => [r.code, r.canonicalUnit]));

let flowSeq = 0;
export function flow(
  companyId: string,
  kind: FlowKind,
  resourceCode: string,
  quantityPerYear: number | null,
  o: Partial<SnapshotFlow> = {},
): SnapshotFlow {
  return {
    id: o.id ?? `f-${companyId}-${kind}-${resourceCode}-${++flowSeq}`,
    companyId,
    kind,
    category: 'waste',
    resourceCode,
    quantityPerYear,
    canonicalUnit: unitOfCode.get(resourceCode) ?? 't',
    period: 'year',
    costEurPerYear: null,
    hazardous: false,
    quality: {},
    ...o,
  };
}

export function rule(
  id: string,
  supply: { codes?: string[]; prefixes?: string[] },
  demand: { codes?: string[]; prefixes?: string[] },
  o: Partial<Rule> = {},
): Rule {
  return {
    id,
    family: 'organics_agrifood',
    labelFr: `Règle ${id}`,
    supply: { codes: supply.codes ?? [], prefixes: supply.prefixes ?? [] },
    demand: { codes: demand.codes ?? [], prefixes: demand.prefixes ?? [] },
    confidence: 0.8,
    maxDistanceKm: 50,
    conditions: { hazardousRequiresAuthorisation: true, quality: [] },
    gain: {
      model: 'avoided_disposal',
      ratio: 1,
      avoidedRoute: 'landfill',
      emissionFactors: [],
    },
    sources: [{ kind: 'guide', title: 'Guide de test', year: 2020 }],
    ...o,
  };
}

const ARRETE = 'Arrêté du 10 avril 2012 (NOR TRAT1209296A)';
const NGC = 'npm @incubateur-ademe/nosgestesclimat@4.10.2';
export const FACTORS: EmissionFactor[] = [
  { key: 'diesel_road_litre', label: 'Road diesel', value: 3.07, unit: 'kgCO2/l', source: ARRETE },
  {
    key: 'truck_40t_regional_consumption',
    label: 'Truck 40 t regional',
    value: 0.338,
    unit: 'l/km',
    source: ARRETE,
  },
  {
    key: 'truck_40t_regional_payload',
    label: 'Truck 40 t payload',
    value: 12.5,
    unit: 't',
    source: ARRETE,
  },
  {
    key: 'cardboard_landfill',
    label: 'Cardboard landfill',
    value: 0.95,
    unit: 'kgCO2e/kg',
    source: NGC,
  },
  {
    key: 'cardboard_recycling',
    label: 'Cardboard recycling',
    value: 0.26,
    unit: 'kgCO2e/kg',
    source: NGC,
  },
  { key: 'steel_virgin', label: 'Steel, new', value: 2.21, unit: 'kgCO2e/kg', source: NGC },
  {
    key: 'cardboard_incineration',
    label: 'Cardboard incineration',
    value: 0.05,
    unit: 'kgCO2e/kg',
    source: NGC,
  },
  {
    key: 'natural_gas_fr_pcs',
    label: 'Natural gas',
    value: 0.215,
    unit: 'kgCO2e/kWh PCS',
    source: NGC,
  },
];

export function snapshot(o: Partial<Snapshot> = {}): Snapshot {
  return {
    territoryId: 't1',
    companies: [],
    flows: [],
    resources: RESOURCES,
    rules: [],
    emissionFactors: FACTORS,
    params: { ...DEFAULT_PARAMS },
    ...o,
  };
}

// ------------------------------------------------------------ random snapshots

const SUPPLY_CODES = [
  '020704',
  '150101',
  '150103',
  '100102',
  '130205',
  '030105',
  'ENE.HEAT.WASTE.MT',
  'LOG.PAL.BROKEN',
];
const DEMAND_CODES = [
  'MAT.AGRI.FEED',
  'MAT.CONST.CEMENT',
  'MAT.PAPER.PULP',
  '150101',
  'LOG.PAL.BROKEN',
  'ENE.HEAT.HW.MT',
  'ENE.BIOM.CHIP',
  '130205',
];
const MUTUAL = [
  ['input', 'ENE.ELEC'],
  ['input', 'ENE.GAS.NAT'],
  ['need', 'SRV.TRAIN'],
  ['need', 'SRV.COLL.DIB'],
  ['need', 'SRV.PURCH.ENE'],
  ['need', 'EQP.HANDL.FORKLIFT'],
  ['input', 'LOG.PAL.EUR'],
] as const;

export const RANDOM_RULES: Rule[] = [
  rule(
    'grains-feed',
    { codes: ['020704'] },
    { codes: ['MAT.AGRI.FEED'] },
    {
      conditions: {
        hazardousRequiresAuthorisation: true,
        quality: [
          {
            side: 'supply',
            attribute: 'dryMatterPct',
            min: 20,
            optional: true,
            labelFr: 'Matière sèche ≥ 20 %',
          },
        ],
      },
    },
  ),
  rule(
    'ash-cement',
    { prefixes: ['1001'] },
    { prefixes: ['MAT.CONST'] },
    { confidence: 0.7, maxDistanceKm: 15 },
  ),
  rule(
    'cardboard-pulp',
    { codes: ['150101'] },
    { codes: ['MAT.PAPER.PULP'] },
    {
      maxDistanceKm: 25,
      gain: {
        model: 'avoided_disposal',
        ratio: 1,
        avoidedRoute: 'landfill',
        emissionFactors: ['cardboard_landfill', 'cardboard_recycling'],
      },
    },
  ),
  rule(
    'heat',
    { prefixes: ['ENE.HEAT.WASTE'] },
    { prefixes: ['ENE.HEAT.HW'] },
    { confidence: 0.6, maxDistanceKm: 4 },
  ),
  rule(
    'wood-boiler',
    { prefixes: ['0301', '1501'] },
    { codes: ['ENE.BIOM.CHIP'] },
    {
      confidence: 0.5,
      maxDistanceKm: 30,
      conversion: {
        factor: 3.5,
        unit: 'MWh/t',
        labelFr: 'PCI du bois sec',
        source: { kind: 'guide', title: 'Guide bois', year: 2018 },
      },
    },
  ),
  rule(
    'oil-regen',
    { codes: ['130205'] },
    { codes: ['130205'] },
    { confidence: 0.9, maxDistanceKm: 40 },
  ),
  rule(
    'pallets-any',
    { prefixes: ['LOG.PAL'] },
    { prefixes: ['LOG.PAL'] },
    { confidence: 0.85, maxDistanceKm: 12 },
  ),
];

function pick<T>(rng: () => number, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)]!;
}

export function randomFlows(rng: () => number, companyId: string, tag: string): SnapshotFlow[] {
  const n = 1 + Math.floor(rng() * 4);
  const out: SnapshotFlow[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng();
    let kind: FlowKind;
    let code: string;
    if (r < 0.4) {
      kind = rng() < 0.6 ? 'waste' : 'output';
      code = pick(rng, SUPPLY_CODES);
    } else if (r < 0.75) {
      kind = rng() < 0.7 ? 'input' : 'need';
      code = pick(rng, DEMAND_CODES);
    } else {
      const [k, c] = pick(rng, MUTUAL);
      kind = k;
      code = c;
    }
    const quality: Record<string, unknown> = {};
    if (rng() < 0.3) quality.dryMatterPct = Math.round(rng() * 40);
    if (rng() < 0.3) quality.authorisedHazardous = true;
    out.push({
      id: `${companyId}-${tag}-${i}`,
      companyId,
      kind,
      category: 'waste',
      resourceCode: code,
      quantityPerYear: rng() < 0.2 ? null : Math.round(rng() * 500) + 1,
      canonicalUnit: unitOfCode.get(code) ?? 't',
      period: rng() < 0.15 ? 'one_off' : 'year',
      costEurPerYear: rng() < 0.5 ? Math.round(rng() * 20000) : null,
      hazardous: code === '130205' ? true : rng() < 0.05,
      quality,
    });
  }
  return out;
}

export function randomSnapshot(seed: number, o: { companies?: number; spreadKm?: number } = {}) {
  const rng = seededRng(seed);
  const n = o.companies ?? 6 + Math.floor(rng() * 14);
  const spread = (o.spreadKm ?? 20) / KM_PER_DEG_LAT;
  const companies: SnapshotCompany[] = [];
  const flows: SnapshotFlow[] = [];
  for (let i = 0; i < n; i++) {
    const id = `c${String(i).padStart(3, '0')}`;
    const located = rng() > 0.15;
    const zr = rng();
    companies.push(
      company(id, {
        zoneId: zr < 0.4 ? 'z1' : zr < 0.7 ? 'z2' : zr < 0.85 ? 'z3' : null,
        lon: located ? LON0 + (rng() - 0.5) * spread * 1.4 : null,
        lat: located ? LAT0 + (rng() - 0.5) * spread : null,
      }),
    );
    flows.push(...randomFlows(rng, id, 'a'));
  }
  return {
    rng,
    snapshot: snapshot({
      companies,
      flows,
      rules: RANDOM_RULES,
      params: {
        ...DEFAULT_PARAMS,
        mutualisationMinMembers: 2 + Math.floor(rng() * 2),
        mutualisationRadiusKm: 2 + rng() * 6,
      },
    }),
  };
}

/** A copy with its arrays shuffled (determinism tests). */
export function shuffled(s: Snapshot, seed: number): Snapshot {
  const rng = seededRng(seed);
  const sh = <T>(a: readonly T[]) => {
    const c = [...a];
    for (let i = c.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [c[i], c[j]] = [c[j]!, c[i]!];
    }
    return c;
  };
  return {
    ...s,
    companies: sh(s.companies),
    flows: sh(s.flows),
    rules: sh(s.rules),
    resources: sh(s.resources),
    emissionFactors: sh(s.emissionFactors),
  };
}
