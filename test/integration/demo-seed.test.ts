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

    // The SYNERGIES convention with the fiche-action's budget, and a report that is not empty.
    const conventions = await call(t.app, token, {
      method: 'GET',
      url: `/v1/territories/${first.territory.id}/conventions`,
    });
    expect(conventions.body_.items).toHaveLength(1);
    const report = await call(t.app, token, {
      method: 'GET',
      url: `/v1/conventions/${conventions.body_.items[0].id as string}/report?type=intermediate&asOf=2024-03-31`,
    });
    expect(report.statusCode, report.body).toBe(200);
    const years = Object.fromEntries(
      (report.body_.budget.years as Json[]).map((y) => [y.year, y.plannedEur]),
    );
    expect(years).toEqual({ 2021: 55925, 2022: 69950, 2023: 84700 });
    const diagnostics = (report.body_.objectives as Json[]).find(
      (o) => o.metric === 'diagnostics_conducted',
    );
    expect(diagnostics!.actual).toBe(demoTerritory.companies.length);
    expect(
      (report.body_.objectives as Json[]).find((o) => o.metric === 'zones_with_diagnostics')!
        .actual,
    ).toBe(3);
    const indicators = await call(t.app, token, {
      method: 'GET',
      url: `/v1/indicators?territoryId=${first.territory.id}&period=2023`,
    });
    expect(indicators.statusCode).toBe(200);
    const diag2023 = (indicators.body_.periods[0].values as Json[]).find(
      (v) => v.indicator === 'diagnostics_conducted',
    );
    expect(diag2023!.value).toBe(
      demoTerritory.companies.filter((c) => c.diagnostic.visitedAt.startsWith('2023')).length,
    );
  });
});
