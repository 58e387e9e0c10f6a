import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { insertToken } from '../../services/api/src/auth/auth.repo.ts';
import { newSecret, sha256 } from '../../services/api/src/auth/secrets.ts';
import { insertUser } from '../../services/api/src/users/users.repo.ts';
import type { Database } from '../../services/core/src/db/database.ts';

/** The baseline: a diagnostic and its flow rows written with bare INSERTs, no checks. */
export async function benchBaselineInsert(
  db: Database,
  territoryId: string,
  companyId: string,
  flows: {
    kind: string;
    resourceCode: string;
    quantity: number;
    unit: string;
    period: string;
    label: string;
  }[],
) {
  await db.transaction().execute(async (trx) => {
    const d = await trx
      .insertInto('diagnostic')
      .values({
        territory_id: territoryId,
        company_id: companyId,
        version: 1000 + Math.floor(Math.random() * 1e9),
        status: 'draft',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('flow')
      .values(
        flows.map((f, i) => ({
          territory_id: territoryId,
          diagnostic_id: d.id,
          company_id: companyId,
          position: i,
          kind: f.kind,
          category: 'waste',
          resource_code: f.resourceCode,
          label: f.label,
          quantity: f.quantity,
          unit: f.unit,
          period: f.period,
          quantity_per_year: f.quantity,
          canonical_unit: 't',
        })),
      )
      .execute();
  });
}

/**
 * The baseline of the import benchmark: a bare COPY of ready-made flow rows
 * (CSV text, no check, no conversion) into the flow table.
 */
export async function benchBaselineCopy(connectionString: string, csv: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const stream = client.query(
      copyFrom(`COPY flow (territory_id, diagnostic_id, company_id, position, kind, category,
                 resource_code, label, quantity, unit, period, quantity_per_year, canonical_unit,
                 hazardous, confidentiality) FROM STDIN (FORMAT csv)`),
    );
    await pipeline(Readable.from([csv]), stream);
  } finally {
    await client.end();
  }
}

/** Bare diagnostics for the COPY baseline: one per company, returned in the same order. */
export async function benchBaselineDiagnostics(
  db: Database,
  territoryId: string,
  companyIds: string[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const companyId of companyIds) {
    const d = await db
      .insertInto('diagnostic')
      .values({ territory_id: territoryId, company_id: companyId, version: 1, status: 'draft' })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(d.id);
  }
  return ids;
}

/** A bench administrator and a bearer token for it (valid `hours`), written straight to the tables. */
export async function benchAdminToken(db: Database, hours = 1): Promise<string> {
  const adminId = await insertUser(
    db,
    {
      email: 'bench@example.test',
      display_name: 'bench',
      password_hash: 'x',
      role: 'admin',
      company_id: null,
    },
    [],
  );
  const token = newSecret('sbt');
  await insertToken(db, adminId, sha256(token), new Date(Date.now() + hours * 3600_000));
  return token;
}
