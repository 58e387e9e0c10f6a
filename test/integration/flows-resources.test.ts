import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { makeCompany, makeDiagnostic, makeWorld, makeZone, square } from '../helpers/factories.ts';

let t: TestContext;
let w: Awaited<ReturnType<typeof makeWorld>>;
beforeAll(async () => {
  t = await startTestApp();
  w = await makeWorld(t.app, t.database.db);
});
afterAll(async () => t?.close());

describe('flow listing', () => {
  it('filters by zone, kind, category, resource code or prefix, hazard and scope', async () => {
    const tid = w.territory.id as string;
    const farZone = await makeZone(t.app, w.officer.token, tid, {
      name: 'Loin',
      geometry: square(6, 48),
    });
    const far = await makeCompany(t.app, w.officer.token, tid, {
      location: { type: 'Point', coordinates: [6, 48] },
    });
    await makeDiagnostic(t.app, w.officer.token, w.company.id, { validate: true });
    await makeDiagnostic(t.app, w.officer.token, far.id, {
      validate: true,
      flows: [
        { kind: 'output', resourceCode: 'ENE.HEAT.WASTE.MT', quantity: 800, unit: 'MWh' },
        { kind: 'waste', resourceCode: '150101', quantity: 30, unit: 't' },
      ],
    });
    await makeDiagnostic(t.app, w.officer.token, far.id, {
      flows: [{ kind: 'waste', resourceCode: '150102', quantity: 1, unit: 't' }],
    });

    const list = async (qs: string) =>
      (
        await call(t.app, w.officer.token, {
          method: 'GET',
          url: `/v1/territories/${tid}/flows?${qs}`,
        })
      ).body_.items as Json[];

    expect((await list('')).length).toBe(5);
    expect(
      (await list(`zoneId=${farZone.id as string}`)).map((f) => f.resourceCode).sort(),
    ).toEqual(['150101', 'ENE.HEAT.WASTE.MT']);
    expect((await list('kind=output')).map((f) => f.companyName)).toEqual([far.name]);
    expect((await list('category=waste')).length).toBe(3);
    expect((await list('resourceCode=15 01 01')).length).toBe(1);
    expect((await list('resourceCode=1501*')).length).toBe(2);
    expect((await list('resourceCode=ene.heat*')).length).toBe(1);
    expect((await list('hazardous=true')).map((f) => f.resourceCode)).toEqual(['140603']);
    expect((await list('scope=all')).length).toBe(6);
    const draft = (await list('scope=all')).find((f) => f.diagnosticStatus === 'draft');
    expect(draft?.resourceCode).toBe('150102');

    const page = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/territories/${tid}/flows?limit=2`,
    });
    expect(page.body_.items).toHaveLength(2);
    const rest = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/territories/${tid}/flows?limit=10&cursor=${page.body_.nextCursor as string}`,
    });
    expect(rest.body_.items).toHaveLength(3);
    expect(rest.body_.nextCursor).toBeNull();

    const bad = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/territories/${tid}/flows?kind=stock`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body_.errors[0].path).toBe('querystring.kind');

    // A company user only ever sees its own flows.
    const own = await call(t.app, w.companyUser.token, {
      method: 'GET',
      url: `/v1/territories/${tid}/flows?scope=all`,
    });
    expect(new Set(own.body_.items.map((f: Json) => f.companyId))).toEqual(new Set([w.company.id]));
  });
});

describe('resource catalogue and NAF', () => {
  const get = async (url: string) =>
    (await call(t.app, w.officer.token, { method: 'GET', url })).body_;

  it('finds EWC entries by label without accents, by official code, and by code prefix', async () => {
    const pallets = await get('/v1/resources?q=emballages%20bois&source=ewc');
    expect(pallets.items.map((r: Json) => r.code)).toContain('150103');
    const ash = await get('/v1/resources?q=cendres%20volantes%20charbon');
    expect(ash.items.map((r: Json) => r.code)).toContain('100102');
    const english = await get('/v1/resources?q=fly%20ash&selectable=true');
    expect(english.items.length).toBeGreaterThan(3);
    const prefix = await get('/v1/resources?codePrefix=15%2001&limit=200');
    expect(prefix.items.map((r: Json) => r.code)).toEqual([
      '1501',
      '150101',
      '150102',
      '150103',
      '150104',
      '150105',
      '150106',
      '150107',
      '150109',
      '150110',
      '150111',
    ]);
    const one = await get('/v1/resources/17%2006%2001*');
    expect(one).toMatchObject({
      code: '170601',
      codeDisplay: '17 06 01*',
      hazardous: true,
      category: 'waste',
      canonicalUnit: 't',
      selectable: true,
    });
    const hazardousCount = await get(
      '/v1/resources?source=ewc&hazardous=true&selectable=true&limit=200',
    );
    expect(hazardousCount.items).toHaveLength(200);
    expect(hazardousCount.nextCursor).toBeTruthy();
  });

  it('finds catalogue resources by synonyms and category, and refuses an unknown code', async () => {
    const elec = await get('/v1/resources?q=electricite&category=energy');
    expect(elec.items.map((r: Json) => r.code)).toContain('ENE.ELEC');
    const roots = await get('/v1/resources?source=catalogue&selectable=false');
    expect(roots.items.length).toBeGreaterThanOrEqual(8);
    const missing = await call(t.app, w.officer.token, {
      method: 'GET',
      url: '/v1/resources/NOPE.NOPE',
    });
    expect(missing.statusCode).toBe(404);
  });

  it('the whole EWC list and NAF rév. 2 are loaded', async () => {
    const db = t.database.db;
    const ewc = await db
      .selectFrom('resource')
      .select((e) => e.fn.countAll().as('n'))
      .where('source', '=', 'ewc')
      .where('level', '=', 'entry')
      .executeTakeFirstOrThrow();
    const hazardous = await db
      .selectFrom('resource')
      .select((e) => e.fn.countAll().as('n'))
      .where('source', '=', 'ewc')
      .where('hazardous', '=', true)
      .executeTakeFirstOrThrow();
    const naf = await db
      .selectFrom('naf')
      .select((e) => e.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect([Number(ewc.n), Number(hazardous.n), Number(naf.n)]).toEqual([842, 408, 732]);
    const bakery = await get('/v1/naf?q=boulangerie');
    expect(bakery.items.map((n: Json) => n.code)).toContain('10.71C');
    const byCode = await get('/v1/naf?q=1071');
    expect(byCode.items.map((n: Json) => n.code)).toEqual(['10.71A', '10.71B', '10.71C', '10.71D']);
  });
});
