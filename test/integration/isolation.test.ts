// Tenant isolation and authorisation matrix: every /v1 route × every kind of caller.
//
// Two territories A and B, each with an officer, a zone, two companies, a company user on
// the first company and a validated diagnostic per company; an administrator; a partner key
// scoped to A. Each column of the matrix is a caller aimed at some target data:
//
//   none       no token, A's data               offA       officer of A, A's data
//   admin      administrator, A's data          offB       officer of B, A's data (other tenant)
//   coOwn      user of company A1, A1's data    coOther    user of A1, A2's data (same territory)
//   coCross    user of A1, B's data             partA      partner key of A, A's data
//   partCross  partner key of A, B's data
//
// A refused request must answer problem+json with the right status and code, and must not
// have written anything (a piece of state is read before and after). An accepted write must
// have changed that state. The last test fails when a /v1 operation has no row here.
import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertToken } from '../../services/api/src/auth/auth.repo.ts';
import { newSecret, sha256 } from '../../services/api/src/auth/secrets.ts';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import {
  TEST_PASSWORD,
  makeCompany,
  makeDiagnostic,
  makeSiret,
  makeTerritory,
  makeUser,
  makeZone,
  sampleFlows,
  square,
  type TestUser,
} from '../helpers/factories.ts';

const COLUMNS = [
  'none',
  'admin',
  'offA',
  'offB',
  'coOwn',
  'coOther',
  'coCross',
  'partA',
  'partCross',
] as const;
type Col = (typeof COLUMNS)[number];
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Side {
  territoryId: string;
  officer: TestUser;
  zoneId: string;
  companies: [Json, Json];
  diagnosticIds: [string, string];
  companyUser: TestUser;
}

interface World {
  admin: TestUser;
  A: Side;
  B: Side;
  partnerKey: string;
  partnerKeyId: string;
  loginUser: TestUser;
}

interface Target {
  territoryId: string;
  companyId: string;
  companySiret: string;
  zoneId: string;
  diagnosticId: string;
}

interface Cell {
  col: Col;
  token: string | null;
  /** The user behind the token (null: no token or a partner key). */
  userId: string | null;
  target: Target;
}

interface Req {
  params?: Record<string, string>;
  query?: string;
  payload?: Json;
  headers?: Record<string, string>;
  /** Replaces the column's token for this request. */
  token?: string | null;
  /** Anything the request set up, for `state` and `ok`. */
  data?: Json;
}

interface Case {
  op: string;
  method: Method;
  path: string;
  expect: Record<Col, number>;
  request: (c: Cell) => Req | Promise<Req>;
  /** State read before and after: unchanged when refused, changed when accepted. */
  state?: (c: Cell, r: Req) => Promise<unknown>;
  /** Whether an accepted request changes `state` (default: yes). */
  changes?: (c: Cell) => boolean;
  /** Extra checks on an accepted answer. */
  ok?: (res: LightMyRequestResponse & { body_: Json }, c: Cell, r: Req) => void | Promise<void>;
}

const CODE_OF: Record<number, string> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
};

let t: TestContext;
let w: World;
let seq = 0;
const uniq = () => `${++seq}-${Date.now().toString(36)}`;

async function count(table: string, column: string, value: string | null): Promise<number> {
  const where = value === null ? sql`true` : sql`${sql.ref(column)} = ${value}`;
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from ${sql.table(table)} where ${where}`.execute(t.database.db);
  return r.rows[0]!.n;
}

async function field(table: string, id: string, column: string): Promise<unknown> {
  const r = await sql<{
    v: unknown;
  }>`select ${sql.ref(column)} as v from ${sql.table(table)} where id = ${id}`.execute(
    t.database.db,
  );
  return r.rows[0]?.v ?? null;
}

async function freshToken(userId: string): Promise<string> {
  const token = newSecret('sbt');
  await insertToken(t.database.db, userId, sha256(token), new Date(Date.now() + 3600_000));
  return token;
}

const runs = new Map<string, Promise<string>>();
/** A match run of the territory, requested once by its administrator. */
function runIn(territoryId: string): Promise<string> {
  if (!runs.has(territoryId)) {
    runs.set(
      territoryId,
      (async () => {
        const res = await call(t.app, w.admin.token, {
          method: 'POST',
          url: `/v1/territories/${territoryId}/match-runs`,
          payload: {},
        });
        expect(res.statusCode).toBe(202);
        return res.body_.id as string;
      })(),
    );
  }
  return runs.get(territoryId)!;
}

const synergies = new Map<string, Promise<string>>();
/** A synergy of the territory involving the company, written as a run would write it. */
function synergyIn(territoryId: string, companyId: string): Promise<string> {
  if (!synergies.has(companyId)) {
    synergies.set(
      companyId,
      (async () => {
        const s = await t.database.db
          .insertInto('synergy')
          .values({
            territory_id: territoryId,
            key: `isolation-${uniq()}`,
            type: 'mutualisation',
            resource_code: 'ENE.ELEC',
            score: 0.5,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await t.database.db
          .insertInto('synergy_participant')
          .values({
            synergy_id: s.id,
            territory_id: territoryId,
            role: 'member',
            company_id: companyId,
            position: 0,
          })
          .execute();
        return s.id;
      })(),
    );
  }
  return synergies.get(companyId)!;
}

/** A rule body no shipped rule has (supply: one code and one prefix), unique per call. */
let ruleSeq = 0;
function ruleBody(id: string): Json {
  ruleSeq++;
  return {
    id,
    family: 'recyclables',
    labelFr: 'Règle de test d’isolation',
    supply: { codes: ['191201'], prefixes: ['1912'] },
    demand: { codes: ['MAT.PAPER.RECOV'] },
    confidence: 0.5,
    maxDistanceKm: 10 + ruleSeq,
    gain: { model: 'avoided_virgin_material' },
    sources: [{ kind: 'guide', title: 'Source de test', year: 2020 }],
    notes: `test ${ruleSeq}`,
  };
}

let adminRuleId: Promise<string> | undefined;
/** One administrator-made rule shared by the read and tune cases. */
function adminRule(): Promise<string> {
  adminRuleId ??= (async () => {
    const id = `isolation-shared-${uniq()}`;
    const res = await call(t.app, w.admin.token, {
      method: 'POST',
      url: '/v1/rules',
      payload: { ...ruleBody(id), supply: { codes: ['191201'], prefixes: ['1912', '1911'] } },
    });
    expect(res.statusCode).toBe(201);
    return id;
  })();
  return adminRuleId;
}

/** The company's current validated diagnostic (earlier cases validate new versions). */
async function currentDiagnostic(companyId: string): Promise<string> {
  const d = await t.database.db
    .selectFrom('diagnostic')
    .select('id')
    .where('company_id', '=', companyId)
    .where('status', '=', 'validated')
    .executeTakeFirstOrThrow();
  return d.id;
}

/** A pending correction of the company, written as a company user's proposal would be. */
async function pendingCorrection(target: Target): Promise<{ id: string; companyId: string }> {
  const r = await t.database.db
    .insertInto('diagnostic_correction')
    .values({
      territory_id: target.territoryId,
      company_id: target.companyId,
      diagnostic_id: await currentDiagnostic(target.companyId),
      edits: JSON.stringify([
        {
          op: 'add',
          flow: {
            kind: 'input',
            resourceCode: 'ENE.ELEC',
            quantity: 10,
            unit: 'MWh',
            period: 'year',
            quality: {},
            confidentiality: 'territory',
          },
        },
      ]),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: r.id, companyId: target.companyId };
}

async function freshDraft(companyId: string): Promise<string> {
  const d = await makeDiagnostic(t.app, w.admin.token, companyId);
  return d.id as string;
}

async function makeSide(admin: TestUser, lon: number): Promise<Side> {
  const territory = await makeTerritory(t.app, admin.token);
  const territoryId = territory.id as string;
  const officer = await makeUser(t.database.db, { role: 'officer', territoryIds: [territoryId] });
  const zone = await makeZone(t.app, officer.token, territoryId, {
    geometry: square(lon, 47.35),
  });
  const location = { type: 'Point', coordinates: [lon, 47.35] };
  const c1 = await makeCompany(t.app, officer.token, territoryId, { location });
  const c2 = await makeCompany(t.app, officer.token, territoryId, { location });
  const d1 = await makeDiagnostic(t.app, officer.token, c1.id as string, { validate: true });
  const d2 = await makeDiagnostic(t.app, officer.token, c2.id as string, { validate: true });
  const companyUser = await makeUser(t.database.db, {
    role: 'company',
    companyId: c1.id as string,
  });
  return {
    territoryId,
    officer,
    zoneId: zone.id as string,
    companies: [c1, c2],
    diagnosticIds: [d1.id as string, d2.id as string],
    companyUser,
  };
}

function targetOf(side: Side, i: 0 | 1): Target {
  return {
    territoryId: side.territoryId,
    companyId: side.companies[i].id as string,
    companySiret: side.companies[i].siret as string,
    zoneId: side.zoneId,
    diagnosticId: side.diagnosticIds[i],
  };
}

function cellOf(col: Col): Cell {
  const A1 = targetOf(w.A, 0);
  const partner = { token: w.partnerKey, userId: null };
  const coUser = { token: w.A.companyUser.token, userId: w.A.companyUser.id };
  const user = (u: TestUser) => ({ token: u.token, userId: u.id });
  switch (col) {
    case 'none':
      return { col, token: null, userId: null, target: A1 };
    case 'admin':
      return { col, ...user(w.admin), target: A1 };
    case 'offA':
      return { col, ...user(w.A.officer), target: A1 };
    case 'offB':
      return { col, ...user(w.B.officer), target: A1 };
    case 'coOwn':
      return { col, ...coUser, target: A1 };
    case 'coOther':
      return { col, ...coUser, target: targetOf(w.A, 1) };
    case 'coCross':
      return { col, ...coUser, target: targetOf(w.B, 0) };
    case 'partA':
      return { col, ...partner, target: A1 };
    case 'partCross':
      return { col, ...partner, target: targetOf(w.B, 0) };
  }
}

/** Expected status by column, in the order of COLUMNS. */
function row(...s: [number, number, number, number, number, number, number, number, number]) {
  return Object.fromEntries(COLUMNS.map((c, i) => [c, s[i]])) as Record<Col, number>;
}
//                        none admin offA offB coOwn coOther coCross partA partCross
const ANY_CALLER = (ok: number) => row(401, ok, ok, ok, ok, ok, ok, ok, ok);
const ADMIN_ONLY = (ok: number) => row(401, ok, 403, 403, 403, 403, 403, 403, 403);
/** Territory data readable by everyone who belongs to the territory (zones, the territory). */
const MEMBERS = (ok: number) => row(401, ok, ok, 404, ok, ok, 404, ok, 404);
/** Writes reserved to the territory's officers. */
const OFFICERS = (ok: number) => row(401, ok, ok, 404, 403, 403, 404, 403, 404);
/** Company data: its company's users, officers, admins; partners only see aggregates. */
const COMPANY_READERS = (ok: number) => row(401, ok, ok, 404, ok, 404, 404, 403, 404);
/** The company's own users only (its answers, its inbox, its proposals). */
const COMPANY_USERS = (ok: number) => row(401, 403, 403, 404, ok, 404, 404, 403, 404);

const ids = (res: { body_: Json }, key = 'items'): string[] =>
  (res.body_[key] as Json[]).map((x) => x.id as string);

function zoneFeature(name: string): Json {
  const n = ++seq;
  return {
    type: 'Feature',
    properties: { name },
    geometry: square(2 + (n % 50) * 0.03, 44 + Math.floor(n / 50) * 0.03),
  };
}

// ---- lifecycle and working-group fixtures (fresh rows per cell: each cell may change them)
async function freshSynergy(territoryId: string, companyId: string, status: string) {
  const s = await t.database.db
    .insertInto('synergy')
    .values({
      territory_id: territoryId,
      key: `isolation-lifecycle-${uniq()}`,
      type: 'mutualisation',
      resource_code: 'ENE.ELEC',
      status,
      score: 0.5,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.database.db
    .insertInto('synergy_participant')
    .values({
      synergy_id: s.id,
      territory_id: territoryId,
      role: 'member',
      company_id: companyId,
      position: 0,
    })
    .execute();
  return s.id;
}

/** A working group of the territory, with the given members and linked synergies. */
async function freshGroup(
  territoryId: string,
  memberIds: string[] = [],
  synergyIds: string[] = [],
) {
  const g = await t.database.db
    .insertInto('working_group')
    .values({ territory_id: territoryId, theme: 'energy_purchasing', name: `Groupe ${uniq()}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (memberIds.length > 0)
    await t.database.db
      .insertInto('working_group_member')
      .values(
        memberIds.map((company_id) => ({
          working_group_id: g.id,
          territory_id: territoryId,
          company_id,
        })),
      )
      .execute();
  if (synergyIds.length > 0)
    await t.database.db
      .insertInto('working_group_synergy')
      .values(
        synergyIds.map((synergy_id) => ({
          working_group_id: g.id,
          territory_id: territoryId,
          synergy_id,
        })),
      )
      .execute();
  return g.id;
}

/** The two companies of the side that owns the territory. */
function companiesOfTerritory(territoryId: string): [string, string] {
  const side = w.A.territoryId === territoryId ? w.A : w.B;
  return [side.companies[0].id as string, side.companies[1].id as string];
}

const CASES: Case[] = [
  // ---- auth
  {
    op: 'login',
    method: 'POST',
    path: '/v1/auth/login',
    expect: row(200, 200, 200, 200, 200, 200, 200, 200, 200),
    request: () => ({ payload: { email: w.loginUser.email, password: TEST_PASSWORD } }),
    ok: (res) => {
      expect(res.body_.token).toMatch(/^sbt_/);
      expect(res.body_.me.id).toBe(w.loginUser.id);
    },
  },
  {
    op: 'logout',
    method: 'POST',
    path: '/v1/auth/logout',
    expect: ANY_CALLER(204),
    // A throwaway token of the same user, so that the column's own token stays valid.
    request: async (c) => ({ token: c.userId ? await freshToken(c.userId) : c.token }),
    state: async (_c, r) =>
      r.token
        ? (await call(t.app, r.token, { method: 'GET', url: '/v1/me' })).statusCode
        : 'no token',
    // A partner key is not revoked by logout.
    changes: (c) => c.userId !== null,
  },
  {
    op: 'getMe',
    method: 'GET',
    path: '/v1/me',
    expect: ANY_CALLER(200),
    request: () => ({}),
    ok: (res, c) => {
      if (c.userId) expect(res.body_.id).toBe(c.userId);
      else expect(res.body_).toMatchObject({ role: 'partner', territoryIds: [w.A.territoryId] });
    },
  },
  {
    op: 'createUser',
    method: 'POST',
    path: '/v1/users',
    expect: row(401, 201, 201, 404, 403, 403, 403, 403, 403),
    request: (c) => ({
      payload: {
        email: `iso-${uniq()}@example.test`,
        displayName: 'Compte isolé',
        password: TEST_PASSWORD,
        role: 'company',
        companyId: c.target.companyId,
      },
    }),
    state: () => count('app_user', 'id', null),
    ok: (res, c) => expect(res.body_.companyId).toBe(c.target.companyId),
  },
  {
    op: 'listUsers',
    method: 'GET',
    path: '/v1/users',
    expect: row(401, 200, 200, 200, 403, 403, 403, 403, 403),
    request: () => ({ query: 'limit=200' }),
    ok: (res, c) => {
      const seen = ids(res);
      const a = [w.A.officer.id, w.A.companyUser.id];
      const b = [w.B.officer.id, w.B.companyUser.id];
      if (c.col === 'admin') expect(seen).toEqual(expect.arrayContaining([...a, ...b]));
      if (c.col === 'offA') {
        expect(seen).toEqual(expect.arrayContaining(a));
        for (const id of [...b, w.admin.id]) expect(seen).not.toContain(id);
      }
      if (c.col === 'offB') {
        expect(seen).toEqual(expect.arrayContaining(b));
        for (const id of [...a, w.admin.id]) expect(seen).not.toContain(id);
      }
    },
  },
  {
    op: 'createApiKey',
    method: 'POST',
    path: '/v1/api-keys',
    expect: ADMIN_ONLY(201),
    request: (c) => ({ payload: { name: `Clé ${uniq()}`, territoryIds: [c.target.territoryId] } }),
    state: () => count('api_key', 'id', null),
    ok: (res) => expect(res.body_.key).toMatch(/^sbk_/),
  },
  {
    op: 'listApiKeys',
    method: 'GET',
    path: '/v1/api-keys',
    expect: ADMIN_ONLY(200),
    request: () => ({}),
    ok: (res) => {
      expect(ids(res)).toContain(w.partnerKeyId);
      expect(JSON.stringify(res.body_)).not.toContain(w.partnerKey);
    },
  },
  {
    op: 'revokeApiKey',
    method: 'DELETE',
    path: '/v1/api-keys/{id}',
    expect: ADMIN_ONLY(200),
    request: async (c) => {
      const k = await call(t.app, w.admin.token, {
        method: 'POST',
        url: '/v1/api-keys',
        payload: { name: `À révoquer ${uniq()}`, territoryIds: [c.target.territoryId] },
      });
      expect(k.statusCode).toBe(201);
      return { params: { id: k.body_.id as string }, data: { key: k.body_.key as string } };
    },
    state: (_c, r) => field('api_key', r.params!.id!, 'revoked_at'),
    ok: async (_res, _c, r) => {
      const me = await call(t.app, r.data!.key as string, { method: 'GET', url: '/v1/me' });
      expect(me.statusCode).toBe(401);
    },
  },
  // ---- territories
  {
    op: 'listTerritories',
    method: 'GET',
    path: '/v1/territories',
    expect: ANY_CALLER(200),
    request: () => ({ query: 'limit=200' }),
    ok: (res, c) => {
      const seen = ids(res);
      if (c.col === 'admin')
        expect(seen).toEqual(expect.arrayContaining([w.A.territoryId, w.B.territoryId]));
      else if (c.col === 'offB') expect(seen).toEqual([w.B.territoryId]);
      else expect(seen).toEqual([w.A.territoryId]);
    },
  },
  {
    op: 'createTerritory',
    method: 'POST',
    path: '/v1/territories',
    expect: ADMIN_ONLY(201),
    request: () => {
      const n = uniq();
      return { payload: { slug: `iso-${n}`, name: `Territoire ${n}` } };
    },
    state: () => count('territory', 'id', null),
  },
  {
    op: 'getTerritory',
    method: 'GET',
    path: '/v1/territories/{id}',
    expect: MEMBERS(200),
    request: (c) => ({ params: { id: c.target.territoryId } }),
    ok: (res, c) => expect(res.body_.id).toBe(c.target.territoryId),
  },
  {
    op: 'updateTerritory',
    method: 'PATCH',
    path: '/v1/territories/{id}',
    expect: row(401, 200, 403, 404, 403, 403, 404, 403, 404),
    request: (c) => ({
      params: { id: c.target.territoryId },
      payload: { name: `Rebaptisé ${uniq()}` },
    }),
    state: (c) => field('territory', c.target.territoryId, 'name'),
  },
  // ---- zones
  {
    op: 'listZones',
    method: 'GET',
    path: '/v1/territories/{territoryId}/zones',
    expect: MEMBERS(200),
    request: (c) => ({ params: { territoryId: c.target.territoryId } }),
    ok: (res, c) => {
      const features = res.body_.features as Json[];
      expect(features.map((f) => f.id as string)).toContain(c.target.zoneId);
      for (const f of features) expect(f.properties.territoryId).toBe(c.target.territoryId);
    },
  },
  {
    op: 'createZone',
    method: 'POST',
    path: '/v1/territories/{territoryId}/zones',
    expect: OFFICERS(201),
    request: (c) => ({
      params: { territoryId: c.target.territoryId },
      payload: zoneFeature(`Zone ${uniq()}`),
    }),
    state: (c) => count('zone', 'territory_id', c.target.territoryId),
  },
  {
    op: 'getZone',
    method: 'GET',
    path: '/v1/zones/{id}',
    expect: MEMBERS(200),
    request: (c) => ({ params: { id: c.target.zoneId } }),
    ok: (res, c) => expect(res.body_.id).toBe(c.target.zoneId),
  },
  {
    op: 'updateZone',
    method: 'PATCH',
    path: '/v1/zones/{id}',
    expect: OFFICERS(200),
    request: (c) => ({
      params: { id: c.target.zoneId },
      payload: { type: 'Feature', properties: { name: `Zone renommée ${uniq()}` } },
    }),
    state: (c) => field('zone', c.target.zoneId, 'name'),
  },
  {
    op: 'deleteZone',
    method: 'DELETE',
    path: '/v1/zones/{id}',
    expect: OFFICERS(204),
    request: async (c) => {
      const f = zoneFeature(`À supprimer ${uniq()}`);
      const z = await makeZone(t.app, w.admin.token, c.target.territoryId, {
        name: f.properties.name as string,
        geometry: f.geometry as Json,
      });
      return { params: { id: z.id as string } };
    },
    state: (_c, r) => count('zone', 'id', r.params!.id!),
  },
  // ---- companies
  {
    op: 'listCompanies',
    method: 'GET',
    path: '/v1/territories/{territoryId}/companies',
    expect: row(401, 200, 200, 404, 200, 200, 404, 403, 404),
    // The user of A1 aimed at A2 searches A2 by SIRET: it must not find it.
    request: (c) => ({
      params: { territoryId: c.target.territoryId },
      query: c.col === 'coOther' ? `q=${c.target.companySiret}&limit=200` : 'limit=200',
    }),
    ok: (res, c) => {
      const seen = ids(res);
      const own = w.A.companies[0].id as string;
      if (c.col === 'coOwn') expect(seen).toEqual([own]);
      else if (c.col === 'coOther') {
        expect(seen).not.toContain(c.target.companyId);
        expect(seen.filter((id) => id !== own)).toEqual([]);
      } else {
        expect(seen).toEqual(expect.arrayContaining(w.A.companies.map((x) => x.id as string)));
        for (const x of res.body_.items as Json[]) expect(x.territoryId).toBe(w.A.territoryId);
      }
    },
  },
  {
    op: 'createCompany',
    method: 'POST',
    path: '/v1/territories/{territoryId}/companies',
    expect: OFFICERS(201),
    request: (c) => ({
      params: { territoryId: c.target.territoryId },
      payload: {
        siret: makeSiret(),
        name: `Entreprise ${uniq()}`,
        nafCode: '16.24Z',
        location: { type: 'Point', coordinates: [5.03, 47.35] },
      },
    }),
    state: (c) => count('company', 'territory_id', c.target.territoryId),
  },
  {
    op: 'getCompany',
    method: 'GET',
    path: '/v1/companies/{id}',
    expect: COMPANY_READERS(200),
    request: (c) => ({ params: { id: c.target.companyId } }),
    ok: (res, c) => expect(res.body_.id).toBe(c.target.companyId),
  },
  {
    op: 'updateCompany',
    method: 'PATCH',
    path: '/v1/companies/{id}',
    expect: row(401, 200, 200, 404, 403, 404, 404, 403, 404),
    request: (c) => ({
      params: { id: c.target.companyId },
      payload: { name: `Nouveau ${uniq()}` },
    }),
    state: (c) => field('company', c.target.companyId, 'name'),
  },
  // ---- diagnostics
  {
    op: 'listCompanyDiagnostics',
    method: 'GET',
    path: '/v1/companies/{id}/diagnostics',
    expect: COMPANY_READERS(200),
    request: (c) => ({ params: { id: c.target.companyId } }),
    ok: (res, c) => {
      const items = res.body_.items as Json[];
      expect(items.map((d) => d.id as string)).toContain(c.target.diagnosticId);
      for (const d of items) expect(d.companyId).toBe(c.target.companyId);
    },
  },
  {
    op: 'createDiagnostic',
    method: 'POST',
    path: '/v1/companies/{id}/diagnostics',
    expect: COMPANY_READERS(201),
    request: (c) => ({
      params: { id: c.target.companyId },
      payload: { visitedAt: '2024-02-01', flows: sampleFlows },
    }),
    state: (c) => count('diagnostic', 'company_id', c.target.companyId),
    ok: (res) => expect(res.body_.status).toBe('draft'),
  },
  {
    op: 'getDiagnostic',
    method: 'GET',
    path: '/v1/diagnostics/{id}',
    expect: COMPANY_READERS(200),
    request: (c) => ({ params: { id: c.target.diagnosticId } }),
    ok: (res, c) => {
      expect(res.body_.id).toBe(c.target.diagnosticId);
      expect(res.headers.etag).toMatch(/^"r\d+"$/);
    },
  },
  {
    op: 'updateDiagnostic',
    method: 'PUT',
    path: '/v1/diagnostics/{id}',
    expect: COMPANY_READERS(200),
    request: async (c) => {
      const id = await freshDraft(c.target.companyId);
      const read = await call(t.app, w.admin.token, {
        method: 'GET',
        url: `/v1/diagnostics/${id}`,
      });
      expect(read.statusCode).toBe(200);
      return {
        params: { id },
        headers: { 'if-match': String(read.headers.etag) },
        payload: {
          visitedAt: '2024-05-06',
          notes: 'Relevé complété',
          flows: sampleFlows.slice(0, 1),
        },
      };
    },
    state: (_c, r) => field('diagnostic', r.params!.id!, 'revision'),
  },
  {
    op: 'deleteDiagnostic',
    method: 'DELETE',
    path: '/v1/diagnostics/{id}',
    // The drafts here are written by the admin: a company user may only withdraw its own.
    expect: row(401, 204, 204, 404, 403, 404, 404, 403, 404),
    request: async (c) => ({ params: { id: await freshDraft(c.target.companyId) } }),
    state: (_c, r) => count('diagnostic', 'id', r.params!.id!),
  },
  {
    op: 'validateDiagnostic',
    method: 'POST',
    path: '/v1/diagnostics/{id}/validate',
    expect: row(401, 200, 200, 404, 403, 404, 404, 403, 404),
    request: async (c) => ({ params: { id: await freshDraft(c.target.companyId) } }),
    state: (_c, r) => field('diagnostic', r.params!.id!, 'status'),
    ok: (res) => expect(res.body_.status).toBe('validated'),
  },
  // ---- flows
  {
    op: 'listFlows',
    method: 'GET',
    path: '/v1/territories/{territoryId}/flows',
    expect: row(401, 200, 200, 404, 200, 200, 404, 403, 404),
    // The user of A1 aimed at A2 filters on A2: it must get nothing.
    request: (c) => ({
      params: { territoryId: c.target.territoryId },
      query: `scope=all&limit=200${c.col === 'coOther' ? `&companyId=${c.target.companyId}` : ''}`,
    }),
    ok: (res, c) => {
      const companies = (res.body_.items as Json[]).map((f) => f.companyId as string);
      const own = w.A.companies[0].id as string;
      if (c.col === 'coOther') expect(companies).toEqual([]);
      else expect(companies.length).toBeGreaterThan(0);
      if (c.col === 'coOwn') expect(new Set(companies)).toEqual(new Set([own]));
      for (const b of w.B.companies) expect(companies).not.toContain(b.id);
    },
  },
  // ---- matching: officers of the territory only
  {
    op: 'createMatchRun',
    method: 'POST',
    path: '/v1/territories/{territoryId}/match-runs',
    expect: OFFICERS(202),
    request: (c) => ({ params: { territoryId: c.target.territoryId }, payload: {} }),
    state: () => count('match_run', 'id', null),
  },
  {
    op: 'listMatchRuns',
    method: 'GET',
    path: '/v1/territories/{territoryId}/match-runs',
    expect: OFFICERS(200),
    request: (c) => ({ params: { territoryId: c.target.territoryId } }),
    ok: (res, c) => {
      for (const r of res.body_.items as Json[]) expect(r.territoryId).toBe(c.target.territoryId);
    },
  },
  {
    op: 'getMatchRun',
    method: 'GET',
    path: '/v1/match-runs/{id}',
    expect: OFFICERS(200),
    request: async (c) => ({ params: { id: await runIn(c.target.territoryId) } }),
  },
  {
    op: 'listSynergies',
    method: 'GET',
    path: '/v1/territories/{territoryId}/synergies',
    expect: OFFICERS(200),
    request: async (c) => {
      await synergyIn(c.target.territoryId, c.target.companyId);
      return { params: { territoryId: c.target.territoryId } };
    },
    ok: (res, c) => {
      expect((res.body_.items as Json[]).length).toBeGreaterThan(0);
      for (const s of res.body_.items as Json[]) expect(s.territoryId).toBe(c.target.territoryId);
    },
  },
  {
    op: 'getSynergy',
    method: 'GET',
    path: '/v1/synergies/{id}',
    expect: OFFICERS(200),
    request: async (c) => ({
      params: { id: await synergyIn(c.target.territoryId, c.target.companyId) },
    }),
  },
  {
    op: 'getMatchingInsights',
    method: 'GET',
    path: '/v1/territories/{territoryId}/insights',
    expect: OFFICERS(200),
    request: (c) => ({ params: { territoryId: c.target.territoryId } }),
  },
  // ---- knowledge base: everyone signed in reads it, administrators change it
  {
    op: 'listRules',
    method: 'GET',
    path: '/v1/rules',
    expect: ANY_CALLER(200),
    request: () => ({ query: 'limit=5' }),
    ok: (res) => expect(res.body_.ruleSetVersion).toMatch(/^rs-/),
  },
  {
    op: 'getRule',
    method: 'GET',
    path: '/v1/rules/{id}',
    expect: ANY_CALLER(200),
    request: async () => ({ params: { id: await adminRule() } }),
    ok: (res) => expect(res.body_.origin).toBe('admin'),
  },
  {
    op: 'createRule',
    method: 'POST',
    path: '/v1/rules',
    expect: ADMIN_ONLY(201),
    request: () => ({ payload: ruleBody(`isolation-${uniq()}`) }),
    state: () => count('compatibility_rule', 'id', null),
  },
  {
    op: 'updateRule',
    method: 'PATCH',
    path: '/v1/rules/{id}',
    expect: ADMIN_ONLY(200),
    request: async () => ({
      params: { id: await adminRule() },
      payload: { confidence: Number((0.1 + Math.random() * 0.8).toFixed(3)) },
    }),
    state: (_c, r) => field('compatibility_rule', r.params!.id!, 'override'),
  },
  // ---- reference data: any authenticated caller
  {
    op: 'searchResources',
    method: 'GET',
    path: '/v1/resources',
    expect: ANY_CALLER(200),
    request: () => ({ query: 'q=bois' }),
    ok: (res) => expect(Array.isArray(res.body_.items)).toBe(true),
  },
  {
    op: 'getResource',
    method: 'GET',
    path: '/v1/resources/{code}',
    expect: ANY_CALLER(200),
    request: () => ({ params: { code: 'ENE.ELEC' } }),
    ok: (res) => expect(res.body_.code).toBe('ENE.ELEC'),
  },
  {
    op: 'searchNaf',
    method: 'GET',
    path: '/v1/naf',
    expect: ANY_CALLER(200),
    request: () => ({ query: 'q=16.24' }),
    ok: (res) => expect((res.body_.items as Json[]).length).toBeGreaterThan(0),
  },
  // ---- audit
  {
    op: 'listAuditLog',
    method: 'GET',
    path: '/v1/territories/{territoryId}/audit-log',
    expect: row(401, 200, 200, 404, 403, 403, 404, 403, 404),
    request: (c) => ({ params: { territoryId: c.target.territoryId }, query: 'limit=200' }),
    ok: (res, c) => {
      const items = res.body_.items as Json[];
      expect(items.length).toBeGreaterThan(0);
      for (const e of items) expect(e.territoryId).toBe(c.target.territoryId);
    },
  },
  // ---- company portal: synergies seen by the company, answers, notifications, corrections
  {
    op: 'listCompanySynergies',
    method: 'GET',
    path: '/v1/companies/{id}/synergies',
    expect: COMPANY_READERS(200),
    request: async (c) => {
      await synergyIn(c.target.territoryId, c.target.companyId);
      return { params: { id: c.target.companyId } };
    },
    ok: async (res, c) => {
      expect(ids(res)).toContain(await synergyIn(c.target.territoryId, c.target.companyId));
      expect(JSON.stringify(res.body_)).not.toContain('"participants"');
    },
  },
  {
    op: 'answerSynergy',
    method: 'POST',
    path: '/v1/companies/{id}/synergies/{synergyId}/answer',
    expect: COMPANY_USERS(200),
    request: async (c) => ({
      params: {
        id: c.target.companyId,
        synergyId: await synergyIn(c.target.territoryId, c.target.companyId),
      },
      payload: { answer: 'decline', reasonCode: 'no_interest' },
    }),
    state: (_c, r) => count('synergy_answer', 'synergy_id', r.params!.synergyId!),
    ok: (res) => expect(res.body_.myAnswer).toBe('decline'),
  },
  {
    op: 'listNotifications',
    method: 'GET',
    path: '/v1/companies/{id}/notifications',
    expect: COMPANY_USERS(200),
    request: async (c) => {
      await synergyIn(c.target.territoryId, c.target.companyId);
      return { params: { id: c.target.companyId } };
    },
    // Reading the feed adds the proposals it does not know yet: refused reads add nothing.
    state: (c) => count('notification', 'company_id', c.target.companyId),
    changes: () => false,
    ok: async (res, c) => {
      const s = await synergyIn(c.target.territoryId, c.target.companyId);
      expect((res.body_.items as Json[]).map((n) => n.synergyId)).toContain(s);
    },
  },
  {
    op: 'markNotificationRead',
    method: 'POST',
    path: '/v1/notifications/{id}/read',
    expect: COMPANY_USERS(200),
    request: async (c) => {
      const n = await t.database.db
        .insertInto('notification')
        .values({
          territory_id: c.target.territoryId,
          company_id: c.target.companyId,
          kind: 'counterpart_answered',
          synergy_id: await synergyIn(c.target.territoryId, c.target.companyId),
          text_fr: 'Une entreprise a répondu',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { params: { id: n.id } };
    },
    state: (_c, r) => count('notification_read', 'notification_id', r.params!.id!),
  },
  {
    op: 'createCorrection',
    method: 'POST',
    path: '/v1/diagnostics/{id}/corrections',
    expect: COMPANY_USERS(201),
    request: async (c) => ({
      params: { id: await currentDiagnostic(c.target.companyId) },
      payload: { edits: [{ op: 'add', flow: sampleFlows[0] }] },
    }),
    state: (c) => count('diagnostic_correction', 'company_id', c.target.companyId),
  },
  {
    op: 'listCompanyCorrections',
    method: 'GET',
    path: '/v1/companies/{id}/corrections',
    expect: COMPANY_READERS(200),
    request: async (c) => ({ params: { id: (await pendingCorrection(c.target)).companyId } }),
    ok: (res, c) => {
      expect((res.body_.items as Json[]).length).toBeGreaterThan(0);
      for (const x of res.body_.items as Json[]) expect(x.companyId).toBe(c.target.companyId);
    },
  },
  {
    op: 'acceptCorrection',
    method: 'POST',
    path: '/v1/corrections/{id}/accept',
    expect: OFFICERS(200),
    request: async (c) => ({ params: { id: (await pendingCorrection(c.target)).id }, payload: {} }),
    state: (_c, r) => field('diagnostic_correction', r.params!.id!, 'status'),
    ok: (res) => expect(res.body_.resultDiagnosticId).toEqual(expect.any(String)),
  },
  {
    op: 'rejectCorrection',
    method: 'POST',
    path: '/v1/corrections/{id}/reject',
    expect: OFFICERS(200),
    request: async (c) => ({
      params: { id: (await pendingCorrection(c.target)).id },
      payload: { comment: 'Flux inchangé' },
    }),
    state: (_c, r) => field('diagnostic_correction', r.params!.id!, 'status'),
  },

  // ---- synergy lifecycle and working groups (issue: from proposal to implemented synergy)
  {
    op: 'getLifecycleReference',
    method: 'GET',
    path: '/v1/synergy-lifecycle',
    expect: ANY_CALLER(200),
    request: () => ({}),
    ok: (res) => expect(res.body_.statuses).toHaveLength(7),
  },
  {
    op: 'transitionSynergy',
    method: 'POST',
    path: '/v1/synergies/{id}/transitions',
    expect: OFFICERS(200),
    request: async (c) => ({
      params: {
        id: await freshSynergy(c.target.territoryId, c.target.companyId, 'proposed'),
      },
      payload: { to: 'qualified', comment: 'matrice' },
    }),
    state: async (_c, r) => [
      await field('synergy', r.params!.id!, 'status'),
      await count('synergy_event', 'synergy_id', r.params!.id!),
    ],
    ok: (res) => expect(res.body_.status).toBe('qualified'),
  },
  {
    op: 'listSynergyEvents',
    method: 'GET',
    path: '/v1/synergies/{id}/events',
    expect: OFFICERS(200),
    request: async (c) => ({
      params: { id: await synergyIn(c.target.territoryId, c.target.companyId) },
    }),
    ok: (res) => expect(Array.isArray(res.body_.items)).toBe(true),
  },
  {
    op: 'createSynergy',
    method: 'POST',
    path: '/v1/territories/{territoryId}/synergies',
    expect: OFFICERS(201),
    request: (c) => ({
      params: { territoryId: c.target.territoryId },
      payload: {
        type: 'mutualisation',
        resourceCode: 'ENE.ELEC',
        participants: companiesOfTerritory(c.target.territoryId).map((companyId) => ({
          role: 'member',
          companyId,
        })),
      },
    }),
    state: (c) => count('synergy', 'territory_id', c.target.territoryId),
    ok: (res, c) =>
      expect(res.body_).toMatchObject({ origin: 'manual', territoryId: c.target.territoryId }),
  },
  {
    op: 'setRealisedGains',
    method: 'PUT',
    path: '/v1/synergies/{id}/realised-gains',
    expect: OFFICERS(200),
    request: async (c) => ({
      params: {
        id: await freshSynergy(c.target.territoryId, c.target.companyId, 'implemented'),
      },
      payload: { eurPerYear: 1000, measuredAt: '2026-06-30' },
    }),
    state: (_c, r) => field('synergy', r.params!.id!, 'realised_gains'),
    ok: (res) => expect(res.body_.realisedGains.eurPerYear).toBe(1000),
  },
  {
    op: 'listFollowUp',
    method: 'GET',
    path: '/v1/territories/{territoryId}/follow-up',
    expect: OFFICERS(200),
    request: (c) => ({ params: { territoryId: c.target.territoryId } }),
    ok: (res) => expect(Array.isArray(res.body_.items)).toBe(true),
  },
  {
    op: 'listWorkingGroups',
    method: 'GET',
    path: '/v1/territories/{territoryId}/working-groups',
    expect: OFFICERS(200),
    request: async (c) => {
      await freshGroup(c.target.territoryId);
      return { params: { territoryId: c.target.territoryId } };
    },
    ok: (res, c) => {
      const items = res.body_.items as Json[];
      expect(items.length).toBeGreaterThan(0);
      for (const g of items) expect(g.territoryId).toBe(c.target.territoryId);
    },
  },
  {
    op: 'createWorkingGroup',
    method: 'POST',
    path: '/v1/territories/{territoryId}/working-groups',
    expect: OFFICERS(201),
    request: (c) => ({
      params: { territoryId: c.target.territoryId },
      payload: { theme: 'pallets', name: `Palettes ${uniq()}` },
    }),
    state: (c) => count('working_group', 'territory_id', c.target.territoryId),
  },
  {
    op: 'getWorkingGroup',
    method: 'GET',
    path: '/v1/working-groups/{id}',
    // A member company's users read their groups through listCompanyWorkingGroups only.
    expect: OFFICERS(200),
    request: async (c) => ({
      params: { id: await freshGroup(c.target.territoryId, [c.target.companyId]) },
    }),
    ok: (res, c) => expect(res.body_.members[0].companyId).toBe(c.target.companyId),
  },
  {
    op: 'updateWorkingGroup',
    method: 'PATCH',
    path: '/v1/working-groups/{id}',
    expect: OFFICERS(200),
    request: async (c) => ({
      params: { id: await freshGroup(c.target.territoryId) },
      payload: { name: `Renommé ${uniq()}` },
    }),
    state: (_c, r) => field('working_group', r.params!.id!, 'name'),
  },
  {
    op: 'addWorkingGroupMember',
    method: 'PUT',
    path: '/v1/working-groups/{id}/members/{companyId}',
    expect: OFFICERS(200),
    request: async (c) => ({
      params: { id: await freshGroup(c.target.territoryId), companyId: c.target.companyId },
    }),
    state: (_c, r) => count('working_group_member', 'working_group_id', r.params!.id!),
  },
  {
    op: 'removeWorkingGroupMember',
    method: 'DELETE',
    path: '/v1/working-groups/{id}/members/{companyId}',
    expect: OFFICERS(204),
    request: async (c) => ({
      params: {
        id: await freshGroup(c.target.territoryId, [c.target.companyId]),
        companyId: c.target.companyId,
      },
    }),
    state: (_c, r) => count('working_group_member', 'working_group_id', r.params!.id!),
  },
  {
    op: 'listWorkingGroupMeetings',
    method: 'GET',
    path: '/v1/working-groups/{id}/meetings',
    expect: OFFICERS(200),
    request: async (c) => ({ params: { id: await freshGroup(c.target.territoryId) } }),
  },
  {
    op: 'createWorkingGroupMeeting',
    method: 'POST',
    path: '/v1/working-groups/{id}/meetings',
    expect: OFFICERS(201),
    request: async (c) => ({
      params: { id: await freshGroup(c.target.territoryId) },
      payload: { heldOn: '2026-10-02', attendeeCompanyIds: [c.target.companyId] },
    }),
    state: (_c, r) => count('working_group_meeting', 'working_group_id', r.params!.id!),
  },
  {
    op: 'linkWorkingGroupSynergy',
    method: 'PUT',
    path: '/v1/working-groups/{id}/synergies/{synergyId}',
    expect: OFFICERS(200),
    request: async (c) => ({
      params: {
        id: await freshGroup(c.target.territoryId),
        synergyId: await synergyIn(c.target.territoryId, c.target.companyId),
      },
    }),
    state: async (_c, r) => [
      await count('working_group_synergy', 'working_group_id', r.params!.id!),
      await count('working_group_member', 'working_group_id', r.params!.id!),
    ],
  },
  {
    op: 'unlinkWorkingGroupSynergy',
    method: 'DELETE',
    path: '/v1/working-groups/{id}/synergies/{synergyId}',
    expect: OFFICERS(204),
    request: async (c) => {
      const synergyId = await synergyIn(c.target.territoryId, c.target.companyId);
      return { params: { id: await freshGroup(c.target.territoryId, [], [synergyId]), synergyId } };
    },
    state: (_c, r) => count('working_group_synergy', 'working_group_id', r.params!.id!),
  },
  {
    op: 'listWorkingGroupSuggestions',
    method: 'GET',
    path: '/v1/working-groups/{id}/suggestions',
    expect: OFFICERS(200),
    request: async (c) => ({ params: { id: await freshGroup(c.target.territoryId) } }),
  },
  {
    op: 'getPooledVolumes',
    method: 'GET',
    path: '/v1/working-groups/{id}/pooled-volumes',
    expect: OFFICERS(200),
    request: async (c) => ({
      params: { id: await freshGroup(c.target.territoryId, [c.target.companyId]) },
    }),
    // Each side's companies declare 1200 MWh of electricity (sampleFlows).
    ok: (res) =>
      expect(res.body_.totals[0]).toMatchObject({
        resourceCode: 'ENE.ELEC',
        quantityPerYear: 1200,
      }),
  },
  {
    op: 'listCompanyWorkingGroups',
    method: 'GET',
    path: '/v1/companies/{id}/working-groups',
    expect: COMPANY_READERS(200),
    request: async (c) => {
      const id = await freshGroup(c.target.territoryId, [c.target.companyId]);
      return { params: { id: c.target.companyId }, data: { groupId: id } };
    },
    ok: (res, _c, r) => expect(ids(res)).toContain(r.data!.groupId),
  },

  // ---- imports and exports (spreadsheets, SIRENE, GeoJSON): the territory's officers only
  {
    op: 'uploadImport',
    method: 'POST',
    path: '/v1/territories/{territoryId}/imports',
    expect: OFFICERS(201),
    request: (c) => ({
      params: { territoryId: c.target.territoryId },
      query: 'kind=companies',
      headers: { 'content-type': 'text/csv' },
      payload: companiesCsv() as unknown as Json,
    }),
    state: (c) => count('data_import', 'territory_id', c.target.territoryId),
    ok: (res) => expect(res.body_.status).toBe('ready'),
  },
  {
    op: 'listImports',
    method: 'GET',
    path: '/v1/territories/{territoryId}/imports',
    expect: OFFICERS(200),
    request: async (c) => {
      await importIn(c.target.territoryId);
      return { params: { territoryId: c.target.territoryId } };
    },
    ok: (res, c) => {
      expect((res.body_.items as Json[]).length).toBeGreaterThan(0);
      for (const i of res.body_.items as Json[]) expect(i.territoryId).toBe(c.target.territoryId);
    },
  },
  {
    op: 'getImport',
    method: 'GET',
    path: '/v1/imports/{id}',
    expect: OFFICERS(200),
    request: async (c) => ({ params: { id: await importIn(c.target.territoryId) } }),
  },
  {
    op: 'commitImport',
    method: 'POST',
    path: '/v1/imports/{id}/commit',
    expect: OFFICERS(200),
    request: async (c) => ({ params: { id: await importIn(c.target.territoryId) } }),
    state: (c) => count('company', 'territory_id', c.target.territoryId),
    ok: (res) => expect(res.body_.status).toBe('committed'),
  },
  {
    op: 'getImportTemplate',
    method: 'GET',
    path: '/v1/import-templates/{kind}',
    expect: ANY_CALLER(200),
    request: () => ({ params: { kind: 'diagnostics' }, query: 'format=csv' }),
    ok: (res) => expect(res.body).toContain('code_ressource'),
  },
  {
    op: 'exportTerritoryData',
    method: 'GET',
    path: '/v1/territories/{territoryId}/exports/{entity}',
    expect: OFFICERS(200),
    request: (c) => ({ params: { territoryId: c.target.territoryId, entity: 'companies' } }),
    ok: (res, c) => expect(res.body).toContain(c.target.companySiret),
  },

  // ---- partner indicators and conventions (issue: indicators API, reporting against conventions)
  {
    op: 'getIndicators',
    method: 'GET',
    path: '/v1/indicators',
    // Partners, officers and administrators of the territory; company users never.
    expect: row(401, 200, 200, 404, 403, 403, 404, 200, 404),
    request: (c) => ({ query: `territoryId=${c.target.territoryId}&period=2026` }),
    ok: (res, c) => {
      expect(res.body_.territoryId).toBe(c.target.territoryId);
      expect(res.body_.masked).toBe(c.col === 'partA');
    },
  },
  {
    op: 'listIndicatorDefinitions',
    method: 'GET',
    path: '/v1/indicators/definitions',
    expect: ANY_CALLER(200),
    request: () => ({}),
    ok: (res) => expect((res.body_.items as Json[]).length).toBeGreaterThan(10),
  },
  {
    op: 'listConventions',
    method: 'GET',
    path: '/v1/territories/{territoryId}/conventions',
    expect: OFFICERS(200),
    request: async (c) => {
      const id = await freshConvention(c.target.territoryId);
      return { params: { territoryId: c.target.territoryId }, data: { id } };
    },
    ok: (res, _c, r) => expect(ids(res)).toContain(r.data!.id),
  },
  {
    op: 'createConvention',
    method: 'POST',
    path: '/v1/territories/{territoryId}/conventions',
    expect: OFFICERS(201),
    request: (c) => ({
      params: { territoryId: c.target.territoryId },
      payload: {
        title: `Convention ${uniq()}`,
        startsOn: '2025-01-01',
        endsOn: '2026-12-31',
        actions: [
          {
            title: 'Action',
            objectives: [{ label: 'Diagnostics', metric: 'diagnostics_conducted', target: 10 }],
            budget: [
              {
                year: 2025,
                label: 'Animation',
                amountEur: 1000,
                funding: [{ funder: 'ADEME', amountEur: 800 }],
              },
            ],
          },
        ],
      },
    }),
    state: (c) => count('convention', 'territory_id', c.target.territoryId),
  },
  {
    op: 'getConvention',
    method: 'GET',
    path: '/v1/conventions/{id}',
    expect: OFFICERS(200),
    request: async (c) => ({ params: { id: await freshConvention(c.target.territoryId) } }),
  },
  {
    op: 'replaceConvention',
    method: 'PUT',
    path: '/v1/conventions/{id}',
    expect: OFFICERS(200),
    request: async (c) => ({
      params: { id: await freshConvention(c.target.territoryId) },
      payload: { title: `Avenant ${uniq()}`, startsOn: '2025-01-01', endsOn: '2026-12-31' },
    }),
    state: (_c, r) => field('convention', r.params!.id!, 'title'),
  },
  {
    op: 'deleteConvention',
    method: 'DELETE',
    path: '/v1/conventions/{id}',
    expect: OFFICERS(204),
    request: async (c) => ({ params: { id: await freshConvention(c.target.territoryId) } }),
    state: (_c, r) => count('convention', 'id', r.params!.id!),
  },
  {
    op: 'getConventionReport',
    method: 'GET',
    path: '/v1/conventions/{id}/report',
    expect: OFFICERS(200),
    request: async (c) => ({
      params: { id: await freshConvention(c.target.territoryId) },
      query: 'type=intermediate',
    }),
    ok: (res) => expect(res.body_.type).toBe('intermediate'),
  },

  // ---- security and personal data (password change, GDPR export and erasure)
  {
    op: 'changePassword',
    method: 'POST',
    path: '/v1/me/password',
    expect: row(401, 204, 204, 204, 204, 204, 204, 403, 403),
    // A twin of the caller (same role and attachments): the change revokes every token.
    request: async (c) => {
      const payload = { currentPassword: TEST_PASSWORD, newPassword: `phrase de passe ${uniq()}` };
      if (c.userId === null) return { payload, data: { userId: null } };
      const twin = await twinOf(c.userId);
      return { token: twin.token, payload, data: { userId: twin.id } };
    },
    state: async (_c, r) =>
      r.data!.userId ? field('app_user', r.data!.userId as string, 'password_hash') : 'none',
    changes: (c) => c.userId !== null,
  },
  {
    op: 'exportPersonalData',
    method: 'GET',
    path: '/v1/users/{id}/personal-data',
    // A company user asks for their own data; other callers for the officer of the target's territory.
    expect: row(401, 200, 200, 404, 200, 403, 404, 403, 404),
    request: (c) => ({
      params: {
        id:
          c.col === 'coOwn'
            ? w.A.companyUser.id
            : (c.target.territoryId === w.A.territoryId ? w.A : w.B).officer.id,
      },
    }),
    ok: (res, _c, r) => {
      expect(res.body_.user.id).toBe(r.params!.id);
      expect(JSON.stringify(res.body_)).not.toMatch(/password|token_hash|scrypt/);
    },
  },
  {
    op: 'eraseUser',
    method: 'POST',
    path: '/v1/users/{id}/erase',
    expect: row(401, 200, 403, 404, 403, 403, 404, 403, 404),
    request: async (c) => {
      const victim = await makeUser(t.database.db, {
        role: 'officer',
        territoryIds: [c.target.territoryId],
      });
      return { params: { id: victim.id } };
    },
    state: (_c, r) => field('app_user', r.params!.id!, 'email'),
    ok: (res) => expect(res.body_.email).toMatch(/@erased\.invalid$/),
  },
];

/** A convention of the territory, written straight to the table. */
async function freshConvention(territoryId: string): Promise<string> {
  const r = await t.database.db
    .insertInto('convention')
    .values({
      territory_id: territoryId,
      title: `Convention ${uniq()}`,
      starts_on: '2025-01-01',
      ends_on: '2026-12-31',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** A new user with the same role, territories and company as the given one. */
async function twinOf(userId: string): Promise<TestUser> {
  const u = await t.database.db
    .selectFrom('app_user')
    .select(['role', 'company_id'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const territories = await t.database.db
    .selectFrom('user_territory')
    .select('territory_id')
    .where('user_id', '=', userId)
    .execute();
  return makeUser(t.database.db, {
    role: u.role as 'admin' | 'officer' | 'company',
    territoryIds: territories.map((x) => x.territory_id),
    ...(u.company_id ? { companyId: u.company_id } : {}),
  });
}

function urlOf(k: Case, r: Req): string {
  const path = k.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = r.params?.[name];
    if (v === undefined) throw new Error(`${k.op}: no value for {${name}}`);
    return encodeURIComponent(v);
  });
  return r.query ? `${path}?${r.query}` : path;
}

function expectProblem(res: LightMyRequestResponse & { body_: Json }, status: number): void {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body_).toMatchObject({ status, code: CODE_OF[status] });
}

async function runCell(k: Case, col: Col): Promise<void> {
  const c = cellOf(col);
  const r = await k.request(c);
  const url = urlOf(k, r);
  const before = k.state ? await k.state(c, r) : undefined;
  const res = await call(t.app, r.token !== undefined ? r.token : c.token, {
    method: k.method,
    url,
    ...(r.payload ? { payload: r.payload } : {}),
    ...(r.headers ? { headers: r.headers } : {}),
  });
  const expected = k.expect[col];
  expect(res.statusCode, `${k.method} ${url} as ${col}: ${res.body}`).toBe(expected);
  if (expected >= 400) {
    expectProblem(res, expected);
    if (k.state) expect(await k.state(c, r), 'refused request wrote something').toEqual(before);
    return;
  }
  if (k.state && (k.changes?.(c) ?? true))
    expect(await k.state(c, r), 'accepted write changed nothing').not.toEqual(before);
  await k.ok?.(res, c, r);
}

beforeAll(async () => {
  t = await startTestApp();
  const admin = await makeUser(t.database.db, { role: 'admin' });
  const A = await makeSide(admin, 5.03);
  const B = await makeSide(admin, 4.85);
  const key = await call(t.app, admin.token, {
    method: 'POST',
    url: '/v1/api-keys',
    payload: { name: 'Partenaire A', territoryIds: [A.territoryId] },
  });
  if (key.statusCode !== 201) throw new Error(`api key: ${key.statusCode} ${key.body}`);
  const loginUser = await makeUser(t.database.db, {
    role: 'officer',
    territoryIds: [A.territoryId],
  });
  w = {
    admin,
    A,
    B,
    partnerKey: key.body_.key as string,
    partnerKeyId: key.body_.id as string,
    loginUser,
  };
});
afterAll(async () => t?.close());

describe('isolation matrix', () => {
  for (const k of CASES) {
    describe(`${k.op} (${k.method} ${k.path})`, () => {
      for (const col of COLUMNS) {
        it(`${col} → ${k.expect[col]}`, () => runCell(k, col));
      }
    });
  }
});

describe('isolation details', () => {
  it('does not tell a foreign resource from a missing one', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const path of ['/v1/companies/', '/v1/diagnostics/', '/v1/zones/', '/v1/territories/']) {
      const foreignId =
        path === '/v1/companies/'
          ? (w.A.companies[0].id as string)
          : path === '/v1/diagnostics/'
            ? w.A.diagnosticIds[0]
            : path === '/v1/zones/'
              ? w.A.zoneId
              : w.A.territoryId;
      const foreign = await call(t.app, w.B.officer.token, {
        method: 'GET',
        url: path + foreignId,
      });
      const absent = await call(t.app, w.B.officer.token, { method: 'GET', url: path + missing });
      expect(foreign.statusCode).toBe(404);
      expect(absent.statusCode).toBe(404);
      const strip = (b: Json) => ({ ...b, instance: undefined, requestId: undefined });
      expect(strip(foreign.body_)).toEqual(strip(absent.body_));
    }
  });

  it('lets an officer create company accounts only', async () => {
    const before = await count('app_user', 'id', null);
    for (const body of [
      { role: 'officer', territoryIds: [w.A.territoryId] },
      { role: 'admin' },
      { role: 'company', companyId: w.B.companies[0].id as string },
    ]) {
      const res = await call(t.app, w.A.officer.token, {
        method: 'POST',
        url: '/v1/users',
        payload: {
          email: `iso-${uniq()}@example.test`,
          displayName: 'Refusé',
          password: TEST_PASSWORD,
          ...body,
        },
      });
      const status = body.role === 'company' ? 404 : 403;
      expect(res.statusCode, res.body).toBe(status);
      expectProblem(res, status);
    }
    expect(await count('app_user', 'id', null)).toBe(before);
  });

  it('refuses unknown, malformed and revoked credentials with 401', async () => {
    const revoked = await freshToken(w.A.officer.id);
    expect(
      (await call(t.app, revoked, { method: 'POST', url: '/v1/auth/logout' })).statusCode,
    ).toBe(204);
    for (const token of ['sbt_not-a-real-token', 'sbk_not-a-real-key', revoked]) {
      const res = await call(t.app, token, { method: 'GET', url: '/v1/me' });
      expect(res.statusCode).toBe(401);
      expectProblem(res, 401);
    }
    const viaHeader = await call(t.app, null, {
      method: 'GET',
      url: `/v1/territories/${w.A.territoryId}/companies`,
      headers: { 'x-api-key': w.partnerKey },
    });
    expect(viaHeader.statusCode).toBe(403);
    expectProblem(viaHeader, 403);
  });

  it('has a row for every /v1 operation of openapi.json and of the running app', async () => {
    const fromFile = JSON.parse(
      readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'),
    ) as { paths: Record<string, Record<string, { operationId?: string }>> };
    const live = await call(t.app, null, { method: 'GET', url: '/openapi.json' });
    expect(live.statusCode).toBe(200);
    const fromApp = live.body_ as typeof fromFile;
    const covered = new Map(CASES.map((k) => [k.op, `${k.method} ${k.path}`]));
    expect(covered.size, 'an operation appears twice in the matrix').toBe(CASES.length);
    for (const spec of [fromFile, fromApp]) {
      const ops = new Map<string, string>();
      for (const [path, item] of Object.entries(spec.paths)) {
        if (!path.startsWith('/v1/')) continue;
        for (const [method, op] of Object.entries(item)) {
          if (op.operationId) ops.set(op.operationId, `${method.toUpperCase()} ${path}`);
        }
      }
      expect([...covered.keys()].sort()).toEqual([...ops.keys()].sort());
      for (const [op, route] of ops) expect(covered.get(op), op).toBe(route);
    }
  });
});

// ---- imports: an uploaded, dry-run companies file of a territory, ready to commit.
function companiesCsv(): string {
  return `siret;raison_sociale;code_naf\n${makeSiret()};Import ${uniq()};16.24Z\n`;
}

async function importIn(territoryId: string): Promise<string> {
  const res = await call(t.app, w.admin.token, {
    method: 'POST',
    url: `/v1/territories/${territoryId}/imports?kind=companies`,
    headers: { 'content-type': 'text/csv' },
    payload: companiesCsv(),
  });
  if (res.statusCode !== 201) throw new Error(`importIn: ${res.statusCode} ${res.body}`);
  return res.body_.id as string;
}
