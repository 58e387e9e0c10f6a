import type { Executor } from './database.ts';

export const OUTBOX_TOPICS = ['diagnostic.validated'] as const;
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
