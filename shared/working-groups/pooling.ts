// Which members' flows a working group pools, and the totals (pure, no I/O).
//
// The rule, by theme (flows of each member's current validated diagnostic):
// - energy_purchasing: input flows of electricity (ENE.ELEC…) and natural gas
//   (ENE.GAS.NAT…), in MWh per year: the volumes of a purchasing tender;
// - pallets: every flow of pallets (LOG.PAL…) or of wooden packaging waste
//   (EWC 15 01 03), per kind (bought, given back, discarded);
// - other themes: the flows whose resource is that of a synergy linked to the
//   group (the same code or one under it; an EWC sub-chapter such as 1501
//   covers its codes, 1601* only their hazardous entries).
// Totals are per kind, resource and unit: quantities are never added across units.
import type { WorkingGroupTheme } from '../schemas/working-groups.ts';

export interface PoolableFlow {
  kind: 'input' | 'output' | 'waste' | 'need';
  resourceCode: string;
  hazardous: boolean;
  companyId: string;
  quantityPerYear: number | null;
  unit: string | null;
}

const OTHER_RULE_FR =
  'Flux des membres portant sur les ressources des synergies rattachées au groupe, d’après leur dernier diagnostic validé';

export const POOLING_RULE_FR: Readonly<Record<WorkingGroupTheme, string>> = {
  energy_purchasing:
    'Flux entrants d’électricité (ENE.ELEC…) et de gaz naturel (ENE.GAS.NAT…) des membres, en MWh par an, d’après leur dernier diagnostic validé',
  pallets:
    'Flux de palettes (LOG.PAL…) et de déchets d’emballages en bois (15 01 03) des membres, par sens, d’après leur dernier diagnostic validé',
  shared_services: OTHER_RULE_FR,
  waste_collection: OTHER_RULE_FR,
  equipment: OTHER_RULE_FR,
  custom: OTHER_RULE_FR,
};

const under = (code: string, p: string) => code === p || code.startsWith(`${p}.`);

/** Whether a flow of resource `code` falls under a synergy's resource code `p`. */
export function coveredBy(flow: Pick<PoolableFlow, 'resourceCode' | 'hazardous'>, p: string) {
  if (p.endsWith('*')) {
    const sub = p.slice(0, -1);
    return flow.hazardous && flow.resourceCode.startsWith(sub);
  }
  if (/^\d{2,4}$/.test(p)) return flow.resourceCode.startsWith(p);
  return under(flow.resourceCode, p);
}

export function poolingFilter(
  theme: WorkingGroupTheme,
  linkedResourceCodes: string[],
): (f: Pick<PoolableFlow, 'kind' | 'resourceCode' | 'hazardous'>) => boolean {
  switch (theme) {
    case 'energy_purchasing':
      return (f) =>
        f.kind === 'input' &&
        (under(f.resourceCode, 'ENE.ELEC') || under(f.resourceCode, 'ENE.GAS.NAT'));
    case 'pallets':
      return (f) => under(f.resourceCode, 'LOG.PAL') || f.resourceCode === '150103';
    default:
      return (f) => linkedResourceCodes.some((p) => coveredBy(f, p));
  }
}

export interface PoolTotal {
  kind: PoolableFlow['kind'];
  resourceCode: string;
  unit: string | null;
  quantityPerYear: number;
  companies: number;
}

/** Sums per (kind, resource, unit); `companies` counts the members with a declared quantity. */
export function poolTotals(flows: PoolableFlow[]): PoolTotal[] {
  const byKey = new Map<string, PoolTotal & { members: Set<string> }>();
  for (const f of flows) {
    if (f.quantityPerYear === null) continue;
    const key = `${f.kind}|${f.resourceCode}|${f.unit ?? ''}`;
    let t = byKey.get(key);
    if (!t) {
      t = {
        kind: f.kind,
        resourceCode: f.resourceCode,
        unit: f.unit,
        quantityPerYear: 0,
        companies: 0,
        members: new Set(),
      };
      byKey.set(key, t);
    }
    t.quantityPerYear += f.quantityPerYear;
    t.members.add(f.companyId);
  }
  return [...byKey.values()]
    .map(({ members, ...t }) => ({ ...t, companies: members.size }))
    .sort((a, b) =>
      a.resourceCode === b.resourceCode
        ? a.kind.localeCompare(b.kind)
        : a.resourceCode.localeCompare(b.resourceCode),
    );
}

/** The engine's mutualisation themes (shared/matching) that a group's theme takes suggestions from. */
export const ENGINE_THEMES_OF: Readonly<Record<WorkingGroupTheme, string[]>> = {
  energy_purchasing: ['energy_purchasing'],
  shared_services: ['services'],
  pallets: ['pallets'],
  waste_collection: ['waste_collection'],
  equipment: ['equipment'],
  custom: [],
};
