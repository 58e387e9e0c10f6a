// Observability: the request id of an API call follows the job it causes into the
// worker's structured logs; the worker exposes job counts, durations, match-run duration,
// queue depth and outbox backlog in Prometheus format.
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../services/core/src/logger.ts';
import { createRedis } from '../../services/core/src/redis.ts';
import { buildJobRegistry } from '../../services/worker/src/jobs.ts';
import { startMetricsServer } from '../../services/worker/src/metrics-server.ts';
import { buildWorker, type RunningWorker } from '../../services/worker/src/worker.ts';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { makeWorld } from '../helpers/factories.ts';
import { waitFor } from '../helpers/wait.ts';

let t: TestContext;
let worker: RunningWorker;
const lines: Json[] = [];
beforeAll(async () => {
  t = await startTestApp();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Json);
      done();
    },
  });
  worker = buildWorker(t.config, {
    db: t.database.db,
    redis: createRedis(t.config.REDIS_URL),
    registry: buildJobRegistry({ db: t.database.db }),
    logger: createLogger({ LOG_LEVEL: 'info' }, 'worker', sink),
  });
});
afterAll(async () => {
  await worker?.close();
  await t?.close();
});

describe('request id and worker metrics', () => {
  it('a run requested with X-Request-Id is logged by the worker under that id, and measured', async () => {
    const w = await makeWorld(t.app, t.database.db);
    const res = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/territories/${w.territory.id as string}/match-runs`,
      payload: {},
      headers: { 'x-request-id': 'obs-run-42' },
    });
    expect(res.statusCode).toBe(202);
    const outbox = await t.database.db
      .selectFrom('outbox')
      .select('request_id')
      .executeTakeFirstOrThrow();
    expect(outbox.request_id).toBe('obs-run-42');

    const done = await waitFor(
      async () => lines.find((l) => l.msg === 'job completed' && l.requestId === 'obs-run-42'),
      30_000,
    );
    expect(done).toMatchObject({ service: 'worker', job: 'match.run', level: 30 });
    expect(typeof done.seconds).toBe('number');
    expect(lines.some((l) => l.msg === 'job started' && l.requestId === 'obs-run-42')).toBe(true);

    const server = await startMetricsServer(worker.metrics, '127.0.0.1', 0);
    try {
      const port = (server.address() as AddressInfo).port;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const value = (name: string, labels: Record<string, string>) =>
        text
          .split('\n')
          .filter((l) => l.startsWith(`${name}{`))
          .find((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
          ?.split(' ')
          .pop();
      const run = { name: 'match.run', outcome: 'completed', service: 'worker' };
      expect(value('symbiose_jobs_total', run)).toBe('1');
      expect(value('symbiose_job_duration_seconds_count', run)).toBe('1');
      expect(value('symbiose_match_run_duration_seconds_count', { outcome: 'completed' })).toBe(
        '1',
      );
      expect(value('symbiose_outbox_pending', { service: 'worker' })).toBe('0');
      expect(value('symbiose_queue_jobs', { state: 'completed' })).toBe('1');
      expect(value('symbiose_queue_jobs', { state: 'waiting' })).toBe('0');
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});
