// Synergy stocks (status at the end of each month, funnel, gains of the
// implemented ones) swept month by month: each status interval of a synergy is
// added to its cells in the month it starts and removed in the month it ends,
// so the work follows the number of status changes, not synergies × months.
// Per cell and scope: the value, and each company's weight (its share 1/k of
// each synergy, or of its gains) for the count of companies and the dominance
// test. Pure; the repository supplies intervals, participants and months.
import type { CubeCell } from './cube.ts';
import type { IndicatorKey } from './definitions.ts';

export interface StatusInterval {
  synergyId: string;
  type: string;
  status: string;
  /** Highest funnel rank reached so far (1 proposed … 5 implemented, 0 none). */
  maxRank: number;
  /** Index of the first month whose end is after the interval's start. */
  fromMonth: number;
  /** Index of the last month whose end is within the interval (inclusive); null = open. */
  toMonth: number | null;
  gains: Partial<Record<IndicatorKey, number>>;
}

export interface Participant {
  synergyId: string;
  companyId: string;
  /** Zone id or 'none'. */
  zone: string;
}

const STAGES = ['proposed', 'qualified', 'under_study', 'in_progress', 'implemented'] as const;
const EPS = 1e-9;

interface Acc {
  metric: IndicatorKey;
  dim: string;
  scope: string;
  value: number;
  weights: Map<string, number>;
  sumAbs: number;
  top: number;
  topDirty: boolean;
}

function contributions(
  i: StatusInterval,
): { metric: IndicatorKey; dim: string; amount: number | null }[] {
  const out: { metric: IndicatorKey; dim: string; amount: number | null }[] = [
    { metric: 'synergies', dim: `${i.type}:${i.status}`, amount: null },
    { metric: 'synergies', dim: `${i.type}:*`, amount: null },
    { metric: 'synergies', dim: `*:${i.status}`, amount: null },
    { metric: 'synergies', dim: '*:*', amount: null },
  ];
  STAGES.forEach((stage, r) => {
    if (r + 1 > i.maxRank) return;
    out.push({ metric: 'synergies_reached', dim: `${i.type}:${stage}`, amount: null });
    out.push({ metric: 'synergies_reached', dim: `*:${stage}`, amount: null });
  });
  if (i.status === 'implemented')
    for (const [metric, v] of Object.entries(i.gains) as [IndicatorKey, number][])
      out.push({ metric, dim: '', amount: v });
  return out;
}

/** Month-end cells of every synergy stock, for months 0..months.length-1. */
export function sweepStocks(
  intervals: readonly StatusInterval[],
  participants: readonly Participant[],
  months: readonly string[],
): CubeCell[] {
  const bySynergy = new Map<string, Participant[]>();
  for (const p of participants) {
    if (!bySynergy.has(p.synergyId)) bySynergy.set(p.synergyId, []);
    bySynergy.get(p.synergyId)!.push(p);
  }
  const starts: StatusInterval[][] = months.map(() => []);
  const ends: StatusInterval[][] = months.map(() => []);
  for (const i of intervals) {
    const last = i.toMonth ?? months.length - 1;
    if (i.fromMonth > last || i.fromMonth >= months.length || !bySynergy.has(i.synergyId)) continue;
    starts[Math.max(0, i.fromMonth)]!.push(i);
    if (last + 1 < months.length) ends[last + 1]!.push(i);
  }
  const accs = new Map<string, Acc>();
  const accOf = (metric: IndicatorKey, dim: string, scope: string) => {
    const key = `${scope}|${metric}|${dim}`;
    let a = accs.get(key);
    if (!a) {
      a = { metric, dim, scope, value: 0, weights: new Map(), sumAbs: 0, top: 0, topDirty: false };
      accs.set(key, a);
    }
    return a;
  };
  const weigh = (a: Acc, company: string, delta: number) => {
    const before = a.weights.get(company) ?? 0;
    const after = before + delta;
    a.sumAbs += Math.abs(after) - Math.abs(before);
    if (Math.abs(after) < EPS) a.weights.delete(company);
    else a.weights.set(company, after);
    if (Math.abs(after) >= a.top) a.top = Math.abs(after);
    else if (Math.abs(before) >= a.top - EPS) a.topDirty = true;
  };
  const apply = (i: StatusInterval, sign: 1 | -1) => {
    const ps = bySynergy.get(i.synergyId)!;
    const share = 1 / ps.length;
    const zones = new Map<string, number>();
    for (const p of ps) zones.set(p.zone, (zones.get(p.zone) ?? 0) + 1);
    for (const c of contributions(i)) {
      for (const scope of ['territory', ...zones.keys()]) {
        const inScope = scope === 'territory' ? ps.length : zones.get(scope)!;
        const a = accOf(c.metric, c.dim, scope);
        // A count: the synergy counts once in each scope it touches; gains: the scope's share.
        a.value += sign * (c.amount === null ? 1 : c.amount * (inScope / ps.length));
        for (const p of ps) {
          if (scope !== 'territory' && p.zone !== scope) continue;
          weigh(a, p.companyId, sign * (c.amount === null ? share : c.amount * share));
        }
      }
    }
  };
  const out: CubeCell[] = [];
  months.forEach((start, m) => {
    for (const i of ends[m]!) apply(i, -1);
    for (const i of starts[m]!) apply(i, 1);
    for (const a of accs.values()) {
      if (a.weights.size === 0) continue;
      if (a.topDirty) {
        a.top = 0;
        for (const w of a.weights.values()) a.top = Math.max(a.top, Math.abs(w));
        a.topDirty = false;
      }
      out.push({
        kind: 'month',
        start,
        scope: a.scope,
        metric: a.metric,
        dim: a.dim,
        value: Math.abs(a.value) < EPS ? 0 : a.value,
        companies: a.weights.size,
        topShare: a.sumAbs > EPS ? Math.min(1, a.top / a.sumAbs) : 0,
      });
    }
  });
  return out;
}
