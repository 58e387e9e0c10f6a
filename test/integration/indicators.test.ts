// Partner indicators and convention reports on the real services, against a
// hand-computed fixture: two zones, six companies with diagnostics validated on
// known dates of 2024, three synergies with their history, one working group.
//
//   zone Z1: A, B, C, D      zone Z2: E (ESS), F
//   diagnostics: A 2024-02-10 (100 MWh electricity, 2 t/month pallets = 24 t/yr)
//                B 2024-02-20 (300 MWh)   C 2024-05-05 (10 t pallets)
//                D 2024-05-06 (100 MWh)   E 2024-03-01 (50 MWh)   F 2024-08-01 (5000 MWh)
//   S1 substitution A→B: proposed 01-10, qualified 02-01, under study 03-01,
//      in progress 04-01, implemented 06-15 (estimated 24 t, 12 tCO2e, 5000 €;
//      realised 20 t, 10 tCO2e, 4000 €)
//   S2 mutualisation A, B, C, D: proposed 01-10, qualified 05-01
//   S3 substitution C→D: proposed 01-10, rejected 02-15
//   working group G (A, B, C): meetings 2024-03-10 (A, B attend) and 2024-09-10
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADEME_REGION,
  CCIMDB,
  DIJON_METROPOLE,
  SYNERGIES_BUDGET_TOTALS,
  demoConvention,
} from '../../infra/demo/demo-data.ts';
import { cellId, cubeGroups } from '../../shared/indicators/cube.ts';
import { disclosed, type SecretReason } from '../../shared/indicators/secrecy.ts';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { countRows } from '../helpers/db.ts';
import { waitFor } from '../helpers/wait.ts';
import {
  makeCompany,
  makeDiagnostic,
  makeTerritory,
  makeUser,
  makeZone,
  square,
  type TestUser,
} from '../helpers/factories.ts';

let t: TestContext;
let admin: TestUser;
let officer: TestUser;
let companyUser: TestUser;
let tid: string;
let z1: string;
let z2: string;
let otherTid: string;
let partnerKey: string;
let partnerKeyId: string;
const co: Record<string, string> = {};

const flow = (resourceCode: string, quantity: number, unit: string, period = 'year') => ({
  kind: resourceCode.startsWith('ENE') ? 'input' : 'waste',
  resourceCode,
  quantity,
  unit,
  period,
});

async function diagnosedOn(companyId: string, date: string, flows: Json[]) {
  const d = await makeDiagnostic(t.app, officer.token, companyId, { validate: true, flows });
  await sql`UPDATE diagnostic SET validated_at = ${`${date}T10:00:00+01:00`}::timestamptz
            WHERE id = ${d.id as string}`.execute(t.database.db);
}

async function synergy(
  type: 'substitution' | 'mutualisation',
  members: string[],
  events: [string, string][],
  gains: { estimated?: Json; realised?: Json } = {},
) {
  const db = t.database.db;
  const last = events[events.length - 1]![0];
  const s = await db
    .insertInto('synergy')
    .values({
      territory_id: tid,
      key: `fixture-${type}-${members.join('-')}`,
      type,
      resource_code: 'ENE.ELEC',
      status: last,
      score: 0.5,
      estimated_gains: gains.estimated ? JSON.stringify(gains.estimated) : null,
      realised_gains: gains.realised ? JSON.stringify(gains.realised) : null,
      created_at: new Date(`${events[0]![1]}T09:00:00+01:00`),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('synergy_participant')
    .values(
      members.map((m, i) => ({
        synergy_id: s.id,
        territory_id: tid,
        role: type === 'mutualisation' ? 'member' : i === 0 ? 'supplier' : 'receiver',
        company_id: co[m]!,
        position: i,
      })),
    )
    .execute();
  for (const [status, date] of events) {
    await db
      .insertInto('synergy_event')
      .values({
        synergy_id: s.id,
        territory_id: tid,
        to_status: status,
        actor_user_id: status === 'proposed' ? null : officer.id,
        at: new Date(`${date}T09:00:00+01:00`),
      })
      .execute();
  }
  return s.id;
}

beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.database.db, { role: 'admin' });
  tid = (await makeTerritory(t.app, admin.token)).id as string;
  otherTid = (await makeTerritory(t.app, admin.token)).id as string;
  officer = await makeUser(t.database.db, { role: 'officer', territoryIds: [tid] });
  z1 = (await makeZone(t.app, officer.token, tid, { name: 'Z1', geometry: square(5.03, 47.35) }))
    .id as string;
  z2 = (await makeZone(t.app, officer.token, tid, { name: 'Z2', geometry: square(5.1, 47.35) }))
    .id as string;
  const at = (lon: number) => ({ location: { type: 'Point', coordinates: [lon, 47.35] } });
  for (const n of ['A', 'B', 'C', 'D'])
    co[n] = (await makeCompany(t.app, officer.token, tid, { name: n, ...at(5.03) })).id as string;
  co.E = (await makeCompany(t.app, officer.token, tid, { name: 'E', isEss: true, ...at(5.1) }))
    .id as string;
  co.F = (await makeCompany(t.app, officer.token, tid, { name: 'F', ...at(5.1) })).id as string;
  companyUser = await makeUser(t.database.db, { role: 'company', companyId: co.A! });

  await diagnosedOn(co.A!, '2024-02-10', [
    flow('ENE.ELEC', 100, 'MWh'),
    flow('150103', 2, 't', 'month'),
  ]);
  await diagnosedOn(co.B!, '2024-02-20', [flow('ENE.ELEC', 300, 'MWh')]);
  await diagnosedOn(co.C!, '2024-05-05', [flow('150103', 10, 't')]);
  await diagnosedOn(co.D!, '2024-05-06', [flow('ENE.ELEC', 100, 'MWh')]);
  await diagnosedOn(co.E, '2024-03-01', [flow('ENE.ELEC', 50, 'MWh')]);
  await diagnosedOn(co.F, '2024-08-01', [flow('ENE.ELEC', 5000, 'MWh')]);

  await synergy(
    'substitution',
    ['A', 'B'],
    [
      ['proposed', '2024-01-10'],
      ['qualified', '2024-02-01'],
      ['under_study', '2024-03-01'],
      ['in_progress', '2024-04-01'],
      ['implemented', '2024-06-15'],
    ],
    {
      estimated: { tonnesDivertedPerYear: 24, tco2eAvoidedPerYear: 12, eurPerYear: 5000 },
      realised: { quantityPerYear: 20, unit: 't', tco2ePerYear: 10, eurPerYear: 4000 },
    },
  );
  await synergy(
    'mutualisation',
    ['A', 'B', 'C', 'D'],
    [
      ['proposed', '2024-01-10'],
      ['qualified', '2024-05-01'],
    ],
  );
  await synergy(
    'substitution',
    ['C', 'D'],
    [
      ['proposed', '2024-01-10'],
      ['rejected', '2024-02-15'],
    ],
  );

  const g = await t.database.db
    .insertInto('working_group')
    .values({ territory_id: tid, theme: 'pallets', name: 'Palettes' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.database.db
    .insertInto('working_group_member')
    .values(
      ['A', 'B', 'C'].map((n) => ({
        working_group_id: g.id,
        territory_id: tid,
        company_id: co[n]!,
      })),
    )
    .execute();
  await t.database.db
    .insertInto('working_group_meeting')
    .values([
      {
        working_group_id: g.id,
        territory_id: tid,
        held_on: '2024-03-10',
        attendee_company_ids: [co.A!, co.B!],
      },
      { working_group_id: g.id, territory_id: tid, held_on: '2024-09-10' },
    ])
    .execute();

  const key = await call(t.app, admin.token, {
    method: 'POST',
    url: '/v1/api-keys',
    payload: { name: 'Observatoire régional', territoryIds: [tid] },
  });
  expect(key.statusCode).toBe(201);
  partnerKey = key.body_.key as string;
  partnerKeyId = key.body_.id as string;
});
afterAll(async () => t?.close());

async function indicators(token: string, query: string) {
  const res = await call(t.app, token, { method: 'GET', url: `/v1/indicators?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.body_;
}

/** indicator|dimension → value (the first period). */
function valuesOf(body: Json, i = 0): Map<string, Json> {
  return new Map(
    (body.periods[i].values as Json[]).map((v) => [`${v.indicator}|${v.dimension}`, v]),
  );
}

describe('indicator values against the hand-computed fixture', () => {
  it('territory, year 2024 (officer: every figure)', async () => {
    const v = valuesOf(await indicators(officer.token, `territoryId=${tid}&period=2024`));
    const val = (k: string) => v.get(k)!.value;
    expect(val('companies_engaged|')).toBe(6);
    expect(val('ess_engaged|')).toBe(1);
    expect(val('diagnostics_conducted|')).toBe(6);
    expect(val('flows_count|')).toBe(7);
    expect(val('flows_count|energy')).toBe(5);
    expect(val('flows_count|waste')).toBe(2);
    expect(val('flows_tonnes|waste')).toBe(34);
    expect(val('flows_tonnes|')).toBe(34);
    expect(val('flows_mwh|energy')).toBe(5550);
    expect(val('synergies|*:*')).toBe(3);
    expect(val('synergies|substitution:*')).toBe(2);
    expect(val('synergies|substitution:implemented')).toBe(1);
    expect(val('synergies|substitution:rejected')).toBe(1);
    expect(val('synergies|mutualisation:qualified')).toBe(1);
    expect(val('synergies|*:proposed')).toBe(0);
    expect(val('synergies_reached|substitution:proposed')).toBe(2);
    expect(val('synergies_reached|substitution:qualified')).toBe(1);
    expect(val('synergies_reached|*:qualified')).toBe(2);
    expect(val('synergies_conversion|substitution:qualified')).toBe(0.5);
    expect(val('synergies_conversion|*:implemented')).toBe(1);
    expect(val('synergies_implemented_in_period|')).toBe(1);
    expect(val('gains_estimated_tonnes|')).toBe(24);
    expect(val('gains_realised_tonnes|')).toBe(20);
    expect(val('gains_estimated_tco2e|')).toBe(12);
    expect(val('gains_realised_tco2e|')).toBe(10);
    expect(val('gains_estimated_eur|')).toBe(5000);
    expect(val('gains_realised_eur|')).toBe(4000);
    expect(val('working_groups_active|')).toBe(1);
    expect(val('working_group_members|')).toBe(3);
    expect(val('working_group_meetings|')).toBe(2);
    expect(v.get('flows_mwh|energy')).toMatchObject({
      companies: 5,
      secretForPartners: 'dominance',
    });
    expect(v.get('flows_mwh|energy')!.topShare).toBeCloseTo(5000 / 5550, 6);
  });

  it('zones, year 2024', async () => {
    const a = valuesOf(
      await indicators(officer.token, `territoryId=${tid}&zoneId=${z1}&period=2024`),
    );
    expect(a.get('companies_engaged|')!.value).toBe(4);
    expect(a.get('diagnostics_conducted|')!.value).toBe(4);
    expect(a.get('flows_mwh|energy')!.value).toBe(500);
    expect(a.get('flows_tonnes|waste')!.value).toBe(34);
    expect(a.get('synergies|*:*')!.value).toBe(3);
    expect(a.get('gains_estimated_tonnes|')!.value).toBe(24);
    expect(a.get('working_group_members|')!.value).toBe(3);
    const b = valuesOf(
      await indicators(officer.token, `territoryId=${tid}&zoneId=${z2}&period=2024`),
    );
    expect(b.get('companies_engaged|')).toMatchObject({
      value: 2,
      secretForPartners: 'fewer_than_3',
    });
    expect(b.get('ess_engaged|')!.value).toBe(1);
    expect(b.get('flows_mwh|energy')!.value).toBe(5050);
    expect(b.get('synergies|*:*')!.value).toBe(0);
    expect(b.get('working_groups_active|')!.value).toBe(0);
  });

  it('quarters and months: synergy statuses at the end of the period, events within it', async () => {
    const q1 = valuesOf(await indicators(officer.token, `territoryId=${tid}&period=2024-Q1`));
    expect(q1.get('diagnostics_conducted|')!.value).toBe(3);
    expect(q1.get('synergies|substitution:under_study')!.value).toBe(1);
    expect(q1.get('synergies|mutualisation:proposed')!.value).toBe(1);
    expect(q1.get('synergies|substitution:rejected')!.value).toBe(1);
    expect(q1.get('synergies_implemented_in_period|')!.value).toBe(0);
    expect(q1.get('working_group_meetings|')!.value).toBe(1);
    expect(q1.get('gains_estimated_tonnes|')!.value).toBe(0);
    const june = valuesOf(await indicators(officer.token, `territoryId=${tid}&period=2024-06`));
    expect(june.get('synergies_implemented_in_period|')!.value).toBe(1);
    expect(june.get('diagnostics_conducted|')!.value).toBe(0);
    const series = await indicators(
      officer.token,
      `territoryId=${tid}&period=2024&interval=quarter`,
    );
    expect(series.periods.map((p: Json) => [p.start, p.end])).toEqual([
      ['2024-01-01', '2024-03-31'],
      ['2024-04-01', '2024-06-30'],
      ['2024-07-01', '2024-09-30'],
      ['2024-10-01', '2024-12-31'],
    ]);
    expect(
      series.periods.map(
        (_p: Json, i: number) => valuesOf(series, i).get('diagnostics_conducted|')!.value,
      ),
    ).toEqual([3, 2, 1, 0]);
    const range = await indicators(
      officer.token,
      `territoryId=${tid}&from=2024-01&to=2024-06&interval=quarter`,
    );
    expect(range.periods).toHaveLength(2);
  });

  it('follows the data: a new meeting shows on the next request', async () => {
    const before = valuesOf(await indicators(officer.token, `territoryId=${tid}&period=2024-11`));
    expect(before.get('working_group_meetings|')!.value).toBe(0);
    const g = await t.database.db
      .selectFrom('working_group')
      .select('id')
      .where('territory_id', '=', tid)
      .executeTakeFirstOrThrow();
    const res = await call(t.app, officer.token, {
      method: 'POST',
      url: `/v1/working-groups/${g.id}/meetings`,
      payload: { heldOn: '2024-11-05', attendeeCompanyIds: [co.C!] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const after = valuesOf(await indicators(officer.token, `territoryId=${tid}&period=2024-11`));
    expect(after.get('working_group_meetings|')!.value).toBe(1);
    await t.database.db
      .deleteFrom('working_group_meeting')
      .where('held_on', '=', '2024-11-05')
      .execute();
  });
});

describe('statistical secrecy', () => {
  it('withholds small and dominated cells from a partner, shows them to the officer', async () => {
    const p = valuesOf(await indicators(partnerKey, `territoryId=${tid}&period=2024`));
    expect(p.get('diagnostics_conducted|')).toMatchObject({ value: 6, secret: false });
    expect(p.get('companies_engaged|')).toMatchObject({ value: 6, secret: false });
    // One company makes 90 % of the energy.
    expect(p.get('flows_mwh|energy')).toEqual({
      indicator: 'flows_mwh',
      dimension: 'energy',
      value: null,
      unit: 'MWh/an',
      secret: true,
      reason: 'dominance',
    });
    // Two companies only.
    expect(p.get('flows_tonnes|waste')).toMatchObject({
      value: null,
      secret: true,
      reason: 'fewer_than_3',
    });
    expect(p.get('synergies|substitution:implemented')).toMatchObject({
      value: null,
      reason: 'fewer_than_3',
    });
    expect(p.get('gains_estimated_tonnes|')).toMatchObject({ value: null, secret: true });
    expect(p.get('synergies_conversion|substitution:qualified')).toMatchObject({
      value: null,
      secret: true,
    });
    // A partner never sees how many companies make a cell.
    expect(p.get('diagnostics_conducted|')!.companies).toBeUndefined();

    const zone2 = valuesOf(
      await indicators(partnerKey, `territoryId=${tid}&zoneId=${z2}&period=2024`),
    );
    expect(zone2.get('companies_engaged|')).toMatchObject({
      value: null,
      secret: true,
      reason: 'fewer_than_3',
    });
    // Z1 alone would give Z2 = territory − Z1: Z1 is withheld too.
    const zone1 = valuesOf(
      await indicators(partnerKey, `territoryId=${tid}&zoneId=${z1}&period=2024`),
    );
    expect(zone1.get('companies_engaged|')).toMatchObject({
      value: null,
      secret: true,
      reason: 'secondary',
    });
    // Flow categories: waste is withheld, so energy is too (the total is published).
    expect(p.get('flows_count|')).toMatchObject({ value: 7, secret: false });
    expect(p.get('flows_count|waste')).toMatchObject({ secret: true, reason: 'fewer_than_3' });
    expect(p.get('flows_count|energy')).toMatchObject({ secret: true, reason: 'secondary' });
  });

  it('no published total lets a partner recompute a withheld cell (zones, categories, margins, months)', async () => {
    const secret = new Map<string, SecretReason>();
    const ids = new Set<string>();
    for (const [scope, zq] of [
      ['territory', ''],
      [z1, `&zoneId=${z1}`],
      [z2, `&zoneId=${z2}`],
    ] as const) {
      for (const interval of ['year', 'quarter', 'month']) {
        const body = await indicators(
          partnerKey,
          `territoryId=${tid}${zq}&period=2024&interval=${interval}`,
        );
        for (const period of body.periods as Json[]) {
          for (const v of period.values as Json[]) {
            if (v.indicator === 'synergies_conversion') continue;
            const id = cellId({
              kind: period.kind,
              start: period.start,
              scope,
              metric: v.indicator,
              dim: v.dimension,
            });
            ids.add(id);
            if (v.secret) secret.set(id, v.reason as SecretReason);
          }
        }
      }
    }
    expect(secret.size).toBeGreaterThan(20);
    expect(disclosed(cubeGroups(2024, ['territory', z1, z2, 'none']), ids, secret)).toEqual([]);
  });
});

describe('partner access', () => {
  it('a key of territory A cannot read territory B; company users are refused; a revoked key is refused', async () => {
    const cross = await call(t.app, partnerKey, {
      method: 'GET',
      url: `/v1/indicators?territoryId=${otherTid}`,
    });
    expect(cross.statusCode).toBe(404);
    expect(cross.headers['content-type']).toMatch(/problem\+json/);
    const foreignZone = await makeZone(t.app, admin.token, otherTid, { geometry: square(3, 45) });
    const zoneCross = await call(t.app, partnerKey, {
      method: 'GET',
      url: `/v1/indicators?territoryId=${tid}&zoneId=${foreignZone.id as string}`,
    });
    expect(zoneCross.statusCode).toBe(404);
    const company = await call(t.app, companyUser.token, {
      method: 'GET',
      url: `/v1/indicators?territoryId=${tid}`,
    });
    expect(company.statusCode).toBe(403);
    const viaHeader = await call(t.app, null, {
      method: 'GET',
      url: `/v1/indicators?territoryId=${tid}&period=2024`,
      headers: { 'x-api-key': partnerKey },
    });
    expect(viaHeader.statusCode).toBe(200);
    const listed = await call(t.app, admin.token, { method: 'GET', url: '/v1/api-keys' });
    const mine = (listed.body_.items as Json[]).find((k) => k.id === partnerKeyId)!;
    expect(mine.lastUsedAt).not.toBeNull();
    expect(mine.key).toBeUndefined();

    const k2 = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: 'Clé révoquée', territoryIds: [tid] },
    });
    expect(
      (await call(t.app, k2.body_.key, { method: 'GET', url: `/v1/indicators?territoryId=${tid}` }))
        .statusCode,
    ).toBe(200);
    expect(
      (await call(t.app, admin.token, { method: 'DELETE', url: `/v1/api-keys/${k2.body_.id}` }))
        .statusCode,
    ).toBe(200);
    const revoked = await call(t.app, k2.body_.key, {
      method: 'GET',
      url: `/v1/indicators?territoryId=${tid}`,
    });
    expect(revoked.statusCode).toBe(401);
  });

  it('answers 429 with Retry-After past the rate limit, per key', async () => {
    const limited = await startTestApp({
      PARTNER_RATE_LIMIT_MAX: '3',
      PARTNER_RATE_LIMIT_WINDOW_SECONDS: '600',
    });
    try {
      const a = await makeUser(limited.database.db, { role: 'admin' });
      const terr = (await makeTerritory(limited.app, a.token)).id as string;
      const mk = async () =>
        (
          await call(limited.app, a.token, {
            method: 'POST',
            url: '/v1/api-keys',
            payload: { name: 'k', territoryIds: [terr] },
          })
        ).body_.key as string;
      const k1 = await mk();
      const k2 = await mk();
      const get = (k: string) =>
        call(limited.app, k, { method: 'GET', url: `/v1/indicators?territoryId=${terr}` });
      for (let i = 0; i < 3; i++) expect((await get(k1)).statusCode).toBe(200);
      const over = await get(k1);
      expect(over.statusCode).toBe(429);
      expect(over.headers['content-type']).toMatch(/problem\+json/);
      expect(over.body_.code).toBe('rate_limited');
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      // Another key has its own budget.
      expect((await get(k2)).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('slow territories', () => {
  it('are rebuilt in the background: answers say stale and come from the previous build meanwhile', async () => {
    const app = await startTestApp({ INDICATORS_SYNC_BUILD_MS: '0' });
    try {
      const a = await makeUser(app.database.db, { role: 'admin' });
      const terr = (await makeTerritory(app.app, a.token)).id as string;
      const c1 = await makeCompany(app.app, a.token, terr);
      const c2 = await makeCompany(app.app, a.token, terr);
      await makeDiagnostic(app.app, a.token, c1.id as string, { validate: true });
      const url = `/v1/indicators?territoryId=${terr}&period=${new Date().getUTCFullYear()}`;
      const diagnostics = (b: Json) =>
        (b.periods[0].values as Json[]).find((v) => v.indicator === 'diagnostics_conducted')!
          .value as number;
      // The first build is always waited for.
      const first = await call(app.app, a.token, { method: 'GET', url });
      expect(first.body_.stale).toBe(false);
      expect(diagnostics(first.body_)).toBe(1);
      await makeDiagnostic(app.app, a.token, c2.id as string, { validate: true });
      const meanwhile = await call(app.app, a.token, { method: 'GET', url });
      expect(meanwhile.body_.stale).toBe(true);
      expect(diagnostics(meanwhile.body_)).toBe(1);
      const fresh = await waitFor(async () => {
        const r = await call(app.app, a.token, { method: 'GET', url });
        return r.body_.stale === false ? r : null;
      });
      expect(diagnostics(fresh.body_)).toBe(2);
    } finally {
      await app.close();
    }
  });
});

describe('formats and caching', () => {
  it('CSV parses back into the same numbers (points, and French decimal commas)', async () => {
    const json = await indicators(officer.token, `territoryId=${tid}&period=2024&interval=quarter`);
    const expected = new Map<string, number | null>();
    for (const p of json.periods as Json[])
      for (const v of p.values as Json[])
        expected.set(`${p.start}|${v.indicator}|${v.dimension}`, v.value);
    for (const [q, delimiter, toNum] of [
      ['', ',', (s: string) => Number(s)],
      ['&decimal=comma', ';', (s: string) => Number(s.replace(',', '.'))],
    ] as const) {
      const res = await call(t.app, officer.token, {
        method: 'GET',
        url: `/v1/indicators?territoryId=${tid}&period=2024&interval=quarter&format=csv${q}`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const rows = parse<Record<string, string>>(res.body, { columns: true, delimiter, bom: true });
      expect(rows).toHaveLength(expected.size);
      for (const r of rows)
        expect(
          r.valeur === '' ? null : toNum(r.valeur!),
          `${r.debut} ${r.indicateur} ${r.dimension}`,
        ).toBe(expected.get(`${r.debut}|${r.indicateur}|${r.dimension}`));
    }
    const accept = await call(t.app, partnerKey, {
      method: 'GET',
      url: `/v1/indicators?territoryId=${tid}&period=2024`,
      headers: { accept: 'text/csv' },
    });
    const rows = parse<Record<string, string>>(accept.body, { columns: true });
    const dominated = rows.find((r) => r.indicateur === 'flows_mwh' && r.dimension === 'energy')!;
    expect(dominated).toMatchObject({ valeur: '', secret: 'oui', motif: 'dominance' });
  });

  it('sends ETag and Cache-Control, and 304 when unchanged', async () => {
    const url = `/v1/indicators?territoryId=${tid}&period=2024`;
    const first = await call(t.app, partnerKey, { method: 'GET', url });
    expect(first.headers['cache-control']).toMatch(/private, max-age=\d+/);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await call(t.app, partnerKey, {
      method: 'GET',
      url,
      headers: { 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('refuses bad periods with 400 problem+json', async () => {
    for (const q of [
      'period=2024-13',
      'period=2024&from=2024-01&to=2024-02',
      'from=2024-01',
      'from=2024-05&to=2024-01',
      'period=2024-Q1&interval=year',
      'from=2024-02&to=2024-04&interval=quarter',
    ]) {
      const res = await call(t.app, officer.token, {
        method: 'GET',
        url: `/v1/indicators?territoryId=${tid}&${q}`,
      });
      expect(res.statusCode, q).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
  });

  it('publishes the catalogue with definitions, units and sources', async () => {
    const res = await call(t.app, partnerKey, { method: 'GET', url: '/v1/indicators/definitions' });
    expect(res.statusCode).toBe(200);
    expect(res.body_.secrecy).toMatchObject({ minCompanies: 3, maxShare: 0.85 });
    const flows = (res.body_.items as Json[]).find((d) => d.key === 'flows_mwh');
    expect(flows).toMatchObject({ unit: 'MWh/an', additiveOverZones: true });
    expect(flows!.sourceFr).toBeTruthy();
  });
});

describe('conventions and reports', () => {
  let conventionId: string;

  it('creates the SYNERGIES convention; report totals equal the budget lines', async () => {
    const res = await call(t.app, officer.token, {
      method: 'POST',
      url: `/v1/territories/${tid}/conventions`,
      payload: {
        ...demoConvention,
        actions: [
          {
            ...demoConvention.actions[0]!,
            objectives: [
              ...demoConvention.actions[0]!.objectives,
              {
                label: 'Diagnostics en zone Z2',
                metric: 'diagnostics_conducted',
                target: 10,
                zoneId: z2,
              },
              {
                label: 'Réunions',
                metric: 'working_group_meetings',
                target: 12,
                startsOn: '2024-01-01',
              },
            ],
          },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    conventionId = res.body_.id as string;

    const annual = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/conventions/${conventionId}/report?type=annual&year=2021`,
    });
    expect(annual.statusCode, annual.body).toBe(200);
    const r = annual.body_;
    expect(r.periodStart).toBe('2021-04-01');
    expect(r.periodEnd).toBe('2021-12-31');
    for (const year of [2021, 2022] as const) {
      const y = (r.budget.years as Json[]).find((x) => x.year === year)!;
      const totals = SYNERGIES_BUDGET_TOTALS[year];
      expect(y.plannedEur).toBe(totals.planned);
      const share = (f: string) => (y.funders as Json[]).find((x) => x.funder === f)!.amountEur;
      expect(share(ADEME_REGION)).toBe(totals[ADEME_REGION]);
      expect(share(DIJON_METROPOLE)).toBe(totals[DIJON_METROPOLE]);
      expect(share(CCIMDB)).toBe(totals[CCIMDB]);
      expect(y.unfundedEur).toBe(0);
      // The year's total is the sum of its lines.
      expect((y.lines as Json[]).reduce((s, l) => s + (l.amountEur as number), 0)).toBe(
        totals.planned,
      );
    }
    const y2023 = (r.budget.years as Json[]).find((x) => x.year === 2023)!;
    expect(y2023).toMatchObject({ plannedEur: 84700, fundedEur: 0, unfundedEur: 84700 });
    expect(r.budget.plannedEur).toBe(55925 + 69950 + 84700);
    expect(r.budget.fundedEur).toBe(55925 + 69950);
    expect(r.budget.reportYear.year).toBe(2021);
    // No diagnostic in 2021.
    expect(r.objectives.find((o: Json) => o.metric === 'diagnostics_conducted').actual).toBe(0);
  });

  it('objectives’ actual values equal the data (intermediate report up to March 2024)', async () => {
    const res = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/conventions/${conventionId}/report?type=intermediate&asOf=2024-12-31`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const o = new Map((res.body_.objectives as Json[]).map((x) => [x.label, x]));
    // Convention ends on 2024-03-31: A, B (February) and E (March) are in; C, D, F are not.
    expect(o.get('Diagnostics flux réalisés')).toMatchObject({
      actual: 3,
      target: 80,
      progress: 0.038,
      measuredUntil: '2024-03-31',
    });
    expect(o.get('Diagnostics dans les 3 zones d’activités')!.actual).toBe(2);
    expect(o.get('3 groupes de travail animés')!.actual).toBe(1);
    expect(o.get('Synergies mises en œuvre')!.actual).toBe(0);
    expect(o.get('Structure juridique créée (association d’entreprises)')).toMatchObject({
      actual: 0,
      source: 'manual',
    });
    expect(o.get('Diagnostics en zone Z2')!.actual).toBe(1);
    expect(o.get('Réunions')!.actual).toBe(1);
    const key = new Map((res.body_.keyIndicators as Json[]).map((k) => [k.metric, k.value]));
    expect(key.get('diagnostics_conducted')).toBe(3);
    expect(key.get('companies_engaged')).toBe(5); // A, B, E diagnosed; C, D via S3 rejected on 2024-02-15
  });

  it('CSV and printable HTML of the report', async () => {
    const csv = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/conventions/${conventionId}/report?year=2022&format=csv&decimal=comma`,
    });
    expect(csv.statusCode).toBe(200);
    const rows = parse<Record<string, string>>(csv.body, {
      columns: true,
      delimiter: ';',
      bom: true,
    });
    const total2022 = rows.find((r) => r.section === 'budget_total_annee' && r.annee === '2022')!;
    expect(Number(total2022.montant_eur)).toBe(69950);
    const lines2022 = rows.filter((r) => r.section === 'budget_ligne' && r.annee === '2022');
    expect(lines2022.reduce((s, r) => s + Number(r.montant_eur!.replace(',', '.')), 0)).toBe(69950);

    const html = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/conventions/${conventionId}/report?year=2022`,
      headers: { accept: 'text/html' },
    });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('Bilan annuel');
    expect(html.body).toContain('<html lang="fr">');
    expect(html.body).not.toContain('<script');
  });

  it('escapes user text in the HTML report', async () => {
    const res = await call(t.app, officer.token, {
      method: 'POST',
      url: `/v1/territories/${tid}/conventions`,
      payload: {
        title: '<script>alert(1)</script>',
        startsOn: '2024-01-01',
        endsOn: '2024-12-31',
        partners: ['A & B'],
      },
    });
    expect(res.statusCode).toBe(201);
    const html = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/conventions/${res.body_.id as string}/report?format=html&year=2024`,
    });
    expect(html.body).not.toContain('<script>alert');
    expect(html.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.body).toContain('A &amp; B');
  });

  it('refuses incoherent conventions with 422 and writes nothing; partners and company users are refused', async () => {
    const before = await Promise.all(
      [
        'convention',
        'convention_action',
        'convention_objective',
        'convention_budget_line',
        'convention_funding',
      ].map((tb) => countRows(t.database.db, tb as 'convention')),
    );
    const bad = [
      { title: 'X', startsOn: '2024-12-31', endsOn: '2024-01-01' },
      {
        title: 'X',
        startsOn: '2024-01-01',
        endsOn: '2024-12-31',
        actions: [
          {
            title: 'a',
            budget: [
              {
                year: 2024,
                label: 'l',
                amountEur: 100,
                funding: [{ funder: 'F', amountEur: 150 }],
              },
            ],
          },
        ],
      },
      {
        title: 'X',
        startsOn: '2024-01-01',
        endsOn: '2024-12-31',
        actions: [
          {
            title: 'a',
            objectives: [
              {
                label: 'o',
                metric: 'diagnostics_conducted',
                target: 1,
                zoneId: (
                  await makeZone(t.app, admin.token, otherTid, { geometry: square(3.2, 45) })
                ).id,
              },
            ],
          },
        ],
      },
    ];
    for (const payload of bad) {
      const res = await call(t.app, officer.token, {
        method: 'POST',
        url: `/v1/territories/${tid}/conventions`,
        payload,
      });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    const schema = await call(t.app, officer.token, {
      method: 'POST',
      url: `/v1/territories/${tid}/conventions`,
      payload: {
        title: 'X',
        startsOn: '2024-01-01',
        endsOn: '2024-12-31',
        actions: [{ title: 'a', objectives: [{ label: 'o', metric: 'nope', target: 1 }] }],
      },
    });
    expect(schema.statusCode).toBe(400);
    const after = await Promise.all(
      [
        'convention',
        'convention_action',
        'convention_objective',
        'convention_budget_line',
        'convention_funding',
      ].map((tb) => countRows(t.database.db, tb as 'convention')),
    );
    expect(after).toEqual(before);
    expect(
      (
        await call(t.app, partnerKey, {
          method: 'GET',
          url: `/v1/conventions/${conventionId}/report`,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await call(t.app, companyUser.token, {
          method: 'GET',
          url: `/v1/conventions/${conventionId}`,
        })
      ).statusCode,
    ).toBe(403);
  });

  it('replaces and deletes a convention, with audit entries', async () => {
    const got = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/conventions/${conventionId}`,
    });
    const put = await call(t.app, officer.token, {
      method: 'PUT',
      url: `/v1/conventions/${conventionId}`,
      payload: { ...demoConvention, title: 'SYNERGIES (avenant)', actions: [] },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.body_.actions).toEqual([]);
    expect(got.body_.actions).toHaveLength(1);
    const del = await call(t.app, officer.token, {
      method: 'DELETE',
      url: `/v1/conventions/${conventionId}`,
    });
    expect(del.statusCode).toBe(204);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'convention')
      .where('entity_id', '=', conventionId)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
  });
});
