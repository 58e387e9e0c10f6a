import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../core/src/config.ts';
import type { Database } from '../../core/src/db/database.ts';
import type { JobRegistry } from './jobs.ts';
import { startOutboxRelay, type RelayHandle } from './outbox/relay.ts';

export interface WorkerDeps {
  db: Database;
  redis: Redis;
  registry: JobRegistry;
}

export const QUEUE_NAME = 'jobs';

/** Validates the payload against the registry, then runs the handler. */
export async function processJob(registry: JobRegistry, job: Job): Promise<unknown> {
  const def = registry[job.name];
  if (!def) throw new UnrecoverableError(`unknown job "${job.name}"`);
  const parsed = def.payload.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(`invalid payload for "${job.name}": ${parsed.error.message}`);
  return def.handle(parsed.data, job);
}

export interface RunningWorker {
  worker: Worker;
  relay: RelayHandle | null;
  /** Stop taking work, let running jobs finish, stop the relay. */
  close: () => Promise<void>;
}

export function buildWorker(
  config: Config,
  deps: WorkerDeps,
  opts: { relay?: boolean; concurrency?: number } = {},
): RunningWorker {
  const worker = new Worker(QUEUE_NAME, (job) => processJob(deps.registry, job), {
    connection: deps.redis,
    prefix: config.QUEUE_PREFIX,
    concurrency: opts.concurrency ?? 2,
    autorun: true,
    // A worker killed mid-job stops renewing its lock; once the lock expires the job is
    // "stalled" and another worker takes it back (within ~lockDuration + stalledInterval).
    lockDuration: 10_000,
    stalledInterval: 5000,
    maxStalledCount: 2,
  });
  // Errors are reported by /ready and the relay's outbox columns; without a listener they would be thrown.
  worker.on('error', () => undefined);
  const relay =
    opts.relay === false
      ? null
      : startOutboxRelay(deps.db, {
          redisUrl: config.REDIS_URL,
          prefix: config.QUEUE_PREFIX,
          queueName: QUEUE_NAME,
          registry: deps.registry,
        });
  let closing: Promise<void> | undefined;
  return {
    worker,
    relay,
    close: () =>
      (closing ??= (async () => {
        await relay?.stop();
        // Let running jobs finish; if Redis is gone, do not wait for it forever.
        const graceful = worker.close();
        const timeout = new Promise<'timeout'>((r) =>
          setTimeout(() => r('timeout'), 10_000).unref(),
        );
        if ((await Promise.race([graceful, timeout])) === 'timeout') await worker.close(true);
      })()),
  };
}
