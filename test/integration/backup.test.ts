// Backup and restore as documented in docs/operations.md (infra/backup.sh, infra/restore.sh):
// a dump of a populated database restored into a NEW database holds every row of every
// table, identical, and the restored database is ready for the API (migration version).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../services/api/src/app.ts';
import { createDatabase, type Database } from '../../services/core/src/db/database.ts';
import { call, startTestApp, type TestContext } from '../helpers/app.ts';
import { makeCompany, makeDiagnostic, makeUser, makeWorld } from '../helpers/factories.ts';
import { adminQuery, databaseUrl, maintenanceUrl } from '../helpers/global-setup.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
let t: TestContext;
const dir = mkdtempSync(join(tmpdir(), 'symbiose-backup-'));
const restoredName = `symbiose_test_restored_${randomBytes(5).toString('hex')}`;
let restored: Database | undefined;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await restored?.destroy();
  await adminQuery(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`);
  rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

/** Every table of the public schema with its row count and a digest of its rows. */
async function fingerprint(db: Database): Promise<Record<string, { rows: number; md5: string }>> {
  const tables = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename
  `.execute(db);
  const out: Record<string, { rows: number; md5: string }> = {};
  for (const { name } of tables.rows) {
    const r = await sql<{ rows: number; md5: string | null }>`
      SELECT count(*)::int AS rows, md5(string_agg(x::text, '|' ORDER BY x::text)) AS md5
      FROM ${sql.table(name)} x
    `.execute(db);
    out[name] = { rows: r.rows[0]!.rows, md5: r.rows[0]!.md5 ?? '' };
  }
  return out;
}

describe('backup and restore', () => {
  it(
    'restores a pg_dump into a new database with every row of every table',
    {
      timeout: 120_000,
    },
    async () => {
      const w = await makeWorld(t.app, t.database.db);
      const other = await makeCompany(t.app, w.officer.token, w.territory.id as string);
      await makeDiagnostic(t.app, w.officer.token, w.company.id as string, { validate: true });
      await makeDiagnostic(t.app, w.officer.token, other.id as string);
      await makeUser(t.database.db, { role: 'company', companyId: other.id as string });
      const before = await fingerprint(t.database.db);
      expect(before.company!.rows).toBe(2);
      expect(before.flow!.rows).toBeGreaterThan(0);
      expect(before.audit_log!.rows).toBeGreaterThan(0);

      const file = join(dir, 'symbiose.dump');
      await run('bash', ['infra/backup.sh', t.database.url, file], { cwd: root });
      await run('bash', ['infra/restore.sh', file, maintenanceUrl(), restoredName], { cwd: root });

      restored = createDatabase(databaseUrl(restoredName), 2);
      const after = await fingerprint(restored);
      expect(Object.keys(after)).toEqual(Object.keys(before));
      for (const table of Object.keys(before)) {
        expect(after[table], table).toEqual(before[table]);
      }

      // The restored database serves: ready (PostGIS, migration version), same answers.
      const app = await buildApp(t.config, { db: restored, redis: t.redis });
      try {
        const ready = await call(app, null, { method: 'GET', url: '/ready' });
        expect(ready.statusCode).toBe(200);
        const list = await call(app, w.officer.token, {
          method: 'GET',
          url: `/v1/territories/${w.territory.id as string}/companies`,
        });
        expect(list.statusCode).toBe(200);
        expect(list.body_.items).toHaveLength(2);
      } finally {
        await app.close();
      }
    },
  );

  it('refuses to restore over an existing database', async () => {
    const file = join(dir, 'symbiose.dump');
    await expect(
      run('bash', ['infra/restore.sh', file, maintenanceUrl(), t.database.name], { cwd: root }),
    ).rejects.toThrow(/already exists/);
  });
});
