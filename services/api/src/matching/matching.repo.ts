import { sql } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';
import { enqueueOutbox } from '../../../core/src/db/outbox.repo.ts';

/** A match run row and its outbox message, in the caller's transaction. */
export async function requestMatchRun(
  db: Executor,
  r: {
    territoryId: string;
    trigger: 'manual' | 'diagnostic_validated';
    scopeCompanyIds: string[];
    params: Record<string, unknown>;
    requestedBy: string | null;
    requestId: string;
  },
) {
  const run = await db
    .insertInto('match_run')
    .values({
      territory_id: r.territoryId,
      trigger: r.trigger,
      scope_company_ids: r.scopeCompanyIds,
      params: JSON.stringify(r.params),
      requested_by: r.requestedBy,
      request_id: r.requestId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueueOutbox(db, {
    territoryId: r.territoryId,
    topic: 'match.run',
    payload: { runId: run.id },
    requestId: r.requestId,
  });
  return run.id;
}

export async function findRun(db: Executor, id: string) {
  return db.selectFrom('match_run').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listRuns(
  db: Executor,
  territoryId: string,
  beforeCreated: [string, string] | undefined,
  limit: number,
) {
  let q = db
    .selectFrom('match_run')
    .selectAll()
    .where('territory_id', '=', territoryId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (beforeCreated) {
    const [at, id] = beforeCreated;
    q = q.where(
      (eb) => eb.refTuple('created_at', 'id'),
      '<',
      (eb) => eb.tuple(eb.val(new Date(at)), eb.val(id)),
    );
  }
  return q.execute();
}

export async function lastFullRunWithInsights(db: Executor, territoryId: string) {
  return db
    .selectFrom('match_run')
    .select(['id', 'insights', 'finished_at'])
    .where('territory_id', '=', territoryId)
    .where('status', '=', 'succeeded')
    .where('insights', 'is not', null)
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface SynergyFilter {
  territoryId: string;
  type?: string;
  status?: string;
  zoneId?: string;
  companyId?: string;
  resourceCode?: string;
  resourcePrefix?: string;
  minScore?: number;
  includeStale: boolean;
  after?: [number, string];
  limit: number;
  onlyIds?: string[];
}

const synergySelect = (db: Executor) =>
  db
    .selectFrom('synergy as s')
    .leftJoin('resource as r', 'r.code', 's.resource_code')
    .selectAll('s')
    .select('r.label_fr as resource_label');

export async function listSynergies(db: Executor, f: SynergyFilter) {
  let q = synergySelect(db)
    .where('s.territory_id', '=', f.territoryId)
    .orderBy(sql`coalesce(s.score, 0)`, 'desc')
    .orderBy('s.id')
    .limit(f.limit + 1);
  if (!f.includeStale) q = q.where('s.stale', '=', false);
  if (f.type) q = q.where('s.type', '=', f.type);
  if (f.status) q = q.where('s.status', '=', f.status);
  if (f.minScore !== undefined) q = q.where('s.score', '>=', f.minScore);
  if (f.resourceCode) q = q.where('s.resource_code', '=', f.resourceCode);
  if (f.resourcePrefix)
    q = q.where(
      's.resource_code',
      'like',
      `${f.resourcePrefix.replace(/[\\%_]/g, (m) => `\\${m}`)}%`,
    );
  if (f.companyId || f.zoneId) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('synergy_participant as p')
          .innerJoin('company as c', 'c.id', 'p.company_id')
          .select('p.synergy_id')
          .whereRef('p.synergy_id', '=', 's.id')
          .$if(f.companyId !== undefined, (qb) => qb.where('p.company_id', '=', f.companyId!))
          .$if(f.zoneId !== undefined, (qb) => qb.where('c.zone_id', '=', f.zoneId!)),
      ),
    );
  }
  if (f.after) {
    const [score, id] = f.after;
    q = q.where((eb) =>
      eb.or([
        eb(sql`coalesce(s.score, 0)`, '<', score),
        eb.and([eb(sql`coalesce(s.score, 0)`, '=', score), eb('s.id', '>', id)]),
      ]),
    );
  }
  return q.execute();
}

export async function findSynergy(db: Executor, id: string) {
  return synergySelect(db).where('s.id', '=', id).executeTakeFirst();
}

/** Synergies by id, in the order of `ids`. */
export async function findSynergies(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await synergySelect(db).where('s.id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function participantsOf(db: Executor, synergyIds: string[]) {
  if (synergyIds.length === 0) return [];
  return db
    .selectFrom('synergy_participant as p')
    .innerJoin('company as c', 'c.id', 'p.company_id')
    .innerJoin('naf as n', 'n.code', 'c.naf_code')
    .select([
      'p.synergy_id',
      'p.role',
      'p.company_id',
      'p.flow_id',
      'c.name',
      'c.zone_id',
      'n.division_label_fr',
    ])
    .where('p.synergy_id', 'in', synergyIds)
    .orderBy('p.synergy_id')
    .orderBy('p.position')
    .execute();
}
