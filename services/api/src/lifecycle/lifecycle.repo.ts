import { sql } from 'kysely';
import { FOLLOW_UP_STATUSES } from '../../../../shared/lifecycle/state-machine.ts';
import type { Executor } from '../../../core/src/db/database.ts';

/** The synergy row, locked for a status change (two officers clicking at once). */
export async function lockSynergy(db: Executor, id: string) {
  return db
    .selectFrom('synergy')
    .select(['id', 'territory_id', 'type', 'status', 'rule_id', 'realised_gains'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function setStatus(db: Executor, id: string, status: string) {
  await db
    .updateTable('synergy')
    .set({ status, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function insertEvent(
  db: Executor,
  e: {
    synergyId: string;
    territoryId: string;
    fromStatus: string | null;
    toStatus: string;
    reasonCode: string | null;
    comment: string | null;
    actorUserId: string | null;
  },
) {
  await db
    .insertInto('synergy_event')
    .values({
      synergy_id: e.synergyId,
      territory_id: e.territoryId,
      from_status: e.fromStatus,
      to_status: e.toStatus,
      reason_code: e.reasonCode,
      comment: e.comment,
      actor_user_id: e.actorUserId,
    })
    .execute();
}

export async function listEvents(db: Executor, synergyId: string) {
  return db
    .selectFrom('synergy_event as e')
    .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
    .select([
      'e.id',
      'e.from_status',
      'e.to_status',
      'e.reason_code',
      'e.comment',
      'e.actor_user_id',
      'u.display_name',
      'e.run_id',
      'e.at',
    ])
    .where('e.synergy_id', '=', synergyId)
    .orderBy('e.id')
    .execute();
}

/** Both sides of a substitution as the engine saw them: flow fields and company location. */
export async function substitutionSides(db: Executor, synergyId: string) {
  return db
    .selectFrom('synergy_participant as p')
    .innerJoin('flow as f', 'f.id', 'p.flow_id')
    .innerJoin('company as c', 'c.id', 'p.company_id')
    .select([
      'p.role',
      'p.company_id',
      'p.flow_id',
      'f.resource_code',
      'f.quantity_per_year',
      'f.canonical_unit',
      'f.hazardous',
    ])
    .select(sql<number | null>`ST_X(c.location)`.as('lon'))
    .select(sql<number | null>`ST_Y(c.location)`.as('lat'))
    .where('p.synergy_id', '=', synergyId)
    .where('p.role', 'in', ['supplier', 'receiver'])
    .orderBy('p.position')
    .execute();
}

export async function insertRejection(
  db: Executor,
  r: {
    territoryId: string;
    synergyId: string;
    supplierCompanyId: string;
    receiverCompanyId: string;
    supplyFlowId: string;
    demandFlowId: string;
    ruleId: string | null;
    fingerprint: string;
    reasonCode: string;
  },
) {
  await db
    .insertInto('synergy_rejection')
    .values({
      territory_id: r.territoryId,
      synergy_id: r.synergyId,
      supplier_company_id: r.supplierCompanyId,
      receiver_company_id: r.receiverCompanyId,
      supply_flow_id: r.supplyFlowId,
      demand_flow_id: r.demandFlowId,
      rule_id: r.ruleId,
      fingerprint: r.fingerprint,
      reason_code: r.reasonCode,
    })
    .onConflict((oc) => oc.column('synergy_id').doNothing())
    .execute();
}

export async function setRealisedGains(db: Executor, id: string, gains: unknown) {
  await db
    .updateTable('synergy')
    .set({ realised_gains: JSON.stringify(gains), updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function resourceExists(db: Executor, code: string): Promise<boolean> {
  const r = await db
    .selectFrom('resource')
    .select('code')
    .where('code', '=', code)
    .executeTakeFirst();
  return r !== undefined;
}

/** Those of `ids` that are companies of the territory. */
export async function companiesOfTerritory(
  db: Executor,
  territoryId: string,
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('company')
    .select('id')
    .where('territory_id', '=', territoryId)
    .where('id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Owner company of each of `ids` (flows of any diagnostic version). */
export async function flowOwners(db: Executor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('flow')
    .select(['id', 'company_id'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r.company_id]));
}

export async function insertManualSynergy(
  db: Executor,
  s: {
    territoryId: string;
    key: string;
    type: string;
    resourceCode: string;
    status: string;
    explanationFr: string | null;
    quantityPerYear: number | null;
    unit: string | null;
    createdBy: string | null;
    participants: { role: string; companyId: string; flowId: string | null }[];
  },
) {
  const row = await db
    .insertInto('synergy')
    .values({
      territory_id: s.territoryId,
      key: s.key,
      type: s.type,
      resource_code: s.resourceCode,
      origin: 'manual',
      status: s.status,
      explanation_fr: s.explanationFr,
      quantity_per_year: s.quantityPerYear,
      unit: s.unit,
      created_by: s.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('synergy_participant')
    .values(
      s.participants.map((p, position) => ({
        synergy_id: row.id,
        territory_id: s.territoryId,
        role: p.role,
        company_id: p.companyId,
        flow_id: p.flowId,
        position,
      })),
    )
    .execute();
  return row.id;
}

/**
 * Open synergies past qualification whose last event (or creation) is older
 * than `days`, the oldest first.
 */
export async function followUp(
  db: Executor,
  f: { territoryId: string; days: number; after?: [string, string]; limit: number },
) {
  const inner = db
    .selectFrom('synergy as s')
    .select([
      's.id',
      // Milliseconds: the precision of the cursor (a JavaScript date).
      sql<Date>`date_trunc('milliseconds', coalesce((select max(e.at) from synergy_event e where e.synergy_id = s.id), s.created_at))`.as(
        'last_event_at',
      ),
    ])
    .where('s.territory_id', '=', f.territoryId)
    .where('s.status', 'in', [...FOLLOW_UP_STATUSES])
    .as('x');
  let outer = db
    .selectFrom(inner)
    .selectAll()
    .where('x.last_event_at', '<', sql<Date>`now() - make_interval(days => ${f.days})`)
    .orderBy('x.last_event_at')
    .orderBy('x.id')
    .limit(f.limit + 1);
  if (f.after) {
    const [at, id] = f.after;
    outer = outer.where(
      (eb) => eb.refTuple('x.last_event_at', 'x.id'),
      '>',
      (eb) => eb.tuple(eb.val(new Date(at)), eb.val(id)),
    );
  }
  return outer.execute();
}
