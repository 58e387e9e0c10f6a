import { sql } from 'kysely';
import { effectiveRule, RuleOverride } from '../../../../shared/knowledge/effective.ts';
import { Rule } from '../../../../shared/knowledge/rules.ts';
import type { Proposal, SnapshotCompany, SnapshotFlow } from '../../../../shared/matching/types.ts';
import {
  copyTextRow,
  type CopyIn,
  type CopyValue,
  type Executor,
} from '../../../core/src/db/database.ts';

export async function findRun(db: Executor, id: string) {
  return db.selectFrom('match_run').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function markRunning(db: Executor, id: string) {
  await db
    .updateTable('match_run')
    .set({
      status: 'running',
      started_at: sql<Date>`now()`,
      attempts: sql<number>`attempts + 1`,
      progress: 0,
      error: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function setProgress(db: Executor, id: string, progress: number) {
  await db.updateTable('match_run').set({ progress }).where('id', '=', id).execute();
}

export async function finishRun(
  db: Executor,
  id: string,
  v: {
    engineVersion: string;
    ruleSetVersion: string;
    counts: Record<string, number>;
    insights: unknown;
  },
) {
  await db
    .updateTable('match_run')
    .set({
      status: 'succeeded',
      progress: 100,
      engine_version: v.engineVersion,
      rule_set_version: v.ruleSetVersion,
      counts: JSON.stringify(v.counts),
      insights: v.insights === null ? null : JSON.stringify(v.insights),
      finished_at: sql<Date>`now()`,
      error: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function recordFailure(db: Executor, id: string, error: string, final: boolean) {
  await db
    .updateTable('match_run')
    .set({
      status: final ? 'failed' : 'queued',
      error,
      ...(final ? { finished_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Serialises the writes of runs of one territory (a full run and a rematch may overlap). */
export async function lockTerritoryResults(db: Executor, territoryId: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`synergies:${territoryId}`}, 0))`.execute(
    db,
  );
}

// ---------------------------------------------------------------- snapshot

export async function snapshotCompanies(
  db: Executor,
  territoryId: string,
): Promise<SnapshotCompany[]> {
  const rows = await db
    .selectFrom('company as c')
    .innerJoin('naf as n', 'n.code', 'c.naf_code')
    .leftJoin('zone as z', 'z.id', 'c.zone_id')
    .select([
      'c.id',
      'c.name',
      'c.naf_code',
      'n.division_label_fr',
      'c.zone_id',
      'z.name as zone_name',
    ])
    .select(sql<number | null>`ST_X(c.location)`.as('lon'))
    .select(sql<number | null>`ST_Y(c.location)`.as('lat'))
    .where('c.territory_id', '=', territoryId)
    .orderBy('c.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    nafCode: r.naf_code,
    sectorLabel: r.division_label_fr,
    zoneId: r.zone_id,
    zoneName: r.zone_name,
    lon: r.lon,
    lat: r.lat,
  }));
}

/** The database's clock minus a margin (the reference for "changed since"). */
export async function databaseNow(db: Executor, margin: string): Promise<string> {
  const r = await sql<{
    t: string;
  }>`SELECT (clock_timestamp() - ${margin}::interval)::text AS t`.execute(db);
  return r.rows[0]!.t;
}

/**
 * Companies whose validated diagnostic changed (validated or superseded)
 * since a time, each with its current validated diagnostic (null when none).
 */
export async function companiesWithNewDiagnostics(
  db: Executor,
  territoryId: string,
  since: string,
): Promise<{ companyId: string; validatedId: string | null }[]> {
  const r = await sql<{ company_id: string; validated_id: string | null }>`
    SELECT c.company_id, v.id AS validated_id
    FROM (SELECT DISTINCT company_id FROM diagnostic
          WHERE territory_id = ${territoryId}
            AND (validated_at > ${since}::timestamptz OR superseded_at > ${since}::timestamptz)) c
    LEFT JOIN diagnostic v ON v.company_id = c.company_id AND v.status = 'validated'
    ORDER BY c.company_id`.execute(db);
  return r.rows.map((x) => ({ companyId: x.company_id, validatedId: x.validated_id }));
}

/** The current validated diagnostic of each company of the territory that has one. */
export async function validatedDiagnostics(
  db: Executor,
  territoryId: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('diagnostic')
    .select(['company_id', 'id'])
    .where('territory_id', '=', territoryId)
    .where('status', '=', 'validated')
    .execute();
  return new Map(rows.map((r) => [r.company_id, r.id]));
}

/**
 * A fingerprint of the territory's companies (count, and a sum of hashes of
 * each id with its last edit): it changes when a company is created, edited
 * or removed, whenever its transaction committed.
 */
export async function companiesFingerprint(db: Executor, territoryId: string): Promise<string> {
  const r = await sql<{ fp: string }>`
    SELECT count(*)::text || ':' || coalesce(sum(hashtext(id::text || updated_at::text)::bigint), 0)::text AS fp
    FROM company WHERE territory_id = ${territoryId}`.execute(db);
  return r.rows[0]!.fp;
}

/**
 * Flows of the validated (current) diagnostics of the territory; or, with
 * `supersededOf`, the flows those companies declared in earlier versions (the
 * engine re-clusters the groups they left).
 */
export async function snapshotFlows(
  db: Executor,
  territoryId: string,
  supersededOf?: string[],
  /** Only the current flows of these companies. */
  currentOf?: readonly string[],
): Promise<SnapshotFlow[]> {
  if (supersededOf && supersededOf.length === 0) return [];
  if (currentOf && currentOf.length === 0) return [];
  const query = db
    .selectFrom('flow as f')
    .innerJoin('diagnostic as d', 'd.id', 'f.diagnostic_id')
    .select([
      'f.id',
      'f.company_id',
      'f.kind',
      'f.category',
      'f.resource_code',
      'f.quantity_per_year',
      'f.canonical_unit',
      'f.period',
      'f.cost_eur_per_year',
      'f.hazardous',
      'f.quality',
    ])
    .where('f.territory_id', '=', territoryId)
    .$if(supersededOf === undefined, (q) => q.where('d.status', '=', 'validated'))
    .$if(currentOf !== undefined, (q) =>
      q.where('f.company_id', '=', sql<string>`any(${[...currentOf!]}::uuid[])`),
    )
    .$if(supersededOf !== undefined, (q) =>
      q.where('d.status', '=', 'superseded').where('f.company_id', 'in', supersededOf!),
    )
    .orderBy('f.id');
  type Row = Awaited<ReturnType<typeof query.execute>>[number];
  // The same few values repeat on every row: one string each, not a million copies.
  const seen = new Map<string, string>();
  const one = <T extends string | null>(v: T): T => {
    if (v === null) return v;
    const hit = seen.get(v);
    if (hit !== undefined) return hit as T;
    seen.set(v, v);
    return v;
  };
  const noQuality: Record<string, unknown> = Object.freeze({});
  const toFlow = (r: Row): SnapshotFlow => ({
    id: r.id,
    companyId: one(r.company_id),
    kind: one(r.kind) as SnapshotFlow['kind'],
    category: one(r.category),
    resourceCode: one(r.resource_code),
    quantityPerYear: r.quantity_per_year,
    canonicalUnit: one(r.canonical_unit),
    period: one(r.period),
    costEurPerYear: r.cost_eur_per_year,
    hazardous: r.hazardous,
    quality:
      r.quality && Object.keys(r.quality).length > 0
        ? (r.quality as Record<string, unknown>)
        : noQuality,
  });
  // A whole territory streams (a national one has a million rows: holding
  // every raw row and its mapped flow at once would double the peak memory).
  if (supersededOf === undefined && currentOf === undefined) {
    const out: SnapshotFlow[] = [];
    for await (const r of query.stream(STREAM_CHUNK)) out.push(toFlow(r));
    return out;
  }
  return (await query.execute()).map(toFlow);
}

/** Rows per round trip when a snapshot streams. */
const STREAM_CHUNK = 10_000;

export async function snapshotResources(db: Executor, codes: string[]) {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom('resource')
    .select(['code', 'label_fr', 'category', 'canonical_unit'])
    .where('code', 'in', codes)
    .orderBy('code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    labelFr: r.label_fr,
    category: r.category,
    canonicalUnit: r.canonical_unit,
  }));
}

/** The active rules as the engine must see them: definition ⊕ administrator's tuning. */
export async function activeRules(db: Executor) {
  const rows = await db
    .selectFrom('compatibility_rule')
    .select(['definition', 'override'])
    .where('enabled', '=', true)
    .where('removed_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((r) =>
    effectiveRule(Rule.parse(r.definition), RuleOverride.parse(r.override ?? {})),
  );
}

export async function emissionFactors(db: Executor) {
  return db
    .selectFrom('emission_factor')
    .select(['key', 'label', 'value', 'unit', 'source'])
    .orderBy('key')
    .execute();
}

export async function rejectedKeys(db: Executor, territoryId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('synergy')
    .select('key')
    .where('territory_id', '=', territoryId)
    .where('status', '=', 'rejected')
    .execute();
  return rows.map((r) => r.key);
}

// ---------------------------------------------------------------- results

/** Rows per chunk of COPY text. */
const COPY_CHUNK = 20_000;

/** Chunks of COPY text (see copyTextRow), a few thousand rows each. */
function* copyText(rows: Iterable<readonly CopyValue[]>) {
  let chunk = '';
  let n = 0;
  for (const row of rows) {
    chunk += copyTextRow(row);
    if (++n === COPY_CHUNK) {
      yield chunk;
      chunk = '';
      n = 0;
    }
  }
  if (n > 0) yield chunk;
}

/**
 * Upserts a run's proposals by key, in the run's copyingTransaction. They
 * stream with COPY into a temporary table of the transaction (pg_temp.run_proposal,
 * dropped at commit; `markUnproposedStale` and `unproposedEngineSynergies` read
 * it afterwards), then one statement upserts them all: engine figures are
 * refreshed and a stale synergy proposed again is current again; the status,
 * which a person may have set, is never written by a run. A synergy proposed
 * again with the same figures is not rewritten (a rerun changes few of a
 * national territory's rows): its updated_at and last_run_id (which nothing
 * reads) stay those of the last run that changed it. Only new synergies get
 * their participants (COPY) and a 'proposed' event.
 */
export async function upsertProposals(
  db: Executor,
  territoryId: string,
  runId: string,
  proposals: readonly Proposal[],
  copy: CopyIn,
) {
  await sql`DROP TABLE IF EXISTS pg_temp.run_proposal`.execute(db);
  await sql`
    CREATE TEMP TABLE run_proposal (
      key text PRIMARY KEY, type text NOT NULL, resource_code text NOT NULL, rule_id text,
      score double precision, score_breakdown jsonb, explanation_fr text,
      distance_km double precision, quantity_per_year double precision, unit text, theme text,
      estimated_gains jsonb
    ) ON COMMIT DROP`.execute(db);
  await copy(
    `COPY pg_temp.run_proposal (key, type, resource_code, rule_id, score, score_breakdown,
       explanation_fr, distance_km, quantity_per_year, unit, theme, estimated_gains) FROM STDIN`,
    copyText(
      (function* () {
        for (const p of proposals)
          yield [
            p.key,
            p.type,
            p.resourceCode,
            p.ruleId,
            p.score,
            JSON.stringify(p.breakdown),
            p.explanationFr,
            p.distanceKm,
            p.quantityPerYear,
            p.unit,
            p.theme,
            JSON.stringify(p.gains),
          ];
      })(),
    ),
  );
  // The planner's row counts for the joins that read it (temporary tables are never auto-analysed).
  await sql`ANALYZE pg_temp.run_proposal (key)`.execute(db);
  const { rows: fresh } = await sql<{ id: string; key: string }>`
    WITH written AS (
      INSERT INTO synergy AS s (territory_id, key, type, resource_code, rule_id, score,
        score_breakdown, explanation_fr, distance_km, quantity_per_year, unit, theme,
        estimated_gains, first_run_id, last_run_id)
      SELECT ${territoryId}::uuid, r.key, r.type, r.resource_code, r.rule_id, r.score,
        r.score_breakdown, r.explanation_fr, r.distance_km, r.quantity_per_year, r.unit, r.theme,
        r.estimated_gains, ${runId}::uuid, ${runId}::uuid
      FROM pg_temp.run_proposal AS r
      ON CONFLICT (territory_id, key) DO UPDATE SET
        score = excluded.score, score_breakdown = excluded.score_breakdown,
        explanation_fr = excluded.explanation_fr, distance_km = excluded.distance_km,
        quantity_per_year = excluded.quantity_per_year, unit = excluded.unit,
        theme = excluded.theme, rule_id = excluded.rule_id,
        estimated_gains = excluded.estimated_gains, last_run_id = excluded.last_run_id,
        stale = false, stale_since = NULL, updated_at = now()
      WHERE s.stale OR (s.score, s.score_breakdown, s.explanation_fr, s.distance_km,
          s.quantity_per_year, s.unit, s.theme, s.rule_id, s.estimated_gains)
        IS DISTINCT FROM (excluded.score, excluded.score_breakdown, excluded.explanation_fr,
          excluded.distance_km, excluded.quantity_per_year, excluded.unit, excluded.theme,
          excluded.rule_id, excluded.estimated_gains)
      RETURNING s.id, s.key, (s.xmax = 0) AS inserted
    ), proposed AS (
      INSERT INTO synergy_event (synergy_id, territory_id, to_status, run_id)
      SELECT w.id, ${territoryId}::uuid, 'proposed', ${runId}::uuid FROM written AS w WHERE w.inserted
    )
    SELECT w.id, w.key FROM written AS w WHERE w.inserted`.execute(db);
  if (fresh.length > 0) {
    const byKey = new Map(proposals.map((p) => [p.key, p]));
    // A national run writes close to a million member rows.
    await copy(
      'COPY synergy_participant (synergy_id, territory_id, role, company_id, flow_id, position) FROM STDIN',
      copyText(
        (function* () {
          for (const r of fresh)
            for (const [position, pt] of byKey.get(r.key)!.participants.entries())
              yield [r.id, territoryId, pt.role, pt.companyId, pt.flowId ?? null, position];
        })(),
      ),
    );
  }
  return { created: fresh.length, updated: proposals.length - fresh.length };
}

/**
 * Full run: every current engine synergy of the territory that the run (staged
 * by `upsertProposals` in this transaction) did not propose again becomes
 * stale. Manual synergies and already stale ones are left alone. Returns how many.
 */
export async function markUnproposedStale(db: Executor, territoryId: string): Promise<number> {
  const r = await sql`
    UPDATE synergy AS s SET stale = true, stale_since = now(), updated_at = now()
    WHERE s.territory_id = ${territoryId} AND s.origin = 'engine' AND NOT s.stale
      AND NOT EXISTS (SELECT 1 FROM pg_temp.run_proposal AS r WHERE r.key = s.key)`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Current engine synergies with a participant among these companies that the
 * run (staged by `upsertProposals` in this transaction) did not propose again,
 * with what a rematch needs to decide whether it answers for them: their
 * participants among these companies only (`runIncremental`'s `affects` reads
 * no other; a mutualisation of thirty members is not read whole).
 */
export async function unproposedEngineSynergies(
  db: Executor,
  territoryId: string,
  companyIds: readonly string[],
) {
  if (companyIds.length === 0) return [];
  // From the companies' participant rows to their synergies, by key: the
  // step is materialised and the synergies carry no filter of their own
  // that an index could serve (their territory is the participants', by the
  // composite foreign key), so that no plan walks every synergy of the
  // territory — with the statistics of before a first national run, one did,
  // in nine seconds at 30k companies.
  const { rows } = await sql<{
    id: string;
    key: string;
    type: string;
    resource_code: string;
    theme: string | null;
    role: string;
    company_id: string;
    flow_id: string | null;
  }>`
    WITH p AS MATERIALIZED (
      SELECT synergy_id, role, company_id, flow_id, position FROM synergy_participant
      WHERE territory_id = ${territoryId} AND company_id = any(${[...companyIds]}::uuid[]))
    SELECT s.id, s.key, s.type, s.resource_code, s.theme, p.role, p.company_id, p.flow_id
    FROM p JOIN synergy AS s ON s.id = p.synergy_id
    WHERE s.origin = 'engine' AND NOT s.stale
      AND NOT EXISTS (SELECT 1 FROM pg_temp.run_proposal AS r WHERE r.key = s.key)
    ORDER BY s.id, p.position`.execute(db);
  const byId = new Map<
    string,
    {
      id: string;
      proposal: Pick<Proposal, 'key' | 'type' | 'resourceCode' | 'theme' | 'participants'>;
    }
  >();
  for (const r of rows) {
    let s = byId.get(r.id);
    if (!s) {
      s = {
        id: r.id,
        proposal: {
          key: r.key,
          type: r.type as Proposal['type'],
          resourceCode: r.resource_code,
          theme: r.theme as Proposal['theme'],
          participants: [],
        },
      };
      byId.set(r.id, s);
    }
    s.proposal.participants.push({
      role: r.role as 'supplier',
      companyId: r.company_id,
      flowId: r.flow_id ?? '',
    });
  }
  return [...byId.values()];
}

export async function markStale(db: Executor, ids: string[]) {
  if (ids.length === 0) return;
  await db
    .updateTable('synergy')
    .set({ stale: true, stale_since: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .execute();
}
