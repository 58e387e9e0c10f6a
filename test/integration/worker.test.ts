import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../services/core/src/config.ts';
import { createRedis } from '../../services/core/src/redis.ts';
import { defineJob, type JobRegistry } from '../../services/worker/src/jobs.ts';
import { buildWorker, QUEUE_NAME } from '../../services/worker/src/worker.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

// The worker skeleton against the machine's real Redis, on a queue prefix of its own.
let database: TestDatabase;
const prefix = `test-worker-${randomBytes(4).toString('hex')}`;
const handled: number[] = [];
const registry: JobRegistry = {
  'demo.add': defineJob({
    payload: z.object({ a: z.number(), b: z.number() }),
    attempts: 3,
    backoffMs: 10,
    handle: async (p) => {
      handled.push(p.a + p.b);
      return p.a + p.b;
    },
  }),
};

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

describe('worker', () => {
  it('runs a valid job, and fails a bad payload or an unknown job once, without retrying', async () => {
    const config = loadConfig({
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    });
    const connection = createRedis(config.REDIS_URL);
    const workerConnection = createRedis(config.REDIS_URL);
    const queue = new Queue(QUEUE_NAME, { connection, prefix });
    const events = new QueueEvents(QUEUE_NAME, {
      connection: createRedis(config.REDIS_URL),
      prefix,
    });
    const running = buildWorker(
      config,
      { db: database.db, redis: workerConnection, registry },
      { relay: false },
    );
    try {
      await events.waitUntilReady();
      const opts = { attempts: 3, backoff: { type: 'fixed', delay: 10 } };
      const good = await queue.add('demo.add', { a: 2, b: 3 }, { ...opts, jobId: 'outbox-1' });
      // Same jobId = same job: an outbox row relayed twice runs once.
      await queue.add('demo.add', { a: 2, b: 3 }, { ...opts, jobId: 'outbox-1' });
      expect(await good.waitUntilFinished(events, 10_000)).toBe(5);

      const bad = await queue.add('demo.add', { a: 'two' }, opts);
      await expect(bad.waitUntilFinished(events, 10_000)).rejects.toThrow(/invalid payload/);
      const unknown = await queue.add('nope', {}, opts);
      await expect(unknown.waitUntilFinished(events, 10_000)).rejects.toThrow(/unknown job/);
      expect((await queue.getJob(bad.id!))?.attemptsMade).toBe(1);
      expect((await queue.getJob(unknown.id!))?.attemptsMade).toBe(1);
      expect(handled).toEqual([5]);
    } finally {
      await running.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await events.close();
      connection.disconnect();
      workerConnection.disconnect();
    }
  });
});
