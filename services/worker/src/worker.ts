import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../core/src/config.ts';
import type { Database } from '../../core/src/db/database.ts';
import type { JobRegistry } from './jobs.ts';

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

export function buildWorker(config: Config, deps: WorkerDeps): Worker {
  return new Worker(QUEUE_NAME, (job) => processJob(deps.registry, job), {
    connection: deps.redis,
    prefix: config.QUEUE_PREFIX,
    concurrency: 2,
    autorun: true,
  });
}
