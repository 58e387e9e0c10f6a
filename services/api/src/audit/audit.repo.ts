import type { Executor } from '../../../core/src/db/database.ts';
import type { RequestContext } from '../auth/principal.ts';

export interface AuditRecord {
  territoryId: string | null;
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Every write records who did what, when, with the state before and after. */
export async function recordAudit(
  db: Executor,
  ctx: RequestContext,
  rec: AuditRecord,
): Promise<void> {
  const p = ctx.principal;
  await db
    .insertInto('audit_log')
    .values({
      territory_id: rec.territoryId,
      actor_user_id: p.kind === 'user' ? p.id : null,
      actor_api_key_id: p.kind === 'api_key' ? p.id : null,
      action: rec.action,
      entity: rec.entity,
      entity_id: rec.entityId,
      before: rec.before === undefined ? null : JSON.stringify(rec.before),
      after: rec.after === undefined ? null : JSON.stringify(rec.after),
      request_id: ctx.requestId,
    })
    .execute();
}

export async function listAudit(
  db: Executor,
  q: { territoryId: string; entity?: string; entityId?: string; beforeId?: number; limit: number },
) {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .where('territory_id', '=', q.territoryId)
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.entity) query = query.where('entity', '=', q.entity);
  if (q.entityId) query = query.where('entity_id', '=', q.entityId);
  if (q.beforeId !== undefined) query = query.where('id', '<', q.beforeId);
  return query.execute();
}
