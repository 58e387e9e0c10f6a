import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../services/core/src/db/migrate.ts';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { makeTerritory, makeUser, type TestUser } from '../helpers/factories.ts';

let t: TestContext;
let admin: TestUser;
let officer: TestUser;
beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.database.db, { role: 'admin' });
  const territory = await makeTerritory(t.app, admin.token);
  officer = await makeUser(t.database.db, { role: 'officer', territoryIds: [territory.id] });
});
afterAll(async () => t?.close());

const rule = (overrides: Json = {}): Json => ({
  id: 'test-whey-to-pig-feed',
  family: 'organics_agrifood',
  labelFr: 'Lactosérum → alimentation porcine (règle de test)',
  supply: { codes: ['020501'], prefixes: ['0205'] },
  demand: { codes: ['MAT.AGRI.FEED'] },
  confidence: 0.6,
  maxDistanceKm: 60,
  gain: { model: 'avoided_virgin_material', displaces: 'MAT.AGRI.FEED' },
  sources: [
    {
      kind: 'bref',
      title: 'Best Available Techniques Reference Document for the Food, Drink and Milk Industries',
      publisher: 'JRC',
      year: 2019,
    },
  ],
  ...overrides,
});

describe('knowledge base in the database', () => {
  it('loads the rule files with migrations; everyone signed in can read them, with a rule-set version', async () => {
    const files = await t.database.db
      .selectFrom('compatibility_rule')
      .select(['id', 'origin'])
      .where('origin', '=', 'file')
      .execute();
    const list = await call(t.app, officer.token, { method: 'GET', url: '/v1/rules?limit=200' });
    expect(list.statusCode).toBe(200);
    expect(list.body_.activeRules).toBe(files.length);
    expect(list.body_.ruleSetVersion).toMatch(/^rs-[0-9a-f]{12}$/);
    const factors = await t.database.db.selectFrom('emission_factor').select('key').execute();
    expect(factors.length).toBeGreaterThanOrEqual(51);
  });

  it('an administrator adds a rule (checked like the files), tunes, disables and resets it; all audited', async () => {
    const before = await call(t.app, admin.token, { method: 'GET', url: '/v1/rules?limit=1' });
    const created = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/rules',
      payload: rule(),
    });
    expect(created.statusCode).toBe(201);
    expect(created.body_).toMatchObject({ origin: 'admin', enabled: true, confidence: 0.6 });

    const bySupply = await call(t.app, officer.token, {
      method: 'GET',
      url: '/v1/rules?supplyCode=02%2005%2002&family=organics_agrifood',
    });
    expect(bySupply.body_.items.map((r: Json) => r.id)).toContain('test-whey-to-pig-feed');
    const byText = await call(t.app, officer.token, {
      method: 'GET',
      url: '/v1/rules?q=lactoserum%20porcine',
    });
    expect(byText.body_.items.map((r: Json) => r.id)).toEqual(['test-whey-to-pig-feed']);
    const added = await call(t.app, admin.token, { method: 'GET', url: '/v1/rules?limit=1' });
    expect(added.body_.ruleSetVersion).not.toBe(before.body_.ruleSetVersion);

    const tuned = await call(t.app, admin.token, {
      method: 'PATCH',
      url: '/v1/rules/test-whey-to-pig-feed',
      payload: { confidence: 0.45, maxDistanceKm: 25 },
    });
    expect(tuned.body_).toMatchObject({
      confidence: 0.45,
      maxDistanceKm: 25,
      override: { confidence: 0.45, maxDistanceKm: 25 },
    });
    const disabled = await call(t.app, admin.token, {
      method: 'PATCH',
      url: '/v1/rules/test-whey-to-pig-feed',
      payload: { enabled: false },
    });
    expect(disabled.body_.enabled).toBe(false);
    const off = await call(t.app, admin.token, { method: 'GET', url: '/v1/rules?limit=1' });
    expect(off.body_.ruleSetVersion).toBe(before.body_.ruleSetVersion);
    const reset = await call(t.app, admin.token, {
      method: 'PATCH',
      url: '/v1/rules/test-whey-to-pig-feed',
      payload: { reset: true, enabled: true },
    });
    expect(reset.body_).toMatchObject({
      confidence: 0.6,
      maxDistanceKm: 60,
      override: {},
      enabled: true,
    });

    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action'])
      .where('entity', '=', 'compatibility_rule')
      .where('entity_id', '=', 'test-whey-to-pig-feed')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'update', 'update']);
  });

  it('refuses a bad rule with every problem and its path (422), a taken id (409), a non-admin (403)', async () => {
    const bad = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/rules',
      payload: rule({ id: 'test-bad', supply: { codes: ['999999'] }, confidence: 3, sources: [] }),
    });
    expect(bad.statusCode).toBe(422);
    const paths = bad.body_.errors.map((e: Json) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.confidence', 'body.sources']));
    const unknownCode = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/rules',
      payload: rule({ id: 'test-bad-2', supply: { codes: ['999999'] } }),
    });
    expect(unknownCode.statusCode).toBe(422);
    expect(unknownCode.body_.errors[0]).toMatchObject({
      path: 'body.supply.codes.0',
      message: expect.stringMatching(/inconnu/),
    });

    await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/rules',
      payload: rule({ id: 'test-taken', supply: { codes: ['020502'] } }),
    });
    const taken = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/rules',
      payload: rule({ id: 'test-taken', supply: { codes: ['020599'] } }),
    });
    expect(taken.statusCode).toBe(409);
    const officerTry = await call(t.app, officer.token, {
      method: 'POST',
      url: '/v1/rules',
      payload: rule({ id: 'test-officer' }),
    });
    expect(officerTry.statusCode).toBe(403);
    const officerPatch = await call(t.app, officer.token, {
      method: 'PATCH',
      url: '/v1/rules/test-taken',
      payload: { enabled: false },
    });
    expect(officerPatch.statusCode).toBe(403);
    const missing = await call(t.app, officer.token, {
      method: 'GET',
      url: '/v1/rules/does-not-exist',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('reloading the files keeps administrators’ tuning', async () => {
    const [first] = (
      await call(t.app, admin.token, { method: 'GET', url: '/v1/rules?limit=200' })
    ).body_.items.filter((r: Json) => r.origin === 'file');
    expect(first).toBeDefined();
    await call(t.app, admin.token, {
      method: 'PATCH',
      url: `/v1/rules/${first.id as string}`,
      payload: { confidence: 0.123 },
    });
    await migrate(t.database.url);
    const after = await call(t.app, admin.token, {
      method: 'GET',
      url: `/v1/rules/${first.id as string}`,
    });
    expect(after.body_).toMatchObject({ confidence: 0.123, origin: 'file', removed: false });
  });
});
