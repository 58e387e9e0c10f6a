import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { countRows } from '../helpers/db.ts';
import { makeDiagnostic, makeWorld, sampleFlows } from '../helpers/factories.ts';

let t: TestContext;
let w: Awaited<ReturnType<typeof makeWorld>>;
beforeAll(async () => {
  t = await startTestApp();
  w = await makeWorld(t.app, t.database.db);
});
afterAll(async () => t?.close());

async function counts() {
  const n = (table: 'diagnostic' | 'flow' | 'audit_log' | 'outbox' | 'idempotency_key') =>
    countRows(t.database.db, table);
  return {
    diagnostic: await n('diagnostic'),
    flow: await n('flow'),
    audit: await n('audit_log'),
    outbox: await n('outbox'),
    idem: await n('idempotency_key'),
  };
}

const post = (
  token: string,
  companyId: string,
  payload: Json,
  headers: Record<string, string> = {},
) =>
  call(t.app, token, {
    method: 'POST',
    url: `/v1/companies/${companyId}/diagnostics`,
    payload,
    headers,
  });

describe('diagnostic creation', () => {
  it('stores flows normalised to the canonical unit per year, with the EWC hazard flag enforced', async () => {
    const res = await post(w.officer.token, w.company.id, {
      visitedAt: '2023-05-02',
      notes: 'Visite avec le responsable HSE',
      flows: [
        {
          kind: 'input',
          resourceCode: 'ENE.ELEC',
          quantity: 150000,
          unit: 'kWh',
          period: 'month',
          costEurPerYear: 290000,
        },
        { kind: 'waste', resourceCode: '15 01 03', quantity: 500, unit: 'kg', period: 'week' },
        { kind: 'waste', resourceCode: '14 06 03*', quantity: 1.5, unit: 't', hazardous: false },
        { kind: 'need', resourceCode: 'SRV', category: 'service', label: 'Achat groupé' },
      ].slice(0, 3),
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.etag).toBe('"r1"');
    expect(res.headers.location).toBe(`/v1/diagnostics/${res.body_.id as string}`);
    expect(res.body_).toMatchObject({
      status: 'draft',
      version: 1,
      visitedAt: '2023-05-02',
      revision: 1,
    });
    const [elec, wood, solvent] = res.body_.flows;
    expect(elec).toMatchObject({
      position: 0,
      category: 'energy',
      quantityPerYear: 1800,
      canonicalUnit: 'MWh',
      costEurPerYear: 290000,
    });
    expect(wood).toMatchObject({
      resourceCode: '150103',
      category: 'waste',
      quantityPerYear: 26,
      canonicalUnit: 't',
      hazardous: false,
      period: 'week',
    });
    expect(solvent).toMatchObject({
      resourceCode: '140603',
      hazardous: true,
      quantityPerYear: 1.5,
      period: 'year',
    });
    expect(solvent.resourceLabel).toMatch(/solvants/i);
  });

  it('reports every bad flow at once (unknown code, heading, incompatible unit) and writes nothing', async () => {
    const before = await counts();
    const unknown = await post(w.officer.token, w.company.id, {
      flows: [
        { kind: 'waste', resourceCode: '999999', quantity: 1, unit: 't' },
        { kind: 'waste', resourceCode: '15', quantity: 1, unit: 't' },
        { kind: 'input', resourceCode: 'ENE.ELEC', quantity: 1, unit: 't' },
      ],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body_.code).toBe('unknown_resource');
    expect(unknown.body_.errors.map((e: Json) => e.path)).toEqual([
      'body.flows.0.resourceCode',
      'body.flows.1.resourceCode',
      'body.flows.2.unit',
    ]);

    const unit = await post(w.officer.token, w.company.id, {
      flows: [{ kind: 'input', resourceCode: 'ENE.ELEC', quantity: 5, unit: 'kg' }],
    });
    expect(unit.statusCode).toBe(422);
    expect(unit.body_.code).toBe('incompatible_unit');
    expect(unit.body_.errors[0].message).toMatch(/ne se convertit pas/);

    const schema = await post(w.officer.token, w.company.id, {
      flows: [
        { kind: 'stock', resourceCode: 'ENE.ELEC' },
        { kind: 'input', resourceCode: 'ENE.ELEC', quantity: -3, unit: 'MWh' },
        { kind: 'input', resourceCode: 'ENE.ELEC', quantity: 3 },
      ],
    });
    expect(schema.statusCode).toBe(400);
    const paths = schema.body_.errors.map((e: Json) => e.path);
    expect(paths).toContain('body.flows.0.kind');
    expect(paths).toContain('body.flows.1.quantity');
    expect(paths).toContain('body.flows.2.unit');

    const badDate = await post(w.officer.token, w.company.id, {
      visitedAt: '2023-13-45',
      flows: [],
    });
    expect(badDate.statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('answers problem+json for malformed JSON and a wrong content type', async () => {
    const res = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/companies/${w.company.id as string}/diagnostics`,
      payload: '{"flows": [',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const text = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/companies/${w.company.id as string}/diagnostics`,
      payload: '<flows/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(text.statusCode).toBe(415);
    expect(text.headers['content-type']).toMatch(/problem\+json/);
  });
});

describe('versions, validation and history', () => {
  it('a new validated version supersedes the previous one; history stays readable', async () => {
    const v1 = await makeDiagnostic(t.app, w.officer.token, w.company.id, { validate: true });
    expect(v1.status).toBe('validated');
    const before = await counts();
    const v2 = await makeDiagnostic(t.app, w.officer.token, w.company.id, {
      flows: [{ kind: 'input', resourceCode: 'ENE.GAS.NAT', quantity: 300, unit: 'MWh' }],
    });
    expect(v2.version).toBeGreaterThan(v1.version);
    const validated = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/diagnostics/${v2.id as string}/validate`,
    });
    expect(validated.statusCode).toBe(200);
    expect(validated.body_).toMatchObject({ status: 'validated', validatedBy: w.officer.id });

    const old = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/diagnostics/${v1.id as string}`,
    });
    expect(old.body_).toMatchObject({ status: 'superseded', flows: expect.any(Array) });
    expect(old.body_.supersededAt).toBeTruthy();
    expect(old.body_.flows).toHaveLength(sampleFlows.length);

    const history = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/companies/${w.company.id as string}/diagnostics`,
    });
    const statuses = history.body_.items.map((d: Json) => [d.version, d.status]);
    expect(statuses[0]).toEqual([v2.version, 'validated']);
    expect(statuses).toContainEqual([v1.version, 'superseded']);
    expect(history.body_.items.filter((d: Json) => d.status === 'validated')).toHaveLength(1);

    // Validation requests an incremental rematch of this company: a match_run and its outbox row.
    const after = await counts();
    expect(after.outbox).toBe(before.outbox + 1);
    const row = await t.database.db
      .selectFrom('outbox')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ topic: 'match.run', territory_id: w.territory.id });
    const run = await t.database.db
      .selectFrom('match_run')
      .selectAll()
      .where('id', '=', (row.payload as { runId: string }).runId)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({
      trigger: 'diagnostic_validated',
      status: 'queued',
      scope_company_ids: [w.company.id],
    });

    // Only flows of the validated version are "current".
    const flows = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/territories/${w.territory.id as string}/flows?companyId=${w.company.id as string}`,
    });
    expect(flows.body_.items.map((f: Json) => f.resourceCode)).toEqual(['ENE.GAS.NAT']);

    const again = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/diagnostics/${v2.id as string}/validate`,
    });
    expect(again.statusCode).toBe(409);
    const edit = await call(t.app, w.officer.token, {
      method: 'PUT',
      url: `/v1/diagnostics/${v2.id as string}`,
      headers: { 'if-match': validated.headers.etag as string },
      payload: { flows: [] },
    });
    expect(edit.statusCode).toBe(409);
    const del = await call(t.app, w.officer.token, {
      method: 'DELETE',
      url: `/v1/diagnostics/${v2.id as string}`,
    });
    expect(del.statusCode).toBe(409);
  });

  it('guards draft edits with If-Match: 428 without, 412 when stale, 200 with the current ETag', async () => {
    const d = await makeDiagnostic(t.app, w.officer.token, w.company.id);
    const url = `/v1/diagnostics/${d.id as string}`;
    const payload = {
      visitedAt: '2023-06-01',
      flows: [{ kind: 'waste', resourceCode: '150101', quantity: 12, unit: 't' }],
    };
    const none = await call(t.app, w.officer.token, { method: 'PUT', url, payload });
    expect(none.statusCode).toBe(428);

    const got = await call(t.app, w.officer.token, { method: 'GET', url });
    const etag = got.headers.etag as string;
    const ok = await call(t.app, w.officer.token, {
      method: 'PUT',
      url,
      payload,
      headers: { 'if-match': etag },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body_.revision).toBe(d.revision + 1);
    expect(ok.body_.flows.map((f: Json) => f.resourceCode)).toEqual(['150101']);
    expect(ok.headers.etag).not.toBe(etag);

    const before = await counts();
    const stale = await call(t.app, w.officer.token, {
      method: 'PUT',
      url,
      payload: { flows: [] },
      headers: { 'if-match': etag },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.body_.code).toBe('precondition_failed');
    expect(await counts()).toEqual(before);
    const staleValidate = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `${url}/validate`,
      headers: { 'if-match': etag },
    });
    expect(staleValidate.statusCode).toBe(412);

    const del = await call(t.app, w.officer.token, { method: 'DELETE', url });
    expect(del.statusCode).toBe(204);
    expect((await call(t.app, w.officer.token, { method: 'GET', url })).statusCode).toBe(404);
  });

  it('lets a company user draft its own diagnostic but not validate it', async () => {
    const d = await post(w.companyUser.token, w.company.id, { flows: sampleFlows });
    expect(d.statusCode).toBe(201);
    const v = await call(t.app, w.companyUser.token, {
      method: 'POST',
      url: `/v1/diagnostics/${d.body_.id as string}/validate`,
    });
    expect(v.statusCode).toBe(403);
    const byOfficer = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/diagnostics/${d.body_.id as string}/validate`,
    });
    expect(byOfficer.statusCode).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  it('replays the same answer for the same key and body, and writes once', async () => {
    const before = await counts();
    const key = `visit-${Date.now()}`;
    const first = await post(
      w.officer.token,
      w.company.id,
      { flows: sampleFlows },
      { 'idempotency-key': key },
    );
    const second = await post(
      w.officer.token,
      w.company.id,
      { flows: sampleFlows },
      { 'idempotency-key': key },
    );
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body_).toEqual(first.body_);
    const after = await counts();
    expect(after.diagnostic).toBe(before.diagnostic + 1);
    expect(after.flow).toBe(before.flow + sampleFlows.length);

    const other = await post(
      w.officer.token,
      w.company.id,
      { flows: [] },
      { 'idempotency-key': key },
    );
    expect(other.statusCode).toBe(422);
    expect(other.body_.code).toBe('idempotency_key_reused');
    expect((await counts()).diagnostic).toBe(after.diagnostic);
  });

  it('does not burn a key on a failed request, and handles concurrent repeats', async () => {
    const key = `retry-${Date.now()}`;
    const bad = await post(
      w.officer.token,
      w.company.id,
      { flows: [{ kind: 'waste', resourceCode: '000000', quantity: 1, unit: 't' }] },
      { 'idempotency-key': key },
    );
    expect(bad.statusCode).toBe(422);
    const before = await counts();
    const [a, b] = await Promise.all([
      post(w.officer.token, w.company.id, { flows: sampleFlows }, { 'idempotency-key': key }),
      post(w.officer.token, w.company.id, { flows: sampleFlows }, { 'idempotency-key': key }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.body_.id).toBe(b.body_.id);
    expect((await counts()).diagnostic).toBe(before.diagnostic + 1);

    const badKey = await post(
      w.officer.token,
      w.company.id,
      { flows: [] },
      { 'idempotency-key': 'x' },
    );
    expect(badKey.statusCode).toBe(400);
  });
});
