import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createLogger } from '../../core/src/logger.ts';
import { createMetrics, type Metrics } from '../../core/src/metrics.ts';
import type { Config } from '../../core/src/config.ts';
import type { Database } from '../../core/src/db/database.ts';
import type { JobRegistry } from './jobs.ts';
import { startOutboxRelay, type RelayHandle } from './outbox/relay.ts';

export interface WorkerDeps {
  db: Database;
  redis: Redis;
  registry: JobRegistry;
  /** Structured logger (default: JSON on stdout at LOG_LEVEL). */
  logger?: Logger;
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

/** The id of the API request whose write queued this job, when there is one. */
export function requestIdOf(job: Job): string | undefined {
  const id = (job.data as { requestId?: unknown } | undefined)?.requestId;
  return typeof id === 'string' ? id : undefined;
}

export interface RunningWorker {
  worker: Worker;
  relay: RelayHandle | null;
  metrics: Metrics;
  logger: Logger;
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
  const logger = deps.logger ?? createLogger(config, 'worker');
  const metrics = createMetrics({
    service: 'worker',
    db: deps.db,
    redisUrl: config.REDIS_URL,
    queuePrefix: config.QUEUE_PREFIX,
    queueName: QUEUE_NAME,
  });
  // The request that caused the job (carried by the outbox relay), in every log line about it.
  const jobLog = (job: Job) =>
    logger.child({
      job: job.name,
      jobId: job.id,
      attempt: job.attemptsMade + 1,
      requestId: requestIdOf(job),
    });
  const started = new Map<string, number>();
  const observe = (job: Job, outcome: 'completed' | 'failed') => {
    const t0 = started.get(job.id ?? '');
    started.delete(job.id ?? '');
    const seconds = t0 === undefined ? undefined : (performance.now() - t0) / 1000;
    metrics.jobs.inc({ name: job.name, outcome });
    if (seconds !== undefined) {
      metrics.jobDuration.observe({ name: job.name, outcome }, seconds);
      if (job.name === 'match.run') metrics.matchRunDuration.observe({ outcome }, seconds);
    }
    return seconds;
  };
  worker.on('active', (job) => {
    started.set(job.id ?? '', performance.now());
    jobLog(job).info('job started');
  });
  worker.on('completed', (job) => {
    const seconds = observe(job, 'completed');
    jobLog(job).info({ seconds }, 'job completed');
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const seconds = observe(job, 'failed');
    jobLog(job).warn({ seconds, err: { message: err.message } }, 'job failed');
  });
  // Errors are reported by /ready and the relay's outbox columns; without a listener they would be thrown.
  worker.on('error', (err) => logger.debug({ err: { message: err.message } }, 'worker error'));
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
    metrics,
    logger,
    close: () =>
      (closing ??= (async () => {
        await relay?.stop();
        // Let running jobs finish; if Redis is gone, do not wait for it forever.
        const graceful = worker.close();
        const timeout = new Promise<'timeout'>((r) =>
          setTimeout(() => r('timeout'), 10_000).unref(),
        );
        if ((await Promise.race([graceful, timeout])) === 'timeout') await worker.close(true);
        await metrics.close();
      })()),
  };
}
