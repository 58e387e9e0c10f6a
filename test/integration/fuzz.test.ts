// Fuzz-style test of every write route, enumerated from the app's own OpenAPI document
// (routes added later are covered without editing this file). Path parameters are real
// ids of a seeded world, so that a hostile body reaches validation on a live resource.
// Every answer must be a 4xx problem+json, no table may gain or lose a row, and the
// process must keep answering /health.
import type { InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { makeDiagnostic, makeSiret, makeWorld, square } from '../helpers/factories.ts';

type Schema = Json;
interface Operation {
  id: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body: Schema | null;
}

let t: TestContext;
let spec: Json;
let adminToken: string;
/** Real ids by the path segment that precedes a parameter (`/zones/{id}` → zones). */
const idsBySegment: Record<string, string> = {};

const SQL_INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE company; --",
  '1; SELECT pg_sleep(5)--',
  "' UNION SELECT password_hash FROM app_user --",
  '$1',
  '\\x00\u0000',
  // Invisible text: bidi override and byte-order mark.
  '\u202e\ufeff',
];
const JSON_INJECTIONS: unknown[] = [
  { $ne: null },
  { $gt: '' },
  ["' OR 1=1 --"],
  { toString: 'x', valueOf: 1 },
];
const HUGE = 'x'.repeat(1_100_000);
const WRONG_TYPES: unknown[] = [HUGE, -1e308, 1e308, true, [], {}, null, '', ' '];
const ROOTS: unknown[] = [[], 'text', 42, null, true, [{}], HUGE];
/** Raw bodies that must be refused before any route code runs. */
const RAW_BODIES: string[] = [
  '{"a":',
  "{'a':1}",
  '{"a":1,}',
  'NaN',
  '{"a":1}{"b":2}',
  '\u0000',
  '{"__proto__":{"isAdmin":true},"name":"x"}',
  '{"constructor":{"prototype":{"isAdmin":true}},"name":"x"}',
  `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
  `{"a":"${'y'.repeat(6 * 1024 * 1024)}"}`,
];
const INVALID_GEOMETRIES: unknown[] = [
  { type: 'Point', coordinates: [999, 999] },
  { type: 'Point', coordinates: [5] },
  { type: 'Point', coordinates: ['5', '47'] },
  { type: 'Point' },
  { type: 'Circle', coordinates: [5, 47], radius: 10 },
  { type: 'Polygon', coordinates: [] },
  {
    type: 'Polygon',
    coordinates: [
      [
        [5, 47],
        [5.1, 47],
        [5.1, 47.1],
      ],
    ],
  },
  // A bow tie: well-formed, but self-intersecting (PostGIS ST_IsValid refuses it).
  {
    type: 'Polygon',
    coordinates: [
      [
        [5, 47],
        [5.1, 47.1],
        [5.1, 47],
        [5, 47.1],
        [5, 47],
      ],
    ],
  },
  { type: 'FeatureCollection', features: [] },
  'POINT(5 47)',
];

/** Known-valid bodies around a geometry, so that only the geometry is wrong. */
const GEOMETRY_BASES: Record<string, (g: unknown) => Json> = {
  createZone: (g) => ({ type: 'Feature', properties: { name: 'Zone fuzz' }, geometry: g }),
  updateZone: (g) => ({ type: 'Feature', geometry: g }),
  createCompany: (g) => ({ siret: makeSiret(), name: 'Fuzz', nafCode: '16.24Z', location: g }),
  updateCompany: (g) => ({ location: g }),
};

function resolve(s: Schema | undefined): Schema {
  let cur = s ?? {};
  while (typeof cur.$ref === 'string') {
    const name = cur.$ref.replace('#/components/schemas/', '');
    cur = (spec.components.schemas as Json)[name] as Schema;
  }
  return cur;
}

/** A property that accepts any short string: a hostile string there may be legitimate data. */
function isFreeText(s: Schema): boolean {
  const r = resolve(s);
  if (r.anyOf) return (r.anyOf as Schema[]).some(isFreeText);
  return r.type === 'string' && !r.format && !r.enum && !r.pattern && r.const === undefined;
}

function mentionsGeometry(s: Schema): boolean {
  const text = JSON.stringify(s);
  return /coordinates|Geometry/.test(text);
}

function writeOperations(): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, op] of Object.entries(item)) {
      const m = method.toUpperCase();
      if (m !== 'POST' && m !== 'PUT' && m !== 'PATCH' && m !== 'DELETE') continue;
      const schema = op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
      ops.push({ id: op.operationId as string, method: m, path, body: schema ?? null });
    }
  }
  return ops;
}

function urlOf(op: Operation, override?: { name: string; value: string }): string {
  return op.path.replace(/\/([\w-]+)\/\{(\w+)\}/g, (_m, segment: string, name: string) => {
    const value =
      override?.name === name
        ? override.value
        : (idsBySegment[segment] ?? '00000000-0000-4000-8000-000000000000');
    return `/${segment}/${encodeURIComponent(value)}`;
  });
}

/** Hostile JSON bodies for an operation that takes one. */
function hostileBodies(op: Operation): unknown[] {
  const schema = resolve(op.body!);
  const props = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  const bodies: unknown[] = [...ROOTS];
  const fill = (value: (s: Schema) => unknown) =>
    Object.fromEntries(props.map(([k, s]) => [k, value(s)]));
  if (props.length === 0) {
    // An open schema (e.g. a rule document checked by the service): hostile keys and values.
    for (const v of [...WRONG_TYPES, ...JSON_INJECTIONS, ...SQL_INJECTIONS]) {
      bodies.push({ id: v, name: v, type: v, labelFr: v, supply: v, demand: v, sources: v });
    }
    return bodies;
  }
  for (const v of [...WRONG_TYPES, ...JSON_INJECTIONS]) bodies.push(fill(() => v));
  // SQL injection strings where no free text is expected; free text keeps a plain value.
  if (props.some(([, s]) => !isFreeText(s))) {
    for (const v of SQL_INJECTIONS) bodies.push(fill((s) => (isFreeText(s) ? 'x' : v)));
  }
  // Every property a wrong type in turn, the others a plausible string.
  for (const [k] of props) bodies.push({ ...fill(() => 'x'), [k]: { $where: 'sleep(1000)' } });
  if (mentionsGeometry(schema)) {
    const base = GEOMETRY_BASES[op.id];
    for (const g of INVALID_GEOMETRIES) {
      if (base) bodies.push(base(g));
      else bodies.push(fill((s) => (mentionsGeometry(resolve(s)) ? g : 'x')));
    }
  }
  return bodies;
}

async function rowCounts(): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
  `.execute(t.database.db);
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(name)}`.execute(
      t.database.db,
    );
    counts[name] = r.rows[0]!.n;
  }
  return counts;
}

beforeAll(async () => {
  t = await startTestApp({ LOGIN_RATE_PER_MINUTE: '10000' });
  spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const w = await makeWorld(t.app, t.database.db);
  adminToken = w.admin.token;
  const draft = await makeDiagnostic(t.app, w.officer.token, w.company.id as string);
  const db = t.database.db;
  const territoryId = w.territory.id as string;
  const synergy = await db
    .insertInto('synergy')
    .values({
      territory_id: territoryId,
      key: 'fuzz-synergy',
      type: 'mutualisation',
      resource_code: 'ENE.ELEC',
      score: 0.5,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('synergy_participant')
    .values({
      synergy_id: synergy.id,
      territory_id: territoryId,
      role: 'member',
      company_id: w.company.id as string,
      position: 0,
    })
    .execute();
  const group = await db
    .insertInto('working_group')
    .values({ territory_id: territoryId, theme: 'energy_purchasing', name: 'Groupe fuzz' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const correction = await db
    .insertInto('diagnostic_correction')
    .values({
      territory_id: territoryId,
      company_id: w.company.id as string,
      diagnostic_id: draft.id as string,
      edits: JSON.stringify([]),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const rule = await db.selectFrom('compatibility_rule').select('id').executeTakeFirst();
  const key = await call(t.app, adminToken, {
    method: 'POST',
    url: '/v1/api-keys',
    payload: { name: 'Fuzz', territoryIds: [territoryId] },
  });
  Object.assign(idsBySegment, {
    territories: territoryId,
    zones: w.zone.id as string,
    companies: w.company.id as string,
    diagnostics: draft.id as string,
    synergies: synergy.id,
    'working-groups': group.id,
    members: w.company.id as string,
    corrections: correction.id,
    users: w.officer.id,
    'api-keys': key.body_.id as string,
    ...(rule ? { rules: rule.id } : {}),
  });
}, 120_000);
afterAll(async () => t?.close());

describe('fuzzing every write route', () => {
  it(
    'answers every hostile request with a 4xx problem+json, writes nothing and stays up',
    {
      timeout: 300_000,
    },
    async () => {
      const ops = writeOperations();
      expect(ops.length).toBeGreaterThan(20);
      const before = await rowCounts();
      const failures: string[] = [];
      let sent = 0;
      const check = async (op: Operation, label: string, req: InjectOptions) => {
        const res = await t.app.inject(req);
        sent++;
        const type = String(res.headers['content-type'] ?? '');
        if (
          res.statusCode < 400 ||
          res.statusCode >= 500 ||
          !type.startsWith('application/problem+json')
        ) {
          failures.push(`${op.id} ${label}: ${res.statusCode} ${type} ${res.body.slice(0, 200)}`);
        }
      };
      const auth = { authorization: `Bearer ${adminToken}` };
      for (const op of ops) {
        const url = urlOf(op);
        // Unparseable or oversized bodies: refused before any route code, body schema or not.
        for (const [i, raw] of RAW_BODIES.entries()) {
          await check(op, `raw#${i}`, {
            method: op.method,
            url,
            headers: { ...auth, 'content-type': 'application/json' },
            payload: raw,
          });
        }
        await check(op, 'empty json', {
          method: op.method,
          url,
          headers: { ...auth, 'content-type': 'application/json' },
          payload: '',
        });
        // Injection strings in each path parameter.
        for (const name of [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)) {
          for (const v of [
            ...SQL_INJECTIONS.filter((s) => !s.includes('\u0000')),
            '../../etc/passwd',
            'x'.repeat(5000),
          ]) {
            await check(op, `path ${name}=${v.slice(0, 20)}`, {
              method: op.method,
              url: urlOf(op, { name, value: v }),
              headers: auth,
              ...(op.body ? { payload: {} } : {}),
            });
          }
        }
        if (!op.body) continue;
        for (const [i, body] of hostileBodies(op).entries()) {
          await check(op, `body#${i} ${JSON.stringify(body).slice(0, 60)}`, {
            method: op.method,
            url,
            headers: { ...auth, 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          });
        }
        // Not JSON at all.
        await check(op, 'text/plain', {
          method: op.method,
          url,
          headers: { ...auth, 'content-type': 'text/plain' },
          payload: 'hello',
        });
      }
      expect(failures, failures.join('\n')).toEqual([]);
      expect(sent).toBeGreaterThan(500);
      expect(await rowCounts()).toEqual(before);
      expect((await call(t.app, null, { method: 'GET', url: '/health' })).statusCode).toBe(200);
      expect((await call(t.app, adminToken, { method: 'GET', url: '/v1/me' })).statusCode).toBe(
        200,
      );
    },
  );

  it('stores an injection string given as free text verbatim (parameterised SQL)', async () => {
    const name = "Robert'); DROP TABLE company; --";
    const res = await call(t.app, adminToken, {
      method: 'POST',
      url: '/v1/territories',
      payload: { slug: `injection-${Date.now()}`, name },
    });
    expect(res.statusCode).toBe(201);
    const read = await call(t.app, adminToken, {
      method: 'GET',
      url: `/v1/territories/${res.body_.id as string}`,
    });
    expect(read.body_.name).toBe(name);
    const zone = await call(t.app, adminToken, {
      method: 'POST',
      url: `/v1/territories/${res.body_.id as string}/zones`,
      payload: {
        type: 'Feature',
        properties: { name: "'; DELETE FROM zone; --" },
        geometry: square(5, 47),
      },
    });
    expect(zone.statusCode).toBe(201);
    expect(zone.body_.properties.name).toBe("'; DELETE FROM zone; --");
    expect(
      (
        await call(t.app, adminToken, {
          method: 'GET',
          url: `/v1/companies/${idsBySegment.companies!}`,
        })
      ).statusCode,
    ).toBe(200);
  });
});
