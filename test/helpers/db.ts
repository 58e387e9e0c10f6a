import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../services/core/src/db/database.ts';
import type { DB } from '../../shared/db/types.generated.ts';
import { adminQuery, databaseUrl } from './global-setup.ts';

export interface TestDatabase {
  name: string;
  url: string;
  db: Database;
  drop: () => Promise<void>;
}

/** A fresh database cloned from the migrated template (reference data included). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `symbiose_test_${randomBytes(6).toString('hex')}`;
  const template = inject('templateDb');
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (err) {
      // Two files cloning at the same instant: "source database is being accessed by other users".
      if (attempt >= 10 || !/being accessed/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
    }
  }
  const url = databaseUrl(name);
  const db = createDatabase(url, 5);
  return {
    name,
    url,
    db,
    drop: async () => {
      await db.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Row count of a table, to prove that a refused request wrote nothing. */
export async function countRows(db: Database, table: keyof DB): Promise<number> {
  const r = await db
    .selectFrom(table)
    .select((e) => e.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
