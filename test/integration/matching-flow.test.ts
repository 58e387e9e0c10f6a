import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../services/core/src/redis.ts';
import { buildJobRegistry } from '../../services/worker/src/jobs.ts';
import { buildWorker, type RunningWorker } from '../../services/worker/src/worker.ts';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { makeCompany, makeDiagnostic, makeWorld } from '../helpers/factories.ts';
import { waitFor } from '../helpers/wait.ts';

// The whole chain on the real services: API write → outbox → relay → BullMQ → worker → synergies.
let t: TestContext;
let w: Awaited<ReturnType<typeof makeWorld>>;
let worker: RunningWorker;
beforeAll(async () => {
  t = await startTestApp();
  w = await makeWorld(t.app, t.database.db);
  worker = buildWorker(t.config, {
    db: t.database.db,
    redis: createRedis(t.config.REDIS_URL),
    registry: buildJobRegistry({ db: t.database.db }),
  });
});
afterAll(async () => {
  await worker?.close();
  await t?.close();
});

const pallets = (kind: 'output' | 'input', quantity: number) => ({
  kind,
  resourceCode: 'LOG.PAL.BROKEN',
  quantity,
  unit: 'unit',
  period: 'year',
});
const synergies = async (qs = '') =>
  (
    await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/territories/${w.territory.id as string}/synergies?limit=200${qs}`,
    })
  ).body_;

describe('matching end to end', () => {
  it('validating a diagnostic produces proposals with no further call', async () => {
    const repairer = await makeCompany(t.app, w.officer.token, w.territory.id, {
      nafCode: '16.24Z',
      location: { type: 'Point', coordinates: [5.032, 47.351] },
    });
    await makeDiagnostic(t.app, w.officer.token, repairer.id, {
      validate: true,
      flows: [pallets('input', 5000)],
    });
    await makeDiagnostic(t.app, w.officer.token, w.company.id, {
      validate: true,
      flows: [pallets('output', 1200)],
    });

    const found = await waitFor(async () => {
      const s = await synergies('&type=substitution&resourceCode=LOG.PAL.BROKEN');
      return s.items.length > 0 ? s.items : null;
    });
    const s = (found as Json[])[0]!;
    expect(s.participants.map((p: Json) => [p.role, p.companyId])).toEqual([
      ['supplier', w.company.id],
      ['receiver', repairer.id],
    ]);
    expect(s.quantityPerYear).toBe(1200);
    expect(s.explanationFr).toMatch(/palette/i);
    expect(s.explanationFr).not.toContain(w.company.name);
    const runs = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/territories/${w.territory.id as string}/match-runs`,
    });
    expect(runs.body_.items.every((r: Json) => r.trigger === 'diagnostic_validated')).toBe(true);
    await waitFor(async () => {
      const r = await call(t.app, w.officer.token, {
        method: 'GET',
        url: `/v1/territories/${w.territory.id as string}/match-runs`,
      });
      return r.body_.items.every((x: Json) => x.status === 'succeeded');
    });
  });

  it('a full run reports progress and versions; a status set by a person survives re-runs; no duplicates', async () => {
    const before = await synergies();
    const target = before.items[0] as Json;
    await t.database.db
      .updateTable('synergy')
      .set({ status: 'under_study' })
      .where('id', '=', target.id)
      .execute();

    const started = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/territories/${w.territory.id as string}/match-runs`,
      payload: {},
    });
    expect(started.statusCode).toBe(202);
    expect(started.body_.status).toBe('queued');
    const done = await waitFor(async () => {
      const r = await call(t.app, w.officer.token, {
        method: 'GET',
        url: `/v1/match-runs/${started.body_.id as string}`,
      });
      return r.body_.status === 'succeeded' ? r.body_ : null;
    });
    expect(done).toMatchObject({
      progress: 100,
      engineVersion: expect.any(String),
      ruleSetVersion: expect.stringMatching(/^rs-/),
    });
    expect(done.counts.proposals).toBeGreaterThanOrEqual(1);
    expect(done.counts.created).toBe(0);

    const after = await synergies();
    expect(after.items.map((s: Json) => s.key).sort()).toEqual(
      before.items.map((s: Json) => s.key).sort(),
    );
    expect(after.items.find((s: Json) => s.id === target.id).status).toBe('under_study');
    const dup = await t.database.db
      .selectFrom('synergy')
      .select(['key'])
      .groupBy('key')
      .having((e) => e.fn.countAll(), '>', 1)
      .execute();
    expect(dup).toEqual([]);

    const insights = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/territories/${w.territory.id as string}/insights`,
    });
    expect(insights.body_.runId).toBe(started.body_.id);
  });

  it('a new diagnostic version without the flow marks the proposal stale', async () => {
    const key = (await synergies('&resourceCode=LOG.PAL.BROKEN')).items[0].key as string;
    await makeDiagnostic(t.app, w.officer.token, w.company.id, {
      validate: true,
      flows: [{ kind: 'input', resourceCode: 'ENE.ELEC', quantity: 10, unit: 'MWh' }],
    });
    await waitFor(async () => {
      const row = await t.database.db
        .selectFrom('synergy')
        .select('stale')
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.stale === true;
    });
    expect((await synergies()).items.map((s: Json) => s.key)).not.toContain(key);
    expect((await synergies('&includeStale=true')).items.map((s: Json) => s.key)).toContain(key);
  });
});

describe('outbox while Redis is down', () => {
  let redis: ChildProcess | undefined;
  const port = 6390 + Math.floor(Math.random() * 100);
  const startRedis = async () => {
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
      { stdio: 'ignore' },
    );
    const probe = createRedis(`redis://127.0.0.1:${port}`);
    await waitFor(async () => (await probe.ping()) === 'PONG', 10_000);
    probe.disconnect();
  };
  afterAll(() => {
    redis?.kill('SIGKILL');
  });

  it(
    'the API keeps accepting diagnostics; the outbox drains once Redis is back',
    { timeout: 120_000 },
    async () => {
      await startRedis();
      const own = buildWorker(
        { ...t.config, REDIS_URL: `redis://127.0.0.1:${port}` },
        {
          db: t.database.db,
          redis: createRedis(`redis://127.0.0.1:${port}`),
          registry: buildJobRegistry({ db: t.database.db }),
        },
      );
      try {
        await worker.close(); // only the worker on the private Redis runs now
        redis!.kill('SIGKILL');
        await new Promise((r) => setTimeout(r, 300));
        const company = await makeCompany(t.app, w.officer.token, w.territory.id);
        const d = await makeDiagnostic(t.app, w.officer.token, company.id, {
          validate: true,
          flows: [pallets('input', 300)],
        });
        expect(d.status).toBe('validated');
        const pending = await waitFor(async () => {
          const row = await t.database.db
            .selectFrom('outbox')
            .selectAll()
            .where('dispatched_at', 'is', null)
            .executeTakeFirst();
          return row && row.attempts > 0 ? row : null;
        });
        expect(pending.last_error).toBeTruthy();

        await startRedis();
        await waitFor(async () => {
          const left = await t.database.db
            .selectFrom('outbox')
            .select('id')
            .where('dispatched_at', 'is', null)
            .execute();
          return left.length === 0;
        }, 30_000);
        const runId = (pending.payload as { runId: string }).runId;
        await waitFor(async () => {
          const r = await t.database.db
            .selectFrom('match_run')
            .select('status')
            .where('id', '=', runId)
            .executeTakeFirst();
          return r?.status === 'succeeded';
        }, 30_000);
      } finally {
        await own.close();
      }
    },
  );
});
