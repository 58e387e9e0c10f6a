import { Queue } from 'bullmq';
import client from 'prom-client';
import type { Database } from './db/database.ts';
import { pendingCount } from './db/outbox.repo.ts';
import { createProducerRedis } from './redis.ts';

// Prometheus metrics shared by the API and the worker. Each process (and each test
// app) has its own registry, so that building two apps never registers a metric twice.

const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'failed',
  'completed',
  'prioritized',
] as const;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timeout after ${ms} ms`)), ms).unref(),
    ),
  ]);
}

export interface Metrics {
  registry: client.Registry;
  httpDuration: client.Histogram<'method' | 'route' | 'status_code'>;
  jobs: client.Counter<'name' | 'outcome'>;
  jobDuration: client.Histogram<'name' | 'outcome'>;
  matchRunDuration: client.Histogram<'outcome'>;
  /** Text exposition format. */
  render: () => Promise<string>;
  close: () => Promise<void>;
}

/**
 * The metrics of one process. Queue depth and outbox backlog are read at scrape time
 * (bounded by a timeout: a scrape during an outage reports -1 rather than hanging).
 */
export function createMetrics(opts: {
  service: 'api' | 'worker';
  db: Database;
  redisUrl: string;
  queuePrefix: string;
  queueName: string;
}): Metrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service: opts.service });
  client.collectDefaultMetrics({ register: registry, prefix: 'symbiose_' });

  const httpDuration = new client.Histogram({
    name: 'symbiose_http_request_duration_seconds',
    help: 'HTTP request latency by route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const jobs = new client.Counter({
    name: 'symbiose_jobs_total',
    help: 'Background jobs finished by this worker, by job name and outcome',
    labelNames: ['name', 'outcome'] as const,
    registers: [registry],
  });
  const jobDuration = new client.Histogram({
    name: 'symbiose_job_duration_seconds',
    help: 'Background job processing time, by job name and outcome',
    labelNames: ['name', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const matchRunDuration = new client.Histogram({
    name: 'symbiose_match_run_duration_seconds',
    help: 'Matching run duration (full territory runs and diagnostic rematches)',
    labelNames: ['outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });

  let queue: { queue: Queue; connection: ReturnType<typeof createProducerRedis> } | null = null;
  const queueOf = () => {
    if (!queue) {
      const connection = createProducerRedis(opts.redisUrl);
      const q = new Queue(opts.queueName, { connection, prefix: opts.queuePrefix });
      q.on('error', () => undefined);
      queue = { queue: q, connection };
    }
    return queue.queue;
  };
  new client.Gauge({
    name: 'symbiose_queue_jobs',
    help: 'Jobs in the BullMQ queue by state (-1: Redis unreachable)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await withTimeout(queueOf().getJobCounts(...QUEUE_STATES), 1000);
        for (const s of QUEUE_STATES) this.set({ state: s }, counts[s] ?? 0);
      } catch {
        for (const s of QUEUE_STATES) this.set({ state: s }, -1);
      }
    },
  });
  new client.Gauge({
    name: 'symbiose_outbox_pending',
    help: 'Outbox rows not yet sent to the queue (-1: PostgreSQL unreachable)',
    registers: [registry],
    async collect() {
      try {
        this.set(await withTimeout(pendingCount(opts.db), 1000));
      } catch {
        this.set(-1);
      }
    },
  });

  return {
    registry,
    httpDuration,
    jobs,
    jobDuration,
    matchRunDuration,
    render: () => registry.metrics(),
    close: async () => {
      const q = queue;
      queue = null;
      if (q) {
        await withTimeout(q.queue.close(), 1000).catch(() => undefined);
        q.connection.disconnect();
      }
      registry.clear();
    },
  };
}
