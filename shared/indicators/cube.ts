// The secrecy cube of one territory and one calendar year: the year, its four
// quarters and twelve months × the territory, each zone and the companies
// outside every zone × every indicator cell. Every equation a partner could use
// to subtract published cells is listed (zones add up to the territory, flow
// categories to their total, synergy types and statuses to their margins,
// months to quarters to the year), so that the secrecy decided here holds
// whatever slice of the year a partner asks for.
import {
  DEFINITION_OF,
  FLOW_CATEGORIES,
  FUNNEL_STAGES,
  STATUSES,
  SYNERGY_TYPES,
  allCellKeys,
  type IndicatorKey,
} from './definitions.ts';
import { suppress, type SecrecyCell, type SecrecyGroup, type SecretReason } from './secrecy.ts';

export type PeriodKind = 'month' | 'quarter' | 'year';

export interface CubeCell {
  kind: PeriodKind;
  /** First day of the period, YYYY-MM-DD. */
  start: string;
  /** 'territory', a zone id, or 'none' (companies outside every zone). */
  scope: string;
  metric: IndicatorKey;
  dim: string;
  value: number;
  companies: number;
  topShare: number;
}

export const cellId = (c: Pick<CubeCell, 'kind' | 'start' | 'scope' | 'metric' | 'dim'>) =>
  `${c.kind}|${c.start}|${c.scope}|${c.metric}|${c.dim}`;

const pad = (n: number) => String(n).padStart(2, '0');

/** The periods of a calendar year with the months of each quarter. */
export function yearPeriods(year: number) {
  const months = Array.from({ length: 12 }, (_, i) => `${year}-${pad(i + 1)}-01`);
  const quarters = [0, 1, 2, 3].map((q) => ({
    start: `${year}-${pad(q * 3 + 1)}-01`,
    months: months.slice(q * 3, q * 3 + 3),
  }));
  return { year: `${year}-01-01`, quarters, months };
}

/** Every additive equation of the year's cube. */
export function cubeGroups(year: number, scopes: readonly string[]): SecrecyGroup[] {
  const { year: y, quarters, months } = yearPeriods(year);
  const periods: [PeriodKind, string][] = [
    ['year', y],
    ...quarters.map((q): [PeriodKind, string] => ['quarter', q.start]),
    ...months.map((m): [PeriodKind, string] => ['month', m]),
  ];
  const keys = allCellKeys().filter((k) => k.indicator !== 'synergies_conversion');
  const zoneScopes = scopes.filter((s) => s !== 'territory');
  const allScopes = ['territory', ...zoneScopes];
  const groups: SecrecyGroup[] = [];
  const id = (kind: PeriodKind, start: string, scope: string, metric: IndicatorKey, dim: string) =>
    cellId({ kind, start, scope, metric, dim });

  for (const [kind, start] of periods) {
    // Zones (and the companies outside every zone) add up to the territory.
    for (const k of keys) {
      if (!DEFINITION_OF.get(k.indicator)!.additiveOverZones) continue;
      groups.push({
        total: id(kind, start, 'territory', k.indicator, k.dimension),
        members: zoneScopes.map((s) => id(kind, start, s, k.indicator, k.dimension)),
      });
    }
    for (const scope of allScopes) {
      // Flow categories add up to all flows.
      for (const m of ['flows_count', 'flows_tonnes', 'flows_mwh'] as const) {
        groups.push({
          total: id(kind, start, scope, m, ''),
          members: FLOW_CATEGORIES.map((c) => id(kind, start, scope, m, c)),
        });
      }
      // Synergies: statuses add up to a type's total, types to a status's total.
      for (const t of ['*', ...SYNERGY_TYPES]) {
        groups.push({
          total: id(kind, start, scope, 'synergies', `${t}:*`),
          members: STATUSES.map((s) => id(kind, start, scope, 'synergies', `${t}:${s}`)),
        });
      }
      for (const s of ['*', ...STATUSES]) {
        groups.push({
          total: id(kind, start, scope, 'synergies', `*:${s}`),
          members: SYNERGY_TYPES.map((t) => id(kind, start, scope, 'synergies', `${t}:${s}`)),
        });
      }
      for (const s of FUNNEL_STAGES) {
        groups.push({
          total: id(kind, start, scope, 'synergies_reached', `*:${s}`),
          members: SYNERGY_TYPES.map((t) =>
            id(kind, start, scope, 'synergies_reached', `${t}:${s}`),
          ),
        });
      }
      // Identities: every synergy reached "proposed"; "implemented" reached = implemented now
      // (closed statuses are final).
      for (const t of ['*', ...SYNERGY_TYPES]) {
        groups.push({
          total: id(kind, start, scope, 'synergies', `${t}:*`),
          members: [id(kind, start, scope, 'synergies_reached', `${t}:proposed`)],
        });
        groups.push({
          total: id(kind, start, scope, 'synergies', `${t}:implemented`),
          members: [id(kind, start, scope, 'synergies_reached', `${t}:implemented`)],
        });
      }
    }
  }
  // Months add up to their quarter, quarters to the year.
  for (const scope of allScopes) {
    for (const k of keys) {
      if (!DEFINITION_OF.get(k.indicator)!.additiveOverTime) continue;
      groups.push({
        total: id('year', y, scope, k.indicator, k.dimension),
        members: quarters.map((q) => id('quarter', q.start, scope, k.indicator, k.dimension)),
      });
      for (const q of quarters) {
        groups.push({
          total: id('quarter', q.start, scope, k.indicator, k.dimension),
          members: q.months.map((m) => id('month', m, scope, k.indicator, k.dimension)),
        });
      }
    }
  }
  return groups;
}

/** Decides the secrecy of a year's cube: cell id → reason, for withheld cells. */
export function decideCube(
  year: number,
  cells: readonly CubeCell[],
  scopes: readonly string[],
): Map<string, SecretReason> {
  const input: SecrecyCell[] = cells.map((c) => ({
    id: cellId(c),
    value: c.value,
    companies: c.companies,
    topShare: c.topShare,
  }));
  return suppress(input, cubeGroups(year, scopes));
}
