// Security hardening on the real services: headers, CORS, body and JSON limits, login
// rate limit and lockout, password policy and change, secrets kept out of the logs,
// GDPR export and erasure, Prometheus metrics. (Each point of docs/security.md names its test.)
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { countRows } from '../helpers/db.ts';
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
  t = await startTestApp({ LOGIN_MAX_ATTEMPTS: '3', LOGIN_RATE_PER_MINUTE: '1000' });
  admin = await makeUser(t.database.db, { role: 'admin' });
});
afterAll(async () => t?.close());

const login = (email: string, password: string, app = t.app) =>
  call(app, null, { method: 'POST', url: '/v1/auth/login', payload: { email, password } });

function expectProblem(res: { headers: Record<string, unknown>; body_: Json }, status: number) {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body_.status).toBe(status);
}

describe('HTTP hardening', () => {
  it('sends security headers on API answers, errors and health', async () => {
    for (const url of ['/health', '/v1/me', '/v1/nothing']) {
      const res = await call(t.app, url === '/health' ? null : admin.token, {
        method: 'GET',
        url,
      });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    expect((await t.app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
  });

  it('allows only the configured browser origins (none by default)', async () => {
    const preflight = (app: TestContext['app'], origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/v1/territories',
        headers: {
          origin,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
    const closed = await preflight(t.app, 'https://eit.example.fr');
    expect(closed.headers['access-control-allow-origin']).toBeUndefined();

    const open = await startTestApp({ CORS_ORIGINS: 'https://eit.example.fr' });
    try {
      const ok = await preflight(open.app, 'https://eit.example.fr');
      expect(ok.headers['access-control-allow-origin']).toBe('https://eit.example.fr');
      expect(ok.headers['access-control-allow-headers']).toMatch(/authorization/);
      const other = await preflight(open.app, 'https://evil.example.com');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      const get = await open.app.inject({
        method: 'GET',
        url: '/health',
        headers: { origin: 'https://evil.example.com' },
      });
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('refuses bodies over the size limit (413) and JSON nested too deep (400), writing nothing', async () => {
    const before = await countRows(t.database.db, 'territory');
    const huge = await t.app.inject({
      method: 'POST',
      url: '/v1/territories',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ slug: 'x', name: 'y'.repeat(6 * 1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toMatch(/problem\+json/);
    for (const depth of [40, 200_000]) {
      const deep = await t.app.inject({
        method: 'POST',
        url: '/v1/territories',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        payload: `{"slug":"deep","name":"Deep","x":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      });
      expect(deep.statusCode).toBe(400);
      expect(deep.headers['content-type']).toMatch(/problem\+json/);
      expect(JSON.parse(deep.body).detail).toMatch(/imbriqué/);
    }
    // Brackets inside strings do not count.
    const inString = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/territories',
      payload: { slug: `brackets-${Date.now()}`, name: '[[[[[[[[[[[[[[[['.repeat(10) },
    });
    expect(inString.statusCode).toBe(201);
    expect(await countRows(t.database.db, 'territory')).toBe(before + 1);
    expect((await call(t.app, null, { method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});

describe('login protection', () => {
  it('locks an address after repeated failures, the same way for unknown addresses', async () => {
    const user = await makeUser(t.database.db, { role: 'officer' });
    const ghost = `ghost-${Date.now()}@example.test`;
    for (const email of [user.email, ghost]) {
      for (let i = 0; i < 3; i++) {
        const res = await login(email, 'wrong password here');
        expect(res.statusCode).toBe(401);
      }
    }
    const known = await login(user.email, TEST_PASSWORD); // right password, but locked
    const unknown = await login(ghost, TEST_PASSWORD);
    for (const res of [known, unknown]) {
      expect(res.statusCode).toBe(429);
      expectProblem(res, 429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    const strip = (b: Json) => ({ ...b, instance: undefined, requestId: undefined });
    expect(strip(known.body_)).toEqual(strip(unknown.body_));
    // Addresses are counted by hash; none is stored in clear.
    const rows = await t.database.db.selectFrom('login_throttle').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(user.email);
    // Other accounts are not affected.
    const other = await makeUser(t.database.db, { role: 'officer' });
    expect((await login(other.email, TEST_PASSWORD)).statusCode).toBe(200);
    // Once the lock has expired, the right password works and clears the counter.
    await t.database.db
      .updateTable('login_throttle')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .execute();
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);
    expect((await login(user.email.toUpperCase(), 'wrong again')).statusCode).toBe(401);
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('rate-limits login attempts per client address (429 problem+json with Retry-After)', async () => {
    const limited = await startTestApp({ LOGIN_RATE_PER_MINUTE: '3' });
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) {
        answers.push(await login(`rl-${i}@example.test`, 'whatever password', limited.app));
      }
      const codes = answers.map((a) => a.statusCode);
      const last = answers[4]!;
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      expectProblem(last, 429);
      expect(last.body_.code).toBe('rate_limited');
      expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
      // Other routes are not limited by it.
      expect((await call(limited.app, null, { method: 'GET', url: '/health' })).statusCode).toBe(
        200,
      );
    } finally {
      await limited.close();
    }
  });
});

describe('passwords and tokens', () => {
  it('refuses passwords that repeat the e-mail or are common (422), writing nothing', async () => {
    const before = await countRows(t.database.db, 'app_user');
    for (const [email, password] of [
      ['jeanne.martin@example.test', 'jeanne.martin@example.test'],
      ['jeanne.martin@example.test', 'Jeanne.Martin-2026'],
      ['p@example.test', 'motdepasse123'],
      ['p@example.test', 'aaaaaaaaaaaaaaa'],
    ] as const) {
      const res = await call(t.app, admin.token, {
        method: 'POST',
        url: '/v1/users',
        payload: { email, displayName: 'Faible', password, role: 'admin' },
      });
      expect(res.statusCode, password).toBe(422);
      expectProblem(res, 422);
      expect(res.body_.errors[0].path).toBe('body.password');
    }
    expect(await countRows(t.database.db, 'app_user')).toBe(before);
  });

  it('changing one’s password checks the current one, applies the policy and revokes every token', async () => {
    const user = await makeUser(t.database.db, { role: 'officer' });
    const second = (await login(user.email, TEST_PASSWORD)).body_.token as string;
    const change = (payload: Json, token = user.token) =>
      call(t.app, token, { method: 'POST', url: '/v1/me/password', payload });
    const wrong = await change({
      currentPassword: 'not it at all',
      newPassword: 'une phrase neuve',
    });
    expect(wrong.statusCode).toBe(422);
    const weak = await change({ currentPassword: TEST_PASSWORD, newPassword: 'password1234' });
    expect(weak.statusCode).toBe(422);
    expect(weak.body_.errors[0].path).toBe('body.newPassword');
    expect((await call(t.app, user.token, { method: 'GET', url: '/v1/me' })).statusCode).toBe(200);

    const ok = await change({ currentPassword: TEST_PASSWORD, newPassword: 'une phrase neuve' });
    expect(ok.statusCode).toBe(204);
    for (const token of [user.token, second]) {
      expect((await call(t.app, token, { method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
    }
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login(user.email, 'une phrase neuve')).statusCode).toBe(200);
  });
});

describe('logs', () => {
  it('never contain passwords, tokens or API keys, and carry the request id', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logged = await startTestApp({ LOG_LEVEL: 'trace' }, { logStream: sink });
    try {
      const root = await makeUser(logged.database.db, { role: 'admin' });
      const territory = await makeTerritory(logged.app, root.token);
      const password = 'a very secret passphrase 42';
      const created = await call(logged.app, root.token, {
        method: 'POST',
        url: '/v1/users',
        payload: {
          email: `logs-${Date.now()}@example.test`,
          displayName: 'Journal',
          password,
          role: 'officer',
          territoryIds: [territory.id],
        },
      });
      expect(created.statusCode).toBe(201);
      expect(
        (await login(created.body_.email, 'a wrong secret password', logged.app)).statusCode,
      ).toBe(401);
      const ok = await call(logged.app, null, {
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: created.body_.email, password },
        headers: { 'x-request-id': 'trace-login-1' },
      });
      const token = ok.body_.token as string;
      expect(token).toMatch(/^sbt_/);
      await call(logged.app, token, { method: 'GET', url: '/v1/me' });
      const key = await call(logged.app, root.token, {
        method: 'POST',
        url: '/v1/api-keys',
        payload: { name: 'Journal', territoryIds: [territory.id] },
      });
      const apiKey = key.body_.key as string;
      await call(logged.app, null, {
        method: 'GET',
        url: '/v1/me',
        headers: { 'x-api-key': apiKey, cookie: 'session=cookie-secret-value' },
      });
      await call(logged.app, apiKey, { method: 'GET', url: '/v1/territories' });
      await call(logged.app, 'sbt_forged-token-value', { method: 'GET', url: '/v1/me' });
      await call(logged.app, root.token, {
        method: 'POST',
        url: '/v1/me/password',
        payload: { currentPassword: TEST_PASSWORD, newPassword: 'another secret phrase 43' },
      });

      const text = lines.join('');
      expect(lines.length).toBeGreaterThan(10);
      for (const secret of [
        password,
        'a wrong secret password',
        token,
        apiKey,
        root.token,
        'sbt_forged-token-value',
        'cookie-secret-value',
        'another secret phrase 43',
        TEST_PASSWORD,
      ]) {
        expect(text.includes(secret), `secret found in logs: ${secret.slice(0, 8)}…`).toBe(false);
      }
      expect(text).toContain('[secret]');
      // Structured: one JSON object per line, with the request id of the request.
      const entries = lines
        .flatMap((l) => l.split('\n').filter(Boolean))
        .map((l) => JSON.parse(l) as Json);
      expect(entries.some((e) => e.reqId === 'trace-login-1')).toBe(true);
    } finally {
      await logged.close();
    }
  });
});

describe('personal data (GDPR)', () => {
  it('exports a user’s data to themselves and erases it on request, keeping the audit trail', async () => {
    const territory = await makeTerritory(t.app, admin.token);
    const company = await makeCompany(t.app, admin.token, territory.id as string);
    const email = `rgpd-${Date.now()}@example.test`;
    const created = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/users',
      payload: {
        email,
        displayName: 'Camille Dupont',
        password: 'la phrase de Camille',
        role: 'company',
        companyId: company.id,
      },
    });
    expect(created.statusCode).toBe(201);
    const id = created.body_.id as string;
    const token = (await login(email, 'la phrase de Camille')).body_.token as string;
    await call(t.app, token, {
      method: 'POST',
      url: '/v1/me/password',
      payload: { currentPassword: 'la phrase de Camille', newPassword: 'la nouvelle phrase' },
    });
    const token2 = (await login(email, 'la nouvelle phrase')).body_.token as string;

    const own = await call(t.app, token2, { method: 'GET', url: `/v1/users/${id}/personal-data` });
    expect(own.statusCode).toBe(200);
    expect(own.body_.user).toMatchObject({ id, email, displayName: 'Camille Dupont' });
    expect(own.body_.tokens.length).toBe(2);
    expect(own.body_.actions.map((a: Json) => a.action)).toEqual(
      expect.arrayContaining(['login', 'change_password']),
    );
    expect(JSON.stringify(own.body_)).not.toMatch(/sbt_|scrypt/);

    const auditBefore = await countRows(t.database.db, 'audit_log');
    const byUser = await call(t.app, token2, { method: 'POST', url: `/v1/users/${id}/erase` });
    expect(byUser.statusCode).toBe(403);
    expect(await countRows(t.database.db, 'audit_log')).toBe(auditBefore);

    const erased = await call(t.app, admin.token, { method: 'POST', url: `/v1/users/${id}/erase` });
    expect(erased.statusCode).toBe(200);
    expect(erased.body_.email).toBe(`erased-${id}@erased.invalid`);
    expect(erased.body_.displayName).toBe('Compte effacé');
    expect(erased.body_.disabledAt).toBeTruthy();
    expect((await call(t.app, token2, { method: 'GET', url: '/v1/me' })).statusCode).toBe(401);
    expect((await login(email, 'la nouvelle phrase')).statusCode).toBe(401);
    const again = await call(t.app, admin.token, { method: 'POST', url: `/v1/users/${id}/erase` });
    expect(again.statusCode).toBe(409);

    // The audit trail stays (same rows, same actor), but no longer names the person.
    const trail = await t.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where((eb) => eb.or([eb('actor_user_id', '=', id), eb('entity_id', '=', id)]))
      .execute();
    expect(trail.length).toBeGreaterThanOrEqual(4);
    expect(trail.filter((a) => a.actor_user_id === id).map((a) => a.action)).toEqual(
      expect.arrayContaining(['login', 'change_password']),
    );
    const dump = JSON.stringify(trail);
    expect(dump).not.toContain(email);
    expect(dump).not.toContain('Camille Dupont');
    const exported = await call(t.app, admin.token, {
      method: 'GET',
      url: `/v1/users/${id}/personal-data`,
    });
    expect(exported.body_.erasedAt).toBeTruthy();
    expect(JSON.stringify(exported.body_)).not.toContain(email);
    // The company and its data are untouched.
    const still = await call(t.app, admin.token, {
      method: 'GET',
      url: `/v1/companies/${company.id}`,
    });
    expect(still.statusCode).toBe(200);
  });
});

describe('metrics', () => {
  it('/metrics exposes request latency by route, queue depth and outbox backlog', async () => {
    await call(t.app, admin.token, { method: 'GET', url: '/v1/territories' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toMatch(
      /symbiose_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/territories"[^}]*status_code="200"/,
    );
    expect(res.body).toMatch(/symbiose_outbox_pending\{service="api"\} \d+/);
    expect(res.body).toMatch(/symbiose_queue_jobs\{state="waiting",service="api"\} \d+/);
    expect(res.body).toMatch(/symbiose_process_resident_memory_bytes/);
    expect(res.body).not.toContain(admin.token);
  });

  it('requires METRICS_TOKEN when it is configured', async () => {
    const guarded = await startTestApp({ METRICS_TOKEN: 'metrics-secret-0123456789' });
    try {
      const anon = await guarded.app.inject({ method: 'GET', url: '/metrics' });
      expect(anon.statusCode).toBe(401);
      expect(anon.headers['content-type']).toMatch(/problem\+json/);
      const ok = await guarded.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer metrics-secret-0123456789' },
      });
      expect(ok.statusCode).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
