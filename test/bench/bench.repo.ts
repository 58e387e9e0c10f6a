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
