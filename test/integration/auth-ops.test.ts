import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedMigrationVersion } from '../../services/core/src/db/migrate.ts';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import {
  makeCompany,
  makeTerritory,
  makeUser,
  TEST_PASSWORD,
  type TestUser,
} from '../helpers/factories.ts';

let t: TestContext;
let admin: TestUser;
beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.database.db, { role: 'admin' });
});
afterAll(async () => t?.close());

describe('login, tokens and users', () => {
  it('logs in with e-mail and password, returns a bearer token, and logout revokes it', async () => {
    const territory = await makeTerritory(t.app, admin.token);
    const created = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/users',
      payload: {
        email: 'Chargee@Example.test',
        displayName: 'Chargée de mission',
        password: 'un mot de passe long',
        role: 'officer',
        territoryIds: [territory.id],
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.body_).toMatchObject({ role: 'officer', territoryIds: [territory.id] });
    expect(JSON.stringify(created.body_)).not.toMatch(/password|scrypt/i);

    const login = await call(t.app, null, {
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'chargee@example.test', password: 'un mot de passe long' },
    });
    expect(login.statusCode).toBe(200);
    const token = login.body_.token as string;
    expect(token).toMatch(/^sbt_/);
    expect(login.body_.me).toMatchObject({ role: 'officer', territoryIds: [territory.id] });
    const stored = await t.database.db.selectFrom('auth_token').select('token_hash').execute();
    expect(stored.every((r) => !r.token_hash.toString('utf8').includes(token))).toBe(true);

    const me = await call(t.app, token, { method: 'GET', url: '/v1/me' });
    expect(me.body_.displayName).toBe('Chargée de mission');
    expect((await call(t.app, token, { method: 'POST', url: '/v1/auth/logout' })).statusCode).toBe(
      204,
    );
    const after = await call(t.app, token, { method: 'GET', url: '/v1/me' });
    expect(after.statusCode).toBe(401);
    expect(after.body_.code).toBe('unauthenticated');
  });

  it('refuses a wrong password, an unknown account, a weak password and a duplicate e-mail', async () => {
    const user = await makeUser(t.database.db, { role: 'admin' });
    const wrong = await call(t.app, null, {
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: user.email, password: 'nope nope nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const unknown = await call(t.app, null, {
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'ghost@example.test', password: TEST_PASSWORD },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body_.detail).toBe(wrong.body_.detail);
    const ok = await call(t.app, null, {
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: user.email, password: TEST_PASSWORD },
    });
    expect(ok.statusCode).toBe(200);

    const weak = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/users',
      payload: { email: 'w@example.test', displayName: 'W', password: 'short', role: 'admin' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body_.errors[0].path).toBe('body.password');
    const dup = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/users',
      payload: {
        email: user.email.toUpperCase(),
        displayName: 'D',
        password: TEST_PASSWORD,
        role: 'admin',
      },
    });
    expect(dup.statusCode).toBe(409);
  });

  it('expired tokens and disabled users are refused', async () => {
    const user = await makeUser(t.database.db, { role: 'admin' });
    await t.database.db
      .updateTable('auth_token')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    expect((await call(t.app, user.token, { method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
    const other = await makeUser(t.database.db, { role: 'admin' });
    await t.database.db
      .updateTable('app_user')
      .set({ disabled_at: new Date() })
      .where('id', '=', other.id)
      .execute();
    expect((await call(t.app, other.token, { method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
    admin = await makeUser(t.database.db, { role: 'admin' });
  });

  it('an officer creates company users for its own territory only', async () => {
    const a = await makeTerritory(t.app, admin.token);
    const b = await makeTerritory(t.app, admin.token);
    const officer = await makeUser(t.database.db, { role: 'officer', territoryIds: [a.id] });
    const companyA = await makeCompany(t.app, admin.token, a.id);
    const companyB = await makeCompany(t.app, admin.token, b.id);
    const body = (companyId: string, email: string) => ({
      email,
      displayName: 'Responsable',
      password: TEST_PASSWORD,
      role: 'company',
      companyId,
    });
    expect(
      (
        await call(t.app, officer.token, {
          method: 'POST',
          url: '/v1/users',
          payload: body(companyA.id, 'ok@a.test'),
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await call(t.app, officer.token, {
          method: 'POST',
          url: '/v1/users',
          payload: body(companyB.id, 'no@b.test'),
        })
      ).statusCode,
    ).toBe(404);
    const asAdmin = await call(t.app, officer.token, {
      method: 'POST',
      url: '/v1/users',
      payload: { ...body(companyA.id, 'x@a.test'), role: 'admin' },
    });
    expect(asAdmin.statusCode).toBe(403);
    const noCompany = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/users',
      payload: { ...body(companyA.id, 'y@a.test'), companyId: undefined },
    });
    expect(noCompany.statusCode).toBe(422);
    const list = await call(t.app, officer.token, { method: 'GET', url: '/v1/users' });
    expect(list.body_.items.map((u: Json) => u.email)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^officer-/), 'ok@a.test']),
    );
    expect(list.body_.items.map((u: Json) => u.email)).not.toContain('no@b.test');
  });

  it('partner API keys: shown once, stored hashed, scoped, revocable, last use recorded', async () => {
    const territory = await makeTerritory(t.app, admin.token);
    const created = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: 'ADEME BFC', territoryIds: [territory.id] },
    });
    expect(created.statusCode).toBe(201);
    const key = created.body_.key as string;
    expect(key).toMatch(/^sbk_/);
    const listed = await call(t.app, admin.token, { method: 'GET', url: '/v1/api-keys' });
    expect(JSON.stringify(listed.body_)).not.toContain(key);

    const me = await call(t.app, null, {
      method: 'GET',
      url: '/v1/me',
      headers: { 'x-api-key': key },
    });
    expect(me.body_).toMatchObject({
      kind: 'api_key',
      role: 'partner',
      territoryIds: [territory.id],
    });
    const territories = await call(t.app, key, { method: 'GET', url: '/v1/territories' });
    expect(territories.body_.items.map((x: Json) => x.id)).toEqual([territory.id]);
    const used = await t.database.db
      .selectFrom('api_key')
      .select('last_used_at')
      .where('id', '=', created.body_.id)
      .executeTakeFirstOrThrow();
    expect(used.last_used_at).not.toBeNull();

    const revoked = await call(t.app, admin.token, {
      method: 'DELETE',
      url: `/v1/api-keys/${created.body_.id as string}`,
    });
    expect(revoked.body_.revokedAt).toBeTruthy();
    expect((await call(t.app, key, { method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
  });
});

describe('operations', () => {
  it('/health answers, /ready checks PostgreSQL, migrations and Redis', async () => {
    expect((await call(t.app, null, { method: 'GET', url: '/health' })).body_).toEqual({
      status: 'ok',
    });
    const ready = await call(t.app, null, { method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.body_.checks).toMatchObject({
      postgres: { ok: true },
      migrations: { ok: true, detail: `version ${await expectedMigrationVersion()}` },
      redis: { ok: true },
    });
  });

  it('/ready answers 503 when Redis is unreachable', async () => {
    const { startTestApp: start } = await import('../helpers/app.ts');
    const broken = await start({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await call(broken.app, null, { method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.body_.checks.redis.ok).toBe(false);
      expect(res.body_.checks.postgres.ok).toBe(true);
    } finally {
      await broken.close();
    }
  });

  it('answers 503 problem+json (no stack, no SQL) when PostgreSQL is unreachable', async () => {
    const { buildApp } = await import('../../services/api/src/app.ts');
    const { createDatabase } = await import('../../services/core/src/db/database.ts');
    const { createRedis } = await import('../../services/core/src/redis.ts');
    const db = createDatabase('postgres://postgres@127.0.0.1:1/nowhere', 1);
    const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const app = await buildApp(t.config, { db, redis });
    try {
      const res = await call(app, 'sbt_whatever', { method: 'GET', url: '/v1/territories' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).not.toMatch(/ECONNREFUSED|at .*\.ts|select /i);
      const ready = await call(app, null, { method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.body_.checks.postgres.ok).toBe(false);
    } finally {
      await app.close();
      await db.destroy();
      redis.disconnect();
    }
  });

  it('serves the OpenAPI 3.1 document identical to the committed openapi.json, and the docs page', async () => {
    const res = await call(t.app, null, { method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.body_.openapi).toBe('3.1.0');
    const committed = JSON.parse(
      await readFile(new URL('../../openapi.json', import.meta.url), 'utf8'),
    ) as Json;
    expect(res.body_).toEqual(committed);
    for (const [path, ops] of Object.entries(
      res.body_.paths as Record<string, Record<string, Json>>,
    )) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId, `${method} ${path}`).toBeTruthy();
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(op.tags?.length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/swagger/i);
  });

  it('every /v1 route requires a token; unknown routes answer a problem+json 404; request ids are echoed', async () => {
    const res = await call(t.app, null, {
      method: 'GET',
      url: '/v1/territories',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.body_).toMatchObject({
      status: 401,
      code: 'unauthenticated',
      requestId: 'abc-123',
      type: expect.stringContaining('unauthenticated'),
    });
    const missing = await call(t.app, admin.token, { method: 'GET', url: '/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/problem\+json/);
  });
});
