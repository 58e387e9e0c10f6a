// Indicator cells: built per territory from the source tables (diagnostics,
// flows, synergies and their history, working groups), stored pre-aggregated in
// indicator_cell, read by partner requests as a handful of rows.
import { sql } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';
import type { CubeCell, PeriodKind } from '../../../../shared/indicators/cube.ts';
import type { IndicatorKey } from '../../../../shared/indicators/definitions.ts';

/** Periods and days are those of the programmes: French local time. */
const TZ = 'Europe/Paris';

export async function isStale(db: Executor, territoryId: string): Promise<boolean> {
  const r = await sql<{ stale: boolean }>`
    SELECT EXISTS (SELECT 1 FROM indicator_change WHERE territory_id = ${territoryId}) AS stale`.execute(
    db,
  );
  return r.rows[0]!.stale;
}

export async function findBuild(db: Executor, territoryId: string) {
  return db
    .selectFrom('indicator_build')
    .select(['version', 'built_at', 'duration_ms'])
    .where('territory_id', '=', territoryId)
    .executeTakeFirst();
}

/**
 * Serialises the builds of a territory, then forgets the changes that the
 * build about to run will see (those committed before this point). Returns
 * false when another build already took them.
 */
export async function claimChanges(db: Executor, territoryId: string): Promise<boolean> {
  // The build aggregates millions of rows at national scale: hash them in memory.
  // JIT compilation of these large plans costs seconds and saves nothing here.
  await sql`SET LOCAL work_mem = '256MB'`.execute(db);
  await sql`SET LOCAL jit = off`.execute(db);
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`indicators:${territoryId}`}, 0))`.execute(
    db,
  );
  const r = await sql<{ n: number }>`
    WITH snap AS (SELECT pg_current_snapshot() AS s),
    gone AS (
      DELETE FROM indicator_change c USING snap
      WHERE c.territory_id = ${territoryId} AND pg_visible_in_snapshot(c.xid, snap.s)
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`.execute(db);
  return r.rows[0]!.n > 0;
}

/** First and last months with data (null when the territory has none). */
export async function dataRange(db: Executor, territoryId: string) {
  const r = await sql<{ first: string | null }>`
    SELECT to_char(min(t), 'YYYY-MM-DD') AS first FROM (
      SELECT min(validated_at AT TIME ZONE ${TZ}) AS t FROM diagnostic WHERE territory_id = ${territoryId}
      UNION ALL SELECT min(created_at AT TIME ZONE ${TZ}) FROM synergy WHERE territory_id = ${territoryId}
      UNION ALL SELECT min(at AT TIME ZONE ${TZ}) FROM synergy_event WHERE territory_id = ${territoryId}
      UNION ALL SELECT min(held_on)::timestamp FROM working_group_meeting WHERE territory_id = ${territoryId}
    ) x`.execute(db);
  return r.rows[0]!.first;
}

interface CellRow {
  kind: PeriodKind;
  ps: string;
  scope: string;
  metric: IndicatorKey;
  dim: string;
  value: number;
  n: number;
  top_abs: number;
  sum_abs: number;
}

const toCell = (r: CellRow): CubeCell => ({
  kind: r.kind,
  start: r.ps,
  scope: r.scope,
  metric: r.metric,
  dim: r.dim,
  value: r.value,
  companies: r.n,
  topShare: r.sum_abs > 0 ? r.top_abs / r.sum_abs : 0,
});

/**
 * Indicators whose zone values add up to the territory's: one contribution per
 * company and period, summed per zone, then zones summed to the territory.
 */
export async function computeCompanyCells(db: Executor, territoryId: string): Promise<CubeCell[]> {
  const r = await sql<CellRow>`
    WITH co AS (
      SELECT id, coalesce(zone_id::text, 'none') AS zone, is_ess FROM company WHERE territory_id = ${territoryId}),
    kinds(kind) AS (VALUES ('month'), ('quarter'), ('year')),
    dg AS (
      SELECT d.id, d.company_id, d.validated_at AT TIME ZONE ${TZ} AS at
      FROM diagnostic d WHERE d.territory_id = ${territoryId} AND d.validated_at IS NOT NULL),
    fl AS (
      SELECT dg.company_id, date_trunc('month', dg.at) AS m, f.category,
             count(*)::float8 AS n_flows,
             coalesce(sum(f.quantity_per_year) FILTER (WHERE f.canonical_unit = 't'), 0) AS t,
             coalesce(sum(f.quantity_per_year) FILTER (WHERE f.canonical_unit = 'MWh'), 0) AS mwh
      FROM dg JOIN flow f ON f.diagnostic_id = dg.id
      GROUP BY 1, 2, 3),
    act AS (
      SELECT company_id, at FROM dg
      UNION ALL
      SELECT unnest(attendee_company_ids), held_on::timestamp
      FROM working_group_meeting WHERE territory_id = ${territoryId}
      UNION ALL
      SELECT sp.company_id, e.at AT TIME ZONE ${TZ}
      FROM synergy_event e JOIN synergy_participant sp ON sp.synergy_id = e.synergy_id
      WHERE e.territory_id = ${territoryId} AND e.actor_user_id IS NOT NULL),
    long AS (
      SELECT k.kind, date_trunc(k.kind, fl.m)::date AS ps, fl.company_id, v.metric, v.dim, v.amount
      FROM fl CROSS JOIN kinds k
      CROSS JOIN LATERAL (VALUES
        ('flows_count', fl.category, fl.n_flows), ('flows_count', '', fl.n_flows),
        ('flows_tonnes', fl.category, fl.t), ('flows_tonnes', '', fl.t),
        ('flows_mwh', fl.category, fl.mwh), ('flows_mwh', '', fl.mwh)) v(metric, dim, amount)
      WHERE v.amount <> 0
      UNION ALL
      SELECT k.kind, date_trunc(k.kind, dg.at)::date, dg.company_id, 'diagnostics_conducted', '', 1::float8
      FROM dg CROSS JOIN kinds k
      UNION ALL
      SELECT DISTINCT k.kind, date_trunc(k.kind, act.at)::date, act.company_id, v.metric, '', 1::float8
      FROM act JOIN co ON co.id = act.company_id CROSS JOIN kinds k
      CROSS JOIN LATERAL (VALUES ('companies_engaged', true), ('ess_engaged', co.is_ess)) v(metric, keep)
      WHERE v.keep
      UNION ALL
      SELECT DISTINCT k.kind, date_trunc(k.kind, m.held_on::timestamp)::date, wm.company_id,
             'working_group_members', '', 1::float8
      FROM working_group_meeting m
      JOIN working_group_member wm ON wm.working_group_id = m.working_group_id
      CROSS JOIN kinds k
      WHERE m.territory_id = ${territoryId}),
    pc AS (
      SELECT kind, ps, company_id, metric, dim, sum(amount) AS w FROM long GROUP BY 1, 2, 3, 4, 5),
    z AS (
      SELECT pc.kind, pc.ps, co.zone AS scope, pc.metric, pc.dim, sum(w) AS value,
             count(*)::int AS n, max(abs(w)) AS top_abs, sum(abs(w)) AS sum_abs
      FROM pc JOIN co ON co.id = pc.company_id
      GROUP BY 1, 2, 3, 4, 5)
    SELECT kind, ps::text AS ps, scope, metric, dim, value, n, top_abs, sum_abs FROM z
    UNION ALL
    SELECT kind, ps::text, 'territory', metric, dim, sum(value), sum(n)::int, max(top_abs), sum(sum_abs)
    FROM z GROUP BY kind, ps, metric, dim`.execute(db);
  return r.rows.map(toCell);
}

/**
 * Indicators counted on events shared by several companies (synergies becoming
 * implemented, working groups meeting): a company's weight in a cell is its
 * share of each item (1/k among the k companies taking part), which gives the
 * dominance test. Synergy stocks come from sweepStocks (shared/indicators/stocks.ts).
 */
export async function computeEventCells(db: Executor, territoryId: string): Promise<CubeCell[]> {
  const r = await sql<CellRow>`
    WITH co AS (
      SELECT id, coalesce(zone_id::text, 'none') AS zone FROM company WHERE territory_id = ${territoryId}),
    kinds(kind) AS (VALUES ('month'), ('quarter'), ('year')),
    spk AS (
      SELECT synergy_id, company_id, 1.0::float8 / count(*) OVER (PARTITION BY synergy_id) AS share
      FROM (SELECT DISTINCT synergy_id, company_id FROM synergy_participant
            WHERE territory_id = ${territoryId}) x),
    wmk AS (
      SELECT working_group_id, company_id,
             1.0::float8 / count(*) OVER (PARTITION BY working_group_id) AS share
      FROM working_group_member WHERE territory_id = ${territoryId}),
    items AS (
      SELECT k.kind, date_trunc(k.kind, e.at AT TIME ZONE ${TZ})::date AS ps,
             'synergies_implemented_in_period' AS metric, '' AS dim, e.synergy_id::text AS item,
             spk.company_id, spk.share AS amount
      FROM synergy_event e JOIN spk USING (synergy_id) CROSS JOIN kinds k
      WHERE e.territory_id = ${territoryId} AND e.to_status = 'implemented'
      UNION ALL
      SELECT k.kind, date_trunc(k.kind, m.held_on::timestamp)::date, v.metric, '', v.item,
             wmk.company_id, wmk.share
      FROM working_group_meeting m JOIN wmk USING (working_group_id) CROSS JOIN kinds k
      CROSS JOIN LATERAL (VALUES ('working_groups_active', m.working_group_id::text),
                                 ('working_group_meetings', m.id::text)) v(metric, item)
      WHERE m.territory_id = ${territoryId}),
    scoped AS (
      SELECT i.kind, i.ps, s.scope, i.metric, i.dim, i.item, i.company_id, i.amount
      FROM items i JOIN co ON co.id = i.company_id
      CROSS JOIN LATERAL (VALUES (co.zone), ('territory')) s(scope)),
    pc AS (
      SELECT kind, ps, scope, metric, dim, company_id, sum(amount) AS w
      FROM scoped GROUP BY 1, 2, 3, 4, 5, 6),
    shares AS (
      SELECT kind, ps, scope, metric, dim, count(*)::int AS n, max(abs(w)) AS top_abs, sum(abs(w)) AS sum_abs
      FROM pc GROUP BY 1, 2, 3, 4, 5),
    per_item AS (
      SELECT kind, ps, scope, metric, dim, item FROM scoped GROUP BY 1, 2, 3, 4, 5, 6),
    vals AS (
      SELECT kind, ps, scope, metric, dim, count(*)::float8 AS value FROM per_item GROUP BY 1, 2, 3, 4, 5)
    SELECT v.kind, v.ps::text AS ps, v.scope, v.metric, v.dim, v.value, s.n, s.top_abs, s.sum_abs
    FROM vals v JOIN shares s USING (kind, ps, scope, metric, dim)`.execute(db);
  return r.rows.map(toCell);
}

/** First day of each month from..to, with the instant the month ends (Europe/Paris), in ms. */
export async function monthEnds(db: Executor, fromMonth: string, toMonth: string) {
  const r = await sql<{ start: string; end_ms: number }>`
    SELECT d::date::text AS start,
           (extract(epoch FROM ((d + interval '1 month')::timestamp AT TIME ZONE ${TZ})) * 1000)::float8 AS end_ms
    FROM generate_series(${fromMonth}::timestamp, ${toMonth}::timestamp, interval '1 month') d
    ORDER BY d`.execute(db);
  return r.rows;
}

/**
 * Each synergy's status intervals from its history (a synergy without history
 * holds its current status since its creation), with the highest funnel rank
 * reached so far and the gains it carries.
 */
export async function synergyIntervals(db: Executor, territoryId: string) {
  const r = await sql<{
    synergy_id: string;
    type: string;
    status: string;
    max_rank: number;
    vf_ms: number;
    vt_ms: number | null;
    est_t: number | null;
    est_co2: number | null;
    est_eur: number | null;
    real_t: number | null;
    real_co2: number | null;
    real_eur: number | null;
  }>`
    WITH ev AS (
      SELECT e.synergy_id, e.to_status, e.at, e.id FROM synergy_event e WHERE e.territory_id = ${territoryId}
      UNION ALL
      SELECT s.id, s.status, s.created_at, 0 FROM synergy s
      WHERE s.territory_id = ${territoryId}
        AND NOT EXISTS (SELECT 1 FROM synergy_event e WHERE e.synergy_id = s.id)),
    iv AS (
      SELECT synergy_id, to_status, at AS vf, lead(at) OVER w AS vt,
             max(CASE to_status WHEN 'proposed' THEN 1 WHEN 'qualified' THEN 2 WHEN 'under_study' THEN 3
                                WHEN 'in_progress' THEN 4 WHEN 'implemented' THEN 5 ELSE 0 END)
               OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS max_rank
      FROM ev WINDOW w AS (PARTITION BY synergy_id ORDER BY at, id))
    SELECT iv.synergy_id::text, s.type, iv.to_status AS status, iv.max_rank,
           (extract(epoch FROM iv.vf) * 1000)::float8 AS vf_ms,
           (extract(epoch FROM iv.vt) * 1000)::float8 AS vt_ms,
           (s.estimated_gains ->> 'tonnesDivertedPerYear')::float8 AS est_t,
           (s.estimated_gains ->> 'tco2eAvoidedPerYear')::float8 AS est_co2,
           (s.estimated_gains ->> 'eurPerYear')::float8 AS est_eur,
           CASE WHEN s.realised_gains ->> 'unit' = 't'
                THEN (s.realised_gains ->> 'quantityPerYear')::float8 END AS real_t,
           (s.realised_gains ->> 'tco2ePerYear')::float8 AS real_co2,
           (s.realised_gains ->> 'eurPerYear')::float8 AS real_eur
    FROM iv JOIN synergy s ON s.id = iv.synergy_id`.execute(db);
  return r.rows;
}

export async function synergyParticipants(db: Executor, territoryId: string) {
  const r = await sql<{ synergy_id: string; company_id: string; zone: string }>`
    SELECT DISTINCT sp.synergy_id::text, sp.company_id::text, coalesce(c.zone_id::text, 'none') AS zone
    FROM synergy_participant sp JOIN company c ON c.id = sp.company_id
    WHERE sp.territory_id = ${territoryId}`.execute(db);
  return r.rows;
}

export async function zoneIds(db: Executor, territoryId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('zone')
    .select('id')
    .where('territory_id', '=', territoryId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function replaceCells(
  db: Executor,
  territoryId: string,
  cells: readonly (CubeCell & { secret: string | null })[],
  startedAt: number,
): Promise<number> {
  await db.deleteFrom('indicator_cell').where('territory_id', '=', territoryId).execute();
  const BATCH = 5000;
  for (let i = 0; i < cells.length; i += BATCH) {
    const b = cells.slice(i, i + BATCH);
    await sql`
      INSERT INTO indicator_cell (territory_id, period_kind, period_start, scope, metric, dim,
                                  value, n_companies, top_share, secret_reason)
      SELECT ${territoryId}::uuid, k, s::date, sc, m, d, v, n, t, r
      FROM unnest(${b.map((c) => c.kind)}::text[], ${b.map((c) => c.start)}::text[],
                  ${b.map((c) => c.scope)}::text[], ${b.map((c) => c.metric)}::text[],
                  ${b.map((c) => c.dim)}::text[], ${b.map((c) => c.value)}::float8[],
                  ${b.map((c) => c.companies)}::int[], ${b.map((c) => c.topShare)}::float8[],
                  ${b.map((c) => c.secret)}::text[]) AS x(k, s, sc, m, d, v, n, t, r)`.execute(db);
  }
  const version = await sql<{
    v: number;
  }>`SELECT nextval('indicator_build_version_seq') AS v`.execute(db);
  await sql`
    INSERT INTO indicator_build (territory_id, built_at, version, duration_ms)
    VALUES (${territoryId}, now(), ${version.rows[0]!.v}, ${Math.round(Date.now() - startedAt)})
    ON CONFLICT (territory_id) DO UPDATE
      SET built_at = excluded.built_at, version = excluded.version, duration_ms = excluded.duration_ms`.execute(
    db,
  );
  return version.rows[0]!.v;
}

export async function readCells(
  db: Executor,
  q: { territoryId: string; kind: PeriodKind; starts: string[]; scope: string },
) {
  return db
    .selectFrom('indicator_cell')
    .select(['period_start', 'metric', 'dim', 'value', 'n_companies', 'top_share', 'secret_reason'])
    .where('territory_id', '=', q.territoryId)
    .where('period_kind', '=', q.kind)
    .where('period_start', 'in', q.starts)
    .where('scope', '=', q.scope)
    .execute();
}

export async function findZone(db: Executor, zoneId: string) {
  return db
    .selectFrom('zone')
    .select(['id', 'territory_id', 'name'])
    .where('id', '=', zoneId)
    .executeTakeFirst();
}

export async function findTerritory(db: Executor, id: string) {
  return db.selectFrom('territory').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}
