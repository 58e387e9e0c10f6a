import { sql } from 'kysely';
import { effectiveRule, RuleOverride } from '../../../../shared/knowledge/effective.ts';
import { Rule } from '../../../../shared/knowledge/rules.ts';
import type { Proposal, SnapshotCompany, SnapshotFlow } from '../../../../shared/matching/types.ts';
import { copyTextRow, type CopyIn, type Executor } from '../../../core/src/db/database.ts';

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

/** Companies whose validated diagnostic changed (validated or superseded) since a time. */
export async function companiesWithNewDiagnostics(
  db: Executor,
  territoryId: string,
  since: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('diagnostic')
    .select('company_id')
    .distinct()
    .where('territory_id', '=', territoryId)
    .where((eb) =>
      eb.or([
        eb('validated_at', '>', sql<Date>`${since}::timestamptz`),
        eb('superseded_at', '>', sql<Date>`${since}::timestamptz`),
      ]),
    )
    .orderBy('company_id')
    .execute();
  return rows.map((r) => r.company_id);
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

const PARTICIPANT_BATCH = 50_000;
/** Proposals per INSERT statement. */
const PROPOSAL_BATCH = 5_000;

/**
 * Upserts proposals by key. Engine figures are refreshed; the status, which a
 * person may have set, is never written by a run.
 */
export async function upsertProposals(
  db: Executor,
  territoryId: string,
  runId: string,
  proposals: Proposal[],
  /** When given (a copyingTransaction), participants stream in with COPY. */
  copy?: CopyIn,
) {
  // One statement per column array (unnest), not one bind parameter per value:
  // a national run writes hundreds of thousands of rows.
  let created = 0;
  for (let i = 0; i < proposals.length; i += PROPOSAL_BATCH) {
    const chunk = proposals.slice(i, i + PROPOSAL_BATCH);
    const col = <T>(f: (p: Proposal) => T) => chunk.map(f);
    const { rows } = await sql<{ id: string; key: string; inserted: boolean }>`
      INSERT INTO synergy (territory_id, key, type, resource_code, rule_id, score, score_breakdown,
        explanation_fr, distance_km, quantity_per_year, unit, theme, estimated_gains,
        first_run_id, last_run_id)
      SELECT ${territoryId}::uuid, u.key, u.type, u.resource_code, u.rule_id, u.score,
        u.breakdown::jsonb, u.explanation, u.distance, u.quantity, u.unit, u.theme, u.gains::jsonb,
        ${runId}::uuid, ${runId}::uuid
      FROM unnest(${col((p) => p.key)}::text[], ${col((p) => p.type)}::text[],
        ${col((p) => p.resourceCode)}::text[], ${col((p) => p.ruleId)}::text[],
        ${col((p) => p.score)}::float8[], ${col((p) => JSON.stringify(p.breakdown))}::text[],
        ${col((p) => p.explanationFr)}::text[], ${col((p) => p.distanceKm)}::float8[],
        ${col((p) => p.quantityPerYear)}::float8[], ${col((p) => p.unit)}::text[],
        ${col((p) => p.theme)}::text[], ${col((p) => JSON.stringify(p.gains))}::text[])
        AS u(key, type, resource_code, rule_id, score, breakdown, explanation, distance, quantity,
          unit, theme, gains)
      ON CONFLICT (territory_id, key) DO UPDATE SET
        score = excluded.score, score_breakdown = excluded.score_breakdown,
        explanation_fr = excluded.explanation_fr, distance_km = excluded.distance_km,
        quantity_per_year = excluded.quantity_per_year, unit = excluded.unit,
        theme = excluded.theme, rule_id = excluded.rule_id,
        estimated_gains = excluded.estimated_gains, last_run_id = excluded.last_run_id,
        stale = false, stale_since = NULL, updated_at = now()
      RETURNING id, key, (xmax = 0) AS inserted`.execute(db);
    const byKey = new Map(chunk.map((p) => [p.key, p]));
    const fresh = rows.filter((r) => r.inserted);
    created += fresh.length;
    const ids: string[] = [];
    const roles: string[] = [];
    const companies: string[] = [];
    const flows: (string | null)[] = [];
    const positions: number[] = [];
    for (const r of fresh) {
      byKey.get(r.key)!.participants.forEach((pt, position) => {
        ids.push(r.id);
        roles.push(pt.role);
        companies.push(pt.companyId);
        flows.push(pt.flowId ?? null);
        positions.push(position);
      });
    }
    if (copy && ids.length > 0) {
      // A national run writes close to a million member rows: COPY, in batches of text.
      const text = function* () {
        for (let j = 0; j < ids.length; j += PARTICIPANT_BATCH) {
          let chunk = '';
          const end = Math.min(ids.length, j + PARTICIPANT_BATCH);
          for (let k = j; k < end; k++) {
            chunk += copyTextRow([
              ids[k]!,
              territoryId,
              roles[k]!,
              companies[k]!,
              flows[k] ?? null,
              positions[k]!,
            ]);
          }
          yield chunk;
        }
      };
      await copy(
        'COPY synergy_participant (synergy_id, territory_id, role, company_id, flow_id, position) FROM STDIN',
        text(),
      );
    }
    for (let j = 0; !copy && j < ids.length; j += PARTICIPANT_BATCH) {
      const part = <T>(a: T[]) => a.slice(j, j + PARTICIPANT_BATCH);
      await sql`
        INSERT INTO synergy_participant (synergy_id, territory_id, role, company_id, flow_id, position)
        SELECT u.synergy_id, ${territoryId}::uuid, u.role, u.company_id, u.flow_id, u.position
        FROM unnest(${part(ids)}::uuid[], ${part(roles)}::text[], ${part(companies)}::uuid[],
          ${part(flows)}::uuid[], ${part(positions)}::int[])
          AS u(synergy_id, role, company_id, flow_id, position)`.execute(db);
    }
    if (fresh.length > 0) {
      await sql`
        INSERT INTO synergy_event (synergy_id, territory_id, to_status, run_id)
        SELECT u.id, ${territoryId}::uuid, 'proposed', ${runId}::uuid
        FROM unnest(${fresh.map((r) => r.id)}::uuid[]) AS u(id)`.execute(db);
    }
  }
  return { created, updated: proposals.length - created };
}

/** Engine-made synergies of the territory still current, with what a run needs to decide staleness. */
export async function currentEngineSynergies(
  db: Executor,
  territoryId: string,
  /** Only the synergies with a participant of these companies (all when absent). */
  companyIds?: readonly string[],
) {
  if (companyIds && companyIds.length === 0) return [];
  const rows = await db
    .selectFrom('synergy as s')
    .innerJoin('synergy_participant as p', 'p.synergy_id', 's.id')
    .select([
      's.id',
      's.key',
      's.type',
      's.resource_code',
      's.theme',
      'p.role',
      'p.company_id',
      'p.flow_id',
    ])
    .where('s.territory_id', '=', territoryId)
    .where('s.origin', '=', 'engine')
    .where('s.stale', '=', false)
    .$if(companyIds !== undefined, (q) =>
      q.where('s.id', 'in', (sub) =>
        sub
          .selectFrom('synergy_participant as sp')
          .select('sp.synergy_id')
          .where('sp.company_id', '=', sql<string>`any(${[...companyIds!]}::uuid[])`),
      ),
    )
    .orderBy('s.id')
    .orderBy('p.position')
    .execute();
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
