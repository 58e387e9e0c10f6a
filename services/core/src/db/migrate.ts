import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import Postgrator from 'postgrator';
import { loadReferenceData, type ReferenceDataCounts } from './reference-data.repo.ts';

const MIGRATIONS_GLOB = fileURLToPath(new URL('../../../../migrations/*.sql', import.meta.url));
// Any constant: serialises concurrent migrators (two API replicas starting together).
const MIGRATION_LOCK_KEY = 727_001;

export interface MigrationResult {
  applied: string[];
  version: number;
  referenceData?: ReferenceDataCounts;
}

/**
 * Applies the pending numbered SQL migrations and reloads the reference data
 * (EWC, NAF, catalogue) in ONE transaction: either everything lands and is
 * recorded in `schemaversion`, or nothing does.
 */
export async function migrate(
  connectionString: string,
  opts: { referenceData?: boolean } = {},
): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const postgrator = new Postgrator({
      migrationPattern: MIGRATIONS_GLOB,
      driver: 'pg',
      schemaTable: 'schemaversion',
      validateChecksums: true,
      execQuery: (query) => client.query(query),
    });
    const applied = await postgrator.migrate();
    const result: MigrationResult = {
      applied: applied.map((m) => `${m.version} ${m.name}`),
      version: Number(await postgrator.getDatabaseVersion()),
    };
    if (opts.referenceData !== false) result.referenceData = await loadReferenceData(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

let shippedVersion: Promise<number> | undefined;

/** Highest migration number shipped with this build (for /ready); read once. */
export function expectedMigrationVersion(): Promise<number> {
  shippedVersion ??= readdir(
    fileURLToPath(new URL('../../../../migrations/', import.meta.url)),
  ).then((files) => Math.max(0, ...files.map((f) => Number(/^(\d+)\.do\./.exec(f)?.[1] ?? 0))));
  return shippedVersion;
}
