import { sql } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';

/** Highest applied migration, or null when the schema table is missing. */
export async function appliedMigrationVersion(db: Executor): Promise<number | null> {
  const r = await sql<{
    v: number | null;
  }>`SELECT max(version)::int AS v FROM schemaversion`.execute(db);
  return r.rows[0]?.v ?? null;
}
