import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, type PostgresPoolClient, type Transaction } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import Cursor from 'pg-cursor';
import type { DB } from '../../../../shared/db/types.generated.ts';

export type Database = Kysely<DB>;
export type Tx = Transaction<DB>;
/** Repositories take either the pool or a transaction as their first argument. */
export type Executor = Kysely<DB> | Transaction<DB>;

/** Data for COPY … FROM STDIN: chunks of text in the statement's format. */
export type CopySource = Iterable<string> | AsyncIterable<string> | NodeJS.ReadableStream;
/** Runs a COPY … FROM STDIN inside the transaction of a copyingTransaction. */
export type CopyIn = (statement: string, source: CopySource) => Promise<void>;

// int8 (bigserial ids, count(*)) arrives as string by default; our counts fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// `date` columns stay ISO strings instead of local-midnight Date objects.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type CopyValue = string | number | boolean | null;
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/**
 * One line of COPY's text format (the default): tab-separated, \N for null,
 * backslash escapes for the four characters that would break the line. By hand:
 * csv-stringify took longer than the COPY itself on a 100k-row import.
 */
export function copyTextRow(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (i > 0) line += '\t';
    if (v === null) line += '\\N';
    else if (typeof v === 'string')
      line += COPY_SPECIAL.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]!) : v;
    else if (typeof v === 'boolean') line += v ? 't' : 'f';
    else line += String(v);
  }
  return `${line}\n`;
}

const pools = new WeakMap<Database, pg.Pool>();

export function createDatabase(connectionString: string, max = 10): Database {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5000 });
  // An idle client losing its server must not crash the process.
  pool.on('error', () => undefined);
  // `cursor`: large reads (a national snapshot) can stream in chunks (`.stream()`).
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  pools.set(db, pool);
  return db;
}

/**
 * A transaction like db.transaction(), on one session of the pool that can
 * also COPY rows into that same transaction (Kysely has no COPY): bulk rows
 * stream in at COPY speed and still land all together or not at all.
 */
export async function copyingTransaction<T>(
  db: Database,
  work: (trx: Tx, copy: CopyIn) => Promise<T>,
): Promise<T> {
  const pool = pools.get(db);
  if (!pool) throw new Error('copyingTransaction: database not made by createDatabase');
  const client = await pool.connect();
  // Kysely sees a pool of this one client, which it never gives back: we do.
  const session: PostgresPoolClient = {
    query: client.query.bind(client),
    release: () => undefined,
  };
  const sessionDb = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: { connect: async () => session, end: async () => undefined },
    }),
  });
  const copy: CopyIn = (statement, source) => pipeline(source, client.query(copyFrom(statement)));
  let failed = true;
  try {
    const result = await sessionDb.transaction().execute((trx) => work(trx, copy));
    failed = false;
    return result;
  } finally {
    // A session that failed (perhaps in the middle of a COPY) is closed, not reused.
    client.release(failed);
    await sessionDb.destroy();
  }
}
