import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import { AppError, forbidden, notFound } from '../../../../shared/errors.ts';
import {
  cellId,
  decideCube,
  type CubeCell,
  type PeriodKind,
} from '../../../../shared/indicators/cube.ts';
import {
  DEFINITION_OF,
  FUNNEL_STAGES,
  INDICATOR_DEFINITIONS,
  allCellKeys,
} from '../../../../shared/indicators/definitions.ts';
import { DEFAULT_RULE, type SecretReason } from '../../../../shared/indicators/secrecy.ts';
import { sweepStocks, type StatusInterval } from '../../../../shared/indicators/stocks.ts';
import type {
  IndicatorQuery,
  IndicatorValue,
  Indicators,
} from '../../../../shared/schemas/indicators.ts';
import type { Database, Executor } from '../../../core/src/db/database.ts';
import { seesTerritory } from '../auth/access.ts';
import type { Principal, RequestContext } from '../auth/principal.ts';
import * as repo from './indicators.repo.ts';

type Query = z.infer<typeof IndicatorQuery>;
type Value = z.infer<typeof IndicatorValue>;
type Answer = z.infer<typeof Indicators>;

/** Partners, officers of the territory and administrators; company users never. */
export function requireIndicatorReader(p: Principal, territoryId: string): void {
  if (!seesTerritory(p, territoryId)) throw notFound('Territoire');
  if (p.role === 'company')
    throw forbidden(
      'Les indicateurs du programme sont réservés aux chargés de mission et partenaires',
    );
}

/** Partners get masked aggregates; officers and administrators see every figure. */
export const isMasked = (p: Principal) => p.role === 'partner';

// ---------------------------------------------------------------- building

const building = new Set<string>();

function buildNow(db: Database, territoryId: string): Promise<void> {
  return db.transaction().execute(async (trx) => {
    if (!(await repo.claimChanges(trx, territoryId))) return;
    await rebuild(trx, territoryId);
  });
}

/**
 * Rebuilds the territory's cells when something changed since the last build.
 * A territory whose last build took longer than `syncLimitMs` is rebuilt in the
 * background (one build at a time per process) and the caller gets the previous
 * build, flagged stale; the first build is always waited for.
 */
export async function ensureFresh(
  db: Database,
  territoryId: string,
  syncLimitMs: number,
  onError: (err: unknown) => void = () => undefined,
): Promise<{ stale: boolean }> {
  if (!(await repo.isStale(db, territoryId))) return { stale: false };
  const last = await repo.findBuild(db, territoryId);
  if (!last || last.duration_ms < syncLimitMs) {
    await buildNow(db, territoryId);
    return { stale: false };
  }
  if (!building.has(territoryId)) {
    building.add(territoryId);
    buildNow(db, territoryId)
      .catch(onError)
      .finally(() => building.delete(territoryId));
  }
  return { stale: true };
}

/** Whether a background build of the territory is running in this process. */
export const isBuilding = (territoryId: string) => building.has(territoryId);

const monthOf = (d: Date) =>
  `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;

/** Computes every cell of the territory and decides secrecy year by year. */
export async function rebuild(db: Executor, territoryId: string, now = new Date()) {
  const startedAt = Date.now();
  const first = await repo.dataRange(db, territoryId);
  if (first === null) return repo.replaceCells(db, territoryId, [], startedAt);
  const from = `${first.slice(0, 7)}-01`;
  const to = monthOf(now) > from ? monthOf(now) : from;
  const companyCells = await repo.computeCompanyCells(db, territoryId);
  const eventCells = await repo.computeEventCells(db, territoryId);
  const months = await repo.monthEnds(db, from, to);
  const stockCells = sweepStocks(
    toIntervals(
      await repo.synergyIntervals(db, territoryId),
      months.map((m) => m.end_ms),
    ),
    (await repo.synergyParticipants(db, territoryId)).map((p) => ({
      synergyId: p.synergy_id,
      companyId: p.company_id,
      zone: p.zone,
    })),
    months.map((m) => m.start),
  );
  const zones = await repo.zoneIds(db, territoryId);
  const cells = [...companyCells, ...eventCells, ...monthsToPeriods(stockCells, to)];
  const scopes = ['territory', ...zones, 'none'];
  const byYear = new Map<number, CubeCell[]>();
  for (const c of cells) {
    const y = Number(c.start.slice(0, 4));
    if (!byYear.has(y)) byYear.set(y, []);
    byYear.get(y)!.push(c);
  }
  const out: (CubeCell & { secret: string | null })[] = [];
  for (const [year, yearCells] of byYear) {
    const secret = decideCube(year, yearCells, scopes);
    for (const c of yearCells) out.push({ ...c, secret: secret.get(cellId(c)) ?? null });
  }
  return repo.replaceCells(db, territoryId, out, startedAt);
}

/** First index whose value is greater than x in an ascending array. */
function firstAbove(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Status intervals placed on the months: from the first month ending after the start to the last month ending within. */
function toIntervals(
  rows: Awaited<ReturnType<typeof repo.synergyIntervals>>,
  monthEndsMs: readonly number[],
): StatusInterval[] {
  return rows.map((r) => {
    const gains: StatusInterval['gains'] = {};
    const set = (k: keyof StatusInterval['gains'], v: number | null) => {
      if (v !== null) gains[k] = v;
    };
    set('gains_estimated_tonnes', r.est_t);
    set('gains_estimated_tco2e', r.est_co2);
    set('gains_estimated_eur', r.est_eur);
    set('gains_realised_tonnes', r.real_t);
    set('gains_realised_tco2e', r.real_co2);
    set('gains_realised_eur', r.real_eur);
    return {
      synergyId: r.synergy_id,
      type: r.type,
      status: r.status,
      maxRank: r.max_rank,
      fromMonth: firstAbove(monthEndsMs, r.vf_ms),
      // Months ending at or before the next event still hold this status.
      toMonth: r.vt_ms === null ? null : firstAbove(monthEndsMs, r.vt_ms) - 1,
      gains,
    };
  });
}

/** Indicators that are a state at the end of the period rather than a count of events. */
const STOCKS = new Set<string>(
  INDICATOR_DEFINITIONS.filter(
    (d) => d.key === 'synergies' || d.key === 'synergies_reached' || d.key.startsWith('gains_'),
  ).map((d) => d.key),
);

/**
 * Item cells come per month. A stock's quarter and year take the value of their
 * last month (or of the last month built, for the period under way); the event
 * counts (implemented in the period, groups, meetings) come per period already.
 */
export function monthsToPeriods(cells: CubeCell[], lastMonth: string): CubeCell[] {
  const out = [...cells];
  for (const c of cells) {
    if (c.kind !== 'month' || !STOCKS.has(c.metric)) continue;
    const y = Number(c.start.slice(0, 4));
    const m = Number(c.start.slice(5, 7));
    const quarterEnd = `${y}-${String(Math.ceil(m / 3) * 3).padStart(2, '0')}-01`;
    const yearEnd = `${y}-12-01`;
    const qStart = `${y}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    if (c.start === (quarterEnd < lastMonth ? quarterEnd : lastMonth))
      out.push({ ...c, kind: 'quarter', start: qStart });
    if (c.start === (yearEnd < lastMonth ? yearEnd : lastMonth))
      out.push({ ...c, kind: 'year', start: `${y}-01-01` });
  }
  return out;
}

// ---------------------------------------------------------------- periods

const pad = (n: number) => String(n).padStart(2, '0');
const QUARTER_FR = ['1er', '2e', '3e', '4e'];
const MONTH_FR = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

export interface Period {
  kind: PeriodKind;
  start: string;
  end: string;
  label: string;
}

function periodOf(kind: PeriodKind, year: number, index: number): Period {
  const months = kind === 'year' ? 12 : kind === 'quarter' ? 3 : 1;
  const m0 = kind === 'year' ? 0 : kind === 'quarter' ? index * 3 : index;
  const last = new Date(Date.UTC(year, m0 + months, 0));
  return {
    kind,
    start: `${year}-${pad(m0 + 1)}-01`,
    end: last.toISOString().slice(0, 10),
    label:
      kind === 'year'
        ? String(year)
        : kind === 'quarter'
          ? `${QUARTER_FR[index]} trimestre ${year}`
          : `${MONTH_FR[index]} ${year}`,
  };
}

/** Calendar periods of `kind` from month index a to b (counted from year 0). */
function periodsBetween(kind: PeriodKind, a: number, b: number): Period[] {
  const out: Period[] = [];
  const step = kind === 'year' ? 12 : kind === 'quarter' ? 3 : 1;
  const start = a - (a % step);
  for (let m = start; m <= b; m += step) {
    const year = Math.floor(m / 12);
    const idx = (m % 12) / (kind === 'quarter' ? 3 : 1);
    out.push(periodOf(kind, year, kind === 'year' ? 0 : idx));
  }
  return out;
}

const monthIndex = (ym: string) => Number(ym.slice(0, 4)) * 12 + Number(ym.slice(5, 7)) - 1;
const KIND_ORDER: Record<PeriodKind, number> = { month: 0, quarter: 1, year: 2 };

export function resolvePeriods(
  q: Pick<Query, 'period' | 'from' | 'to' | 'interval'>,
  now = new Date(),
): Period[] {
  const bad = (path: string, message: string) =>
    new AppError('validation_failed', 'Période invalide', [
      { path: `querystring.${path}`, message },
    ]);
  if ((q.from === undefined) !== (q.to === undefined))
    throw bad(q.from === undefined ? 'from' : 'to', '`from` et `to` vont ensemble');
  if (q.from !== undefined && q.period !== undefined)
    throw bad('period', '`period` ou `from`/`to`, pas les deux');
  let kind: PeriodKind;
  let a: number;
  let b: number;
  if (q.from !== undefined && q.to !== undefined) {
    a = monthIndex(q.from);
    b = monthIndex(q.to);
    if (b < a) throw bad('to', '`to` précède `from`');
    kind = 'month';
  } else {
    const p = q.period ?? String(now.getUTCFullYear());
    const year = Number(p.slice(0, 4));
    if (p.length === 4) {
      kind = 'year';
      a = year * 12;
      b = a + 11;
    } else if (p[5] === 'Q') {
      kind = 'quarter';
      a = year * 12 + (Number(p[6]) - 1) * 3;
      b = a + 2;
    } else {
      kind = 'month';
      a = monthIndex(p);
      b = a;
    }
    if (q.interval === undefined) return periodsBetween(kind, a, b);
    if (KIND_ORDER[q.interval] > KIND_ORDER[kind])
      throw bad('interval', 'intervalle plus long que la période');
  }
  const interval = q.interval ?? kind;
  if (q.from !== undefined) {
    // A range is answered by whole calendar periods of the interval.
    const step = interval === 'year' ? 12 : interval === 'quarter' ? 3 : 1;
    if (a % step !== 0 || (b + 1) % step !== 0)
      throw bad(
        'from',
        `la plage doit couvrir des ${interval === 'year' ? 'années' : 'trimestres'} entiers`,
      );
  }
  const out = periodsBetween(interval, a, b);
  if (out.length > 240) throw bad('interval', 'au plus 240 périodes par requête');
  return out;
}

// ---------------------------------------------------------------- answers

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export async function getIndicators(
  db: Database,
  ctx: RequestContext,
  q: Query,
  opts: { syncBuildMs: number; onBuildError?: (err: unknown) => void },
): Promise<Answer> {
  const p = ctx.principal;
  const territory = await repo.findTerritory(db, q.territoryId);
  if (!territory) throw notFound('Territoire');
  requireIndicatorReader(p, q.territoryId);
  let zoneName: string | null = null;
  if (q.zoneId) {
    const zone = await repo.findZone(db, q.zoneId);
    if (!zone || zone.territory_id !== q.territoryId) throw notFound('Zone');
    zoneName = zone.name;
  }
  const periods = resolvePeriods(q);
  const { stale } = await ensureFresh(db, q.territoryId, opts.syncBuildMs, opts.onBuildError);
  const masked = isMasked(p);
  const [rows, build] = await Promise.all([
    repo.readCells(db, {
      territoryId: q.territoryId,
      kind: periods[0]!.kind,
      starts: periods.map((x) => x.start),
      scope: q.zoneId ?? 'territory',
    }),
    repo.findBuild(db, q.territoryId),
  ]);
  const byKey = new Map(rows.map((r) => [`${r.period_start}|${r.metric}|${r.dim}`, r]));
  const keys = allCellKeys();
  return {
    territoryId: territory.id,
    territoryName: territory.name,
    zoneId: q.zoneId ?? null,
    zoneName,
    masked,
    builtAt: build?.built_at.toISOString() ?? null,
    stale,
    periods: periods.map((period) => {
      const values = new Map<string, Value>();
      for (const k of keys) {
        if (k.indicator === 'synergies_conversion') continue;
        const r = byKey.get(`${period.start}|${k.indicator}|${k.dimension}`);
        const reason = (r?.secret_reason ?? null) as SecretReason | null;
        const unit = DEFINITION_OF.get(k.indicator)!.unit;
        const v: Value =
          masked && reason
            ? {
                indicator: k.indicator,
                dimension: k.dimension,
                value: null,
                unit,
                secret: true,
                reason,
              }
            : {
                indicator: k.indicator,
                dimension: k.dimension,
                value: round(r?.value ?? 0),
                unit,
                secret: false,
                reason: null,
                ...(masked
                  ? {}
                  : {
                      companies: r?.n_companies ?? 0,
                      topShare: round(r?.top_share ?? 0),
                      secretForPartners: reason,
                    }),
              };
        values.set(`${k.indicator}|${k.dimension}`, v);
      }
      return { ...period, values: withConversions(values, masked) };
    }),
  };
}

/** Funnel conversion rates from the reached counts; withheld when either count is. */
function withConversions(values: Map<string, Value>, masked: boolean): Value[] {
  const out: Value[] = [];
  for (const [key, v] of values) {
    out.push(v);
    if (v.indicator !== 'synergies_reached') continue;
    const [type, stage] = v.dimension.split(':') as [string, (typeof FUNNEL_STAGES)[number]];
    const i = FUNNEL_STAGES.indexOf(stage);
    if (i === 0) continue;
    const prev = values.get(`synergies_reached|${type}:${FUNNEL_STAGES[i - 1]}`)!;
    const secret = v.secret || prev.secret;
    const base = {
      indicator: 'synergies_conversion' as const,
      dimension: v.dimension,
      unit: DEFINITION_OF.get('synergies_conversion')!.unit,
    };
    if (secret) {
      out.push({ ...base, value: null, secret: true, reason: 'secondary' });
      continue;
    }
    const value = prev.value ? round(v.value! / prev.value) : null;
    out.push({
      ...base,
      value,
      secret: false,
      reason: null,
      ...(masked
        ? {}
        : { secretForPartners: v.secretForPartners ?? prev.secretForPartners ?? null }),
    });
    void key;
  }
  return out;
}

export function definitions() {
  return {
    secrecy: {
      minCompanies: DEFAULT_RULE.minCompanies,
      maxShare: DEFAULT_RULE.maxShare,
      descriptionFr:
        'Secret statistique : une case construite à partir de moins de 3 entreprises, ou dont une entreprise fait plus de 85 % de la valeur, est masquée (value null, secret true) ; puis les cases nécessaires pour qu’aucune case masquée ne puisse être recalculée par différence avec un total (zones → territoire, catégories → total, types et statuts → marges, mois → trimestre → année) le sont aussi (motif secondary). Les chargés de mission du territoire voient toutes les valeurs.',
    },
    items: INDICATOR_DEFINITIONS.map((d) => ({ ...d })),
  };
}

// ---------------------------------------------------------------- CSV

const yesNo = (b: boolean) => (b ? 'oui' : 'non');

/**
 * One line per period and value. `decimal=comma`: « ; » separators and decimal
 * commas for French spreadsheets; otherwise « , » and points.
 */
export function indicatorsCsv(a: Answer, decimal: 'point' | 'comma'): string {
  const french = decimal === 'comma';
  const num = (n: number | null) =>
    n === null ? '' : french ? String(n).replace('.', ',') : String(n);
  const records: string[][] = [
    [
      'periode',
      'debut',
      'fin',
      'territoire',
      'zone',
      'indicateur',
      'libelle',
      'dimension',
      'valeur',
      'unite',
      'secret',
      'motif',
    ],
  ];
  for (const p of a.periods) {
    for (const v of p.values) {
      records.push([
        p.label,
        p.start,
        p.end,
        a.territoryName,
        a.zoneName ?? '',
        v.indicator,
        DEFINITION_OF.get(v.indicator)!.labelFr,
        v.dimension,
        num(v.value),
        v.unit,
        yesNo(v.secret),
        v.reason ?? '',
      ]);
    }
  }
  return stringify(records, { delimiter: french ? ';' : ',', bom: french });
}
