// Faults on the real services. PostgreSQL is a private cluster this test starts (initdb in
// a temporary folder, free port) so that it can be stopped and restarted; the API and the
// worker are real processes for the SIGTERM cases. The machine's shared servers are never
// stopped. (Redis restart: matching-flow.test.ts; worker SIGKILL: worker-fault.test.ts.)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../services/api/src/app.ts';
import { loadConfig } from '../../services/core/src/config.ts';
import { createDatabase } from '../../services/core/src/db/database.ts';
import { migrate } from '../../services/core/src/db/migrate.ts';
import { createRedis } from '../../services/core/src/redis.ts';
import { buildJobRegistry } from '../../services/worker/src/jobs.ts';
import { buildWorker } from '../../services/worker/src/worker.ts';
import { call, startTestApp, type TestContext } from '../helpers/app.ts';
import { makeCompany, makeDiagnostic, makeWorld } from '../helpers/factories.ts';
import {
  createDatabaseOn,
  freePort,
  startPrivatePostgres,
  type PrivatePostgres,
} from '../helpers/private-services.ts';
import { waitFor } from '../helpers/wait.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const children: ChildProcess[] = [];

function spawnService(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', WORKER_METRICS_PORT: '0', ...env },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

const pallets = (kind: 'input' | 'output') => ({
  kind,
  resourceCode: 'LOG.PAL.BROKEN',
  quantity: 400,
  unit: 'unit',
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('PostgreSQL restarted while the API serves and the worker runs', () => {
  let server: PrivatePostgres | undefined;
  afterAll(async () => server?.destroy());

  it(
    'answers 503 problem+json during the outage, then recovers without any restart',
    { timeout: 180_000 },
    async () => {
      server = await startPrivatePostgres();
      const url = await createDatabaseOn(server, 'symbiose_fault');
      await migrate(url);
      const config = loadConfig({
        DATABASE_URL: url,
        REDIS_URL,
        LOG_LEVEL: 'silent',
        QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      });
      const db = createDatabase(url, 5);
      const redis = createRedis(REDIS_URL);
      const app = await buildApp(config, { db, redis });
      const workerDb = createDatabase(url, 3);
      const worker = buildWorker(config, {
        db: workerDb,
        redis: createRedis(REDIS_URL),
        registry: buildJobRegistry({ db: workerDb }),
      });
      const runsSucceeded = () =>
        waitFor(
          async () => {
            const runs = await db.selectFrom('match_run').select('status').execute();
            return runs.length > 0 && runs.every((r) => r.status === 'succeeded') ? runs : null;
          },
          45_000,
          200,
        );
      try {
        const w = await makeWorld(app, db);
        const territoryId = w.territory.id as string;
        await makeDiagnostic(app, w.officer.token, w.company.id as string, {
          validate: true,
          flows: [pallets('output')],
        });
        expect((await runsSucceeded()).length).toBe(1);
        const companies = `/v1/territories/${territoryId}/companies`;
        expect(
          (await call(app, w.officer.token, { method: 'GET', url: companies })).statusCode,
        ).toBe(200);

        await server.stop();
        const read = await call(app, w.officer.token, { method: 'GET', url: companies });
        const write = await call(app, w.officer.token, {
          method: 'POST',
          url: companies,
          payload: { siret: '73282932000074', name: 'Pendant la panne', nafCode: '16.24Z' },
        });
        for (const res of [read, write]) {
          expect(res.statusCode).toBe(503);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.headers['retry-after']).toBe('5');
          expect(res.body_.code).toBe('unavailable');
          expect(res.body).not.toMatch(/ECONNREFUSED|terminat|select |insert /i);
        }
        const ready = await call(app, null, { method: 'GET', url: '/ready' });
        expect(ready.statusCode).toBe(503);
        expect(ready.body_.checks.postgres.ok).toBe(false);
        expect((await call(app, null, { method: 'GET', url: '/health' })).statusCode).toBe(200);

        await server.start();
        await waitFor(
          async () =>
            (await call(app, w.officer.token, { method: 'GET', url: companies })).statusCode ===
            200,
          30_000,
          200,
        );
        expect((await call(app, null, { method: 'GET', url: '/ready' })).statusCode).toBe(200);
        // The same processes write again, and the worker takes new runs.
        const other = await makeCompany(app, w.officer.token, territoryId, {
          location: { type: 'Point', coordinates: [5.031, 47.35] },
        });
        await makeDiagnostic(app, w.officer.token, other.id as string, {
          validate: true,
          flows: [pallets('input')],
        });
        expect((await runsSucceeded()).length).toBe(2);
        const list = await call(app, w.officer.token, {
          method: 'GET',
          url: `/v1/territories/${territoryId}/synergies?resourceCode=LOG.PAL.BROKEN`,
        });
        expect(list.body_.items).toHaveLength(1);
        // The write refused during the outage left nothing behind.
        const names = await db.selectFrom('company').select('name').execute();
        expect(names.map((n) => n.name)).not.toContain('Pendant la panne');
      } finally {
        await worker.close();
        await app.close();
        await db.destroy();
        await workerDb.destroy();
        const keys = await redis.keys(`${config.QUEUE_PREFIX}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      }
    },
  );
});

describe('SIGTERM', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it(
    'API: the in-flight request finishes, new connections are refused, the process exits',
    {
      timeout: 90_000,
    },
    async () => {
      const w = await makeWorld(t.app, t.database.db);
      const port = await freePort();
      const api = spawnService('services/api/src/main.ts', {
        DATABASE_URL: t.database.url,
        REDIS_URL,
        QUEUE_PREFIX: t.config.QUEUE_PREFIX,
        HOST: '127.0.0.1',
        PORT: String(port),
      });
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${base}/health`)).ok, 30_000, 200);

      // Hold the territory's row: the PATCH below waits on it, in flight.
      const blocker = new pg.Client({ connectionString: t.database.url });
      await blocker.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('SELECT 1 FROM territory WHERE id = $1 FOR UPDATE', [w.territory.id]);
        const inFlight = fetch(`${base}/v1/territories/${w.territory.id as string}`, {
          method: 'PATCH',
          headers: {
            authorization: `Bearer ${w.admin.token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ name: 'Renommé pendant l’arrêt' }),
        });
        // (Polled from another connection: inside a transaction the statistics are a snapshot.)
        await waitFor(async () => {
          const r = await sql<{ n: number }>`
            SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
          `.execute(t.database.db);
          return r.rows[0]!.n > 0;
        }, 20_000);

        api.kill('SIGTERM');
        // Nothing new is taken: the listening socket is closed.
        await waitFor(async () => {
          try {
            await fetch(`${base}/health`);
            return false;
          } catch {
            return true;
          }
        }, 10_000);
        expect(api.exitCode).toBeNull();

        await blocker.query('COMMIT');
        const res = await inFlight;
        expect(res.status).toBe(200);
        expect(((await res.json()) as { name: string }).name).toBe('Renommé pendant l’arrêt');
        expect(await exited(api)).toBe(0);
      } finally {
        await blocker.end();
      }
    },
  );

  it(
    'worker: running jobs finish once, nothing new is taken, the next worker takes it',
    {
      timeout: 120_000,
    },
    async () => {
      const w = await makeWorld(t.app, t.database.db);
      const territoryId = w.territory.id as string;
      const other = await makeCompany(t.app, w.officer.token, territoryId, {
        location: { type: 'Point', coordinates: [5.031, 47.35] },
      });
      await makeDiagnostic(t.app, w.officer.token, w.company.id as string, {
        validate: true,
        flows: [pallets('output')],
      });
      await makeDiagnostic(t.app, w.officer.token, other.id as string, {
        validate: true,
        flows: [pallets('input')],
      });
      const env = {
        DATABASE_URL: t.database.url,
        REDIS_URL,
        QUEUE_PREFIX: t.config.QUEUE_PREFIX,
      };
      const lockKey = `synergies:${territoryId}`;
      const blocker = new pg.Client({ connectionString: t.database.url });
      await blocker.connect();
      try {
        await blocker.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockKey]);
        const first = spawnService('services/worker/src/main.ts', env);
        const running = await waitFor(
          async () =>
            (await t.database.db
              .selectFrom('match_run')
              .selectAll()
              .where('territory_id', '=', territoryId)
              .where('status', '=', 'running')
              .where('progress', '>=', 70)
              .executeTakeFirst()) ?? null,
          30_000,
        );
        first.kill('SIGTERM');
        await new Promise((r) => setTimeout(r, 1000));
        expect(first.exitCode).toBeNull(); // still finishing its job
        // Requested after SIGTERM: must wait for another worker.
        const late = await call(t.app, w.officer.token, {
          method: 'POST',
          url: `/v1/territories/${territoryId}/match-runs`,
          payload: {},
        });
        expect(late.statusCode).toBe(202);
        await blocker.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
        expect(await exited(first)).toBe(0);

        const done = await t.database.db
          .selectFrom('match_run')
          .selectAll()
          .where('id', '=', running.id)
          .executeTakeFirstOrThrow();
        expect(done.status).toBe('succeeded');
        expect(done.attempts).toBe(1);
        const waiting = await t.database.db
          .selectFrom('match_run')
          .select('status')
          .where('id', '=', late.body_.id as string)
          .executeTakeFirstOrThrow();
        expect(waiting.status).toBe('queued');

        spawnService('services/worker/src/main.ts', env);
        await waitFor(
          async () => {
            const runs = await t.database.db
              .selectFrom('match_run')
              .select(['status', 'attempts'])
              .where('territory_id', '=', territoryId)
              .execute();
            return runs.every((r) => r.status === 'succeeded') ? runs : null;
          },
          60_000,
          250,
        );
      } finally {
        await blocker.end();
      }
      const rows = await t.database.db
        .selectFrom('synergy')
        .select('key')
        .where('territory_id', '=', territoryId)
        .execute();
      expect(rows).toHaveLength(1);
      const events = await t.database.db
        .selectFrom('synergy_event')
        .select('synergy_id')
        .where('territory_id', '=', territoryId)
        .execute();
      expect(events).toHaveLength(1);
    },
  );
});
