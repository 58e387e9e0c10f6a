import { sql } from 'kysely';
import type { Executor } from './database.ts';

/** Outbox topics are job names of the worker's registry. */
export const OUTBOX_TOPICS = ['match.run', 'import.commit'] as const;
export type OutboxTopic = (typeof OUTBOX_TOPICS)[number];

/** Background work is recorded in the same transaction as the write that causes it. */
export async function enqueueOutbox(
  db: Executor,
  row: {
    territoryId: string | null;
    topic: OutboxTopic;
    payload: Record<string, unknown>;
    requestId?: string;
  },
): Promise<number> {
  const r = await db
    .insertInto('outbox')
    .values({
      territory_id: row.territoryId,
      topic: row.topic,
      payload: JSON.stringify(row.payload),
      request_id: row.requestId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Oldest undispatched rows, locked so that two relays never send the same row at once. */
export async function claimPending(db: Executor, limit: number) {
  return db
    .selectFrom('outbox')
    .select(['id', 'topic', 'payload', 'request_id'])
    .where('dispatched_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markDispatched(db: Executor, ids: number[]) {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ dispatched_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .execute();
}

export async function markDispatchFailed(db: Executor, id: number, error: string) {
  await db
    .updateTable('outbox')
    .set({ attempts: sql<number>`attempts + 1`, last_error: error })
    .where('id', '=', id)
    .execute();
}

export async function pendingCount(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('outbox')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('dispatched_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
