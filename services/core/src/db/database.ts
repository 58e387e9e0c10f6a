import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { DB } from '../../../../shared/db/types.generated.ts';

export type Database = Kysely<DB>;
export type Tx = Transaction<DB>;
/** Repositories take either the pool or a transaction as their first argument. */
export type Executor = Kysely<DB> | Transaction<DB>;

// int8 (bigserial ids, count(*)) arrives as string by default; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// `date` columns stay ISO strings instead of local-midnight Date objects.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export function createDatabase(connectionString: string, max = 10): Database {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5000 });
  // An idle client losing its server must not crash the process.
  pool.on('error', () => undefined);
  // `cursor`: large reads (a national snapshot) can stream in chunks (`.stream()`).
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
}
