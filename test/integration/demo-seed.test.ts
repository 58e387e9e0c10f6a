import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../infra/demo/seed.ts';
import { demoTerritory } from '../../infra/demo/demo-data.ts';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { countRows } from '../helpers/db.ts';

let t: TestContext;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('demo territory', () => {
  it('seeds through the domain services, idempotently, and the demo logins work', async () => {
    const first = await seedDemo(t.database.db);
    expect(first.created).toBe(true);
    const second = await seedDemo(t.database.db);
    expect(second.created).toBe(false);
    expect(second.territory.id).toBe(first.territory.id);

    const n = (table: 'company' | 'zone' | 'diagnostic' | 'app_user') =>
      countRows(t.database.db, table);
    expect(await n('company')).toBe(demoTerritory.companies.length);
    expect(await n('zone')).toBe(3);
    expect(await n('diagnostic')).toBe(demoTerritory.companies.length);
    expect(await n('app_user')).toBe(3);

    const login = await call(t.app, null, {
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: DEMO_USERS.officer, password: DEMO_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const token = login.body_.token as string;
    const zones = await call(t.app, token, {
      method: 'GET',
      url: `/v1/territories/${first.territory.id}/zones`,
    });
    const byName = Object.fromEntries(
      zones.body_.features.map((f: Json) => [f.properties.name, f.properties.companyCount]),
    );
    const expected: Record<string, number> = {};
    for (const c of demoTerritory.companies)
      if (c.zoneName) expected[c.zoneName] = (expected[c.zoneName] ?? 0) + 1;
    expect(byName).toEqual(expected);
    const flows = await call(t.app, token, {
      method: 'GET',
      url: `/v1/territories/${first.territory.id}/flows?limit=200`,
    });
    expect(flows.body_.items).toHaveLength(200);
    expect(flows.body_.nextCursor).toBeTruthy();

    const company = await call(t.app, null, {
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: DEMO_USERS.company, password: DEMO_PASSWORD },
    });
    expect(company.body_.me.role).toBe('company');
  });
});
