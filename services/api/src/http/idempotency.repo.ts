import type { Executor } from '../../../core/src/db/database.ts';

/** Claims the key; returns false when it already exists (the concurrent holder has committed by then). */
export async function claimKey(
  db: Executor,
  row: { principal: string; key: string; method: string; path: string; request_hash: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto('idempotency_key')
    .values(row)
    .onConflict((oc) => oc.columns(['principal', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findKey(db: Executor, principal: string, key: string) {
  return db
    .selectFrom('idempotency_key')
    .select(['request_hash', 'status_code', 'response_body'])
    .where('principal', '=', principal)
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function storeResponse(
  db: Executor,
  principal: string,
  key: string,
  status: number,
  body: unknown,
): Promise<void> {
  await db
    .updateTable('idempotency_key')
    .set({ status_code: status, response_body: JSON.stringify(body) })
    .where('principal', '=', principal)
    .where('key', '=', key)
    .execute();
}
