import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApp, type TestContext } from '../helpers/app.ts';
import { makeDiagnostic, makeWorld } from '../helpers/factories.ts';

let t: TestContext;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('smoke', () => {
  it('creates a world and a validated diagnostic', async () => {
    const w = await makeWorld(t.app, t.database.db);
    const d = await makeDiagnostic(t.app, w.officer.token, w.company.id, { validate: true });
    expect(d.status).toBe('validated');
    expect(w.company.zoneId).toBe(w.zone.id);
    const r = await call(t.app, null, { method: 'GET', url: '/ready' });
    expect(r.body_).toMatchObject({ status: 'ready' });
  });
});
