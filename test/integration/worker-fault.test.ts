import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApp, type TestContext } from '../helpers/app.ts';
import { makeCompany, makeDiagnostic, makeWorld } from '../helpers/factories.ts';
import { waitFor } from '../helpers/wait.ts';

// A real worker process killed with SIGKILL in the middle of a run: the run is
// taken back by the next worker and completes, with no duplicate synergy.
const root = fileURLToPath(new URL('../..', import.meta.url));
let t: TestContext;
let w: Awaited<ReturnType<typeof makeWorld>>;
const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/worker/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: t.database.url,
      REDIS_URL: t.config.REDIS_URL,
      QUEUE_PREFIX: t.config.QUEUE_PREFIX,
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  t = await startTestApp();
  w = await makeWorld(t.app, t.database.db);
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await t?.close();
});

describe('worker killed mid-run', () => {
  it(
    'the run resumes on another worker and completes with no duplicate',
    { timeout: 120_000 },
    async () => {
      const other = await makeCompany(t.app, w.officer.token, w.territory.id, {
        location: { type: 'Point', coordinates: [5.031, 47.35] },
      });
      const pallets = (kind: string) => ({
        kind,
        resourceCode: 'LOG.PAL.BROKEN',
        quantity: 500,
        unit: 'unit',
      });
      await makeDiagnostic(t.app, w.officer.token, w.company.id, {
        validate: true,
        flows: [pallets('output')],
      });
      await makeDiagnostic(t.app, w.officer.token, other.id, {
        validate: true,
        flows: [pallets('input')],
      });

      // Hold the territory's result lock: the worker's run blocks just before writing.
      const blocker = new pg.Client({ connectionString: t.database.url });
      await blocker.connect();
      await blocker.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [
        `synergies:${w.territory.id as string}`,
      ]);
      try {
        const first = startWorker();
        const running = await waitFor(
          async () =>
            (await t.database.db
              .selectFrom('match_run')
              .selectAll()
              .where('territory_id', '=', w.territory.id)
              .where('status', '=', 'running')
              .where('progress', '>=', 70)
              .executeTakeFirst()) ?? null,
          30_000,
        );
        first.kill('SIGKILL');
        await new Promise((r) => first.once('exit', r));
        await blocker.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [
          `synergies:${w.territory.id as string}`,
        ]);

        startWorker();
        const done = await waitFor(
          async () => {
            const r = await t.database.db
              .selectFrom('match_run')
              .selectAll()
              .where('id', '=', running.id)
              .executeTakeFirst();
            return r?.status === 'succeeded' ? r : null;
          },
          45_000,
          250,
        );
        expect(done.attempts).toBeGreaterThanOrEqual(2);
        await waitFor(async () => {
          const runs = await t.database.db
            .selectFrom('match_run')
            .select('status')
            .where('territory_id', '=', w.territory.id)
            .execute();
          return runs.every((r) => r.status === 'succeeded');
        }, 45_000);
      } finally {
        await blocker.end();
      }
      const list = await call(t.app, w.officer.token, {
        method: 'GET',
        url: `/v1/territories/${w.territory.id as string}/synergies?resourceCode=LOG.PAL.BROKEN`,
      });
      expect(list.body_.items).toHaveLength(1);
      const rows = await t.database.db.selectFrom('synergy').select('key').execute();
      expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
      const events = await t.database.db.selectFrom('synergy_event').select('synergy_id').execute();
      expect(events).toHaveLength(rows.length);
    },
  );
});
