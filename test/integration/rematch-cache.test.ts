// A worker keeps its territory's prepared snapshot between rematches and reads
// only the companies whose diagnostics changed since. Whatever the sequence of
// validations, the stored proposals must be those a full run would write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeMatchRun, SnapshotCache } from '../../services/worker/src/matching/match-run.ts';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { makeCompany, makeDiagnostic, makeUser, makeZone } from '../helpers/factories.ts';

let t: TestContext;
let territoryId: string;
let officer: { token: string };
const companies: Json[] = [];

beforeAll(async () => {
  t = await startTestApp();
  const admin = await makeUser(t.database.db, { role: 'admin' });
  const territory = await call(t.app, admin.token, {
    method: 'POST',
    url: '/v1/territories',
    payload: { slug: 'rematch-cache', name: 'Territoire du cache' },
  });
  territoryId = territory.body_.id as string;
  officer = await makeUser(t.database.db, { role: 'officer', territoryIds: [territoryId] });
  await makeZone(t.app, officer.token, territoryId);
  for (let i = 0; i < 10; i++) {
    companies.push(
      await makeCompany(t.app, officer.token, territoryId, {
        location: { type: 'Point', coordinates: [5.03 + (i % 5) * 0.01, 47.35 + (i % 3) * 0.01] },
      }),
    );
  }
});
afterAll(async () => t?.close());

/** A deterministic flow set of company i at version v (supplies and demands that pair up). */
function flowsOf(i: number, v: number): Json[] {
  const q = (n: number) => 5 + ((i * 7 + v * 3 + n) % 11);
  const flows: Json[] = [
    { kind: 'input', resourceCode: 'ENE.ELEC', quantity: 100 * q(1), unit: 'MWh', period: 'year' },
  ];
  if ((i + v) % 2 === 0) {
    flows.push({
      kind: 'waste',
      resourceCode: '150101',
      quantity: q(2),
      unit: 't',
      period: 'year',
    });
  } else {
    flows.push({
      kind: 'input',
      resourceCode: '150101',
      quantity: q(3),
      unit: 't',
      period: 'year',
    });
  }
  if ((i + v) % 3 === 0) {
    flows.push({
      kind: 'waste',
      resourceCode: '150103',
      quantity: q(4),
      unit: 't',
      period: 'year',
    });
  }
  if ((i * v) % 4 === 1) {
    flows.push({
      kind: 'input',
      resourceCode: 'ENE.GAS.NAT',
      quantity: q(5),
      unit: 'MWh',
      period: 'year',
    });
  }
  return flows;
}

/** The latest run created for the territory (a validation requests one). */
async function latestRunId(): Promise<string> {
  const row = await t.database.db
    .selectFrom('match_run')
    .select('id')
    .where('territory_id', '=', territoryId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Current engine proposals: key → score. */
async function current(): Promise<Map<string, number | null>> {
  const rows = await t.database.db
    .selectFrom('synergy')
    .select(['key', 'score'])
    .where('territory_id', '=', territoryId)
    .where('origin', '=', 'engine')
    .where('stale', '=', false)
    .orderBy('key')
    .execute();
  return new Map(rows.map((r) => [r.key, r.score]));
}

async function fullRun() {
  const res = await call(t.app, officer.token, {
    method: 'POST',
    url: `/v1/territories/${territoryId}/match-runs`,
    payload: {},
  });
  expect(res.statusCode).toBe(202);
  return executeMatchRun(t.database.db, res.body_.id as string);
}

describe('rematch with a prepared snapshot kept between runs', () => {
  it('writes what a full run writes, reading only the changed companies', async () => {
    for (const [i, c] of companies.entries()) {
      await makeDiagnostic(t.app, officer.token, c.id as string, {
        flows: flowsOf(i, 0),
        validate: true,
      });
    }
    await fullRun();
    expect((await current()).size).toBeGreaterThan(3);

    const cache = new SnapshotCache();
    // Successive validations, each rematched with the cache; two of them land
    // before the first rematch (the cache must catch up on both).
    const steps = [3, 5, 3, 0, 7, 9, 5];
    for (const [n, i] of steps.entries()) {
      await makeDiagnostic(t.app, officer.token, companies[i]!.id as string, {
        flows: flowsOf(i, n + 1),
        validate: true,
      });
      if (n === 1) {
        // An unrelated company validated too, and its own rematch not run yet.
        await makeDiagnostic(t.app, officer.token, companies[8]!.id as string, {
          flows: flowsOf(8, 9),
          validate: true,
        });
      }
      const r = await executeMatchRun(t.database.db, await latestRunId(), undefined, cache);
      expect(r.skipped).toBe(false);
      // Every diagnostic here is within the sync's look-back: only the
      // companies with a new validated diagnostic are read again.
      if (n > 0) expect(cache.lastSynced).toBe(n === 1 ? 2 : 1);
    }
    expect(cache.hits).toBe(steps.length - 1);
    // Company 8's own rematch (requested before some of the others) catches up.
    const pending = await t.database.db
      .selectFrom('match_run')
      .select('id')
      .where('territory_id', '=', territoryId)
      .where('status', '=', 'queued')
      .orderBy('created_at')
      .execute();
    for (const run of pending) await executeMatchRun(t.database.db, run.id, undefined, cache);

    const incremental = await current();
    const full = await fullRun();
    expect(full.skipped).toBe(false);
    if (!full.skipped) {
      expect(full.counts.created).toBe(0);
      expect(full.counts.stale).toBe(0);
    }
    expect(await current()).toEqual(incremental);
  });

  it('prepares afresh when a company is edited', async () => {
    const cache = new SnapshotCache();
    await makeDiagnostic(t.app, officer.token, companies[1]!.id as string, {
      flows: flowsOf(1, 20),
      validate: true,
    });
    await executeMatchRun(t.database.db, await latestRunId(), undefined, cache);
    const res = await call(t.app, officer.token, {
      method: 'PATCH',
      url: `/v1/companies/${companies[2]!.id as string}`,
      headers: { 'if-match': `"${String(companies[2]!.revision ?? '')}"` },
      payload: { name: 'Entreprise renommée' },
    });
    expect(res.statusCode).toBeLessThan(300);
    await makeDiagnostic(t.app, officer.token, companies[2]!.id as string, {
      flows: flowsOf(2, 21),
      validate: true,
    });
    await executeMatchRun(t.database.db, await latestRunId(), undefined, cache);
    expect(cache.hits).toBe(0);
    const incremental = await current();
    const full = await fullRun();
    if (!full.skipped) expect(full.counts.stale).toBe(0);
    expect(await current()).toEqual(incremental);
  });
});
