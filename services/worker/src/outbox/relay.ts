import { Queue } from 'bullmq';
import type { Database } from '../../../core/src/db/database.ts';
import {
  claimPending,
  markDispatched,
  markDispatchFailed,
} from '../../../core/src/db/outbox.repo.ts';
import { createProducerRedis } from '../../../core/src/redis.ts';
import type { JobRegistry } from '../jobs.ts';

const ADD_TIMEOUT_MS = 3000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

function withRequestId(payload: unknown, requestId: string | null): unknown {
  if (!requestId || typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return payload;
  return { ...payload, requestId };
}

/**
 * Moves outbox rows onto the queue, jobId = `outbox-<id>`: a row sent twice
 * (crash between the add and the commit) is the same job, run once. While
 * Redis is away the rows stay pending (attempts and last error recorded) and
 * are sent when it is back. Returns how many rows were sent, or -1 on failure.
 */
export async function relayOutboxOnce(
  db: Database,
  queue: Queue,
  registry: JobRegistry,
  batch = 100,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = await claimPending(trx, batch);
    const sent: number[] = [];
    let failed = false;
    for (const row of rows) {
      const def = registry[row.topic];
      try {
        // BullMQ waits for its connection to be ready: bound that wait, so that
        // the outbox rows stay locked only briefly while Redis is away.
        await withTimeout(
          // The request id travels with the job, for the worker's logs.
          queue.add(row.topic, withRequestId(row.payload, row.request_id), {
            jobId: `outbox-${row.id}`,
            attempts: def?.attempts ?? 1,
            backoff: { type: 'exponential', delay: def?.backoffMs ?? 1000 },
            removeOnComplete: { age: 7 * 24 * 3600 },
            removeOnFail: { age: 30 * 24 * 3600 },
          }),
          ADD_TIMEOUT_MS,
        );
        sent.push(row.id);
      } catch (err) {
        await markDispatchFailed(trx, row.id, err instanceof Error ? err.message : String(err));
        failed = true;
        break; // Redis is likely away: keep the order, retry the rest later.
      }
    }
    await markDispatched(trx, sent);
    return failed ? -1 : sent.length;
  });
}

export interface RelayHandle {
  stop: () => Promise<void>;
}

/**
 * Polls the outbox. After a failed send the producer connection is thrown away
 * and a new one is made for the next attempt, so that recovery never depends on
 * a connection object that saw Redis go away.
 */
export function startOutboxRelay(
  db: Database,
  opts: {
    redisUrl: string;
    prefix: string;
    queueName: string;
    registry: JobRegistry;
    intervalMs?: number;
  },
): RelayHandle {
  const intervalMs = opts.intervalMs ?? 500;
  let running = true;
  let producer: { queue: Queue; connection: ReturnType<typeof createProducerRedis> } | null = null;
  let current: Promise<unknown> = Promise.resolve();
  const connect = () => {
    const connection = createProducerRedis(opts.redisUrl);
    const queue = new Queue(opts.queueName, { connection, prefix: opts.prefix });
    queue.on('error', () => undefined);
    return { queue, connection };
  };
  const drop = async () => {
    const p = producer;
    producer = null;
    if (p) {
      await withTimeout(p.queue.close(), 1000).catch(() => undefined);
      p.connection.disconnect();
    }
  };
  const tick = async () => {
    while (running) {
      producer ??= connect();
      current = relayOutboxOnce(db, producer.queue, opts.registry).catch(() => -1);
      const sent = (await current) as number;
      if (sent < 0) await drop();
      if (sent <= 0) await new Promise((r) => setTimeout(r, intervalMs));
    }
  };
  void tick();
  return {
    stop: async () => {
      running = false;
      await current;
      await drop();
    },
  };
}
