import { sql } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';

/** Serialises version numbering and validation per company. */
export async function lockCompany(db: Executor, companyId: string): Promise<void> {
  await db.selectFrom('company').select('id').where('id', '=', companyId).forUpdate().execute();
}

export async function nextVersion(db: Executor, companyId: string): Promise<number> {
  const r = await db
    .selectFrom('diagnostic')
    .select(sql<number>`coalesce(max(version), 0) + 1`.as('v'))
    .where('company_id', '=', companyId)
    .executeTakeFirstOrThrow();
  return r.v;
}

export async function insertDiagnostic(
  db: Executor,
  d: {
    territory_id: string;
    company_id: string;
    version: number;
    visited_at: string | null;
    notes: string | null;
    author_id: string | null;
  },
) {
  const r = await db
    .insertInto('diagnostic')
    .values({ ...d, status: 'draft' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export interface FlowValues {
  kind: string;
  category: string;
  resource_code: string;
  label: string | null;
  quantity: number | null;
  unit: string | null;
  period: string | null;
  quantity_per_year: number | null;
  canonical_unit: string | null;
  cost_eur_per_year: number | null;
  hazardous: boolean;
  quality: Record<string, unknown>;
  availability: string | null;
  confidentiality: string;
}

export async function replaceFlows(
  db: Executor,
  d: { id: string; territory_id: string; company_id: string },
  flows: FlowValues[],
): Promise<void> {
  await db.deleteFrom('flow').where('diagnostic_id', '=', d.id).execute();
  if (flows.length === 0) return;
  await db
    .insertInto('flow')
    .values(
      flows.map((f, i) => ({
        ...f,
        quality: JSON.stringify(f.quality),
        territory_id: d.territory_id,
        company_id: d.company_id,
        diagnostic_id: d.id,
        position: i,
      })),
    )
    .execute();
}

export async function findDiagnostic(db: Executor, id: string) {
  return db.selectFrom('diagnostic').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function flowsOfDiagnostic(db: Executor, diagnosticId: string) {
  return db
    .selectFrom('flow as f')
    .innerJoin('resource as r', 'r.code', 'f.resource_code')
    .selectAll('f')
    .select('r.label_fr as resource_label')
    .where('f.diagnostic_id', '=', diagnosticId)
    .orderBy('f.position')
    .execute();
}

export async function listDiagnostics(db: Executor, companyId: string) {
  return db
    .selectFrom('diagnostic as d')
    .selectAll('d')
    .select((eb) =>
      eb
        .selectFrom('flow')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('flow.diagnostic_id', '=', 'd.id')
        .as('flow_count'),
    )
    .where('d.company_id', '=', companyId)
    .orderBy('d.version', 'desc')
    .execute();
}

/** Compare-and-set on the revision: false when someone else changed it first. */
export async function updateDraft(
  db: Executor,
  id: string,
  expectedRevision: number,
  v: { visited_at: string | null; notes: string | null },
): Promise<boolean> {
  const r = await db
    .updateTable('diagnostic')
    .set({ ...v, revision: sql<number>`revision + 1`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('revision', '=', expectedRevision)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function supersedeValidated(db: Executor, companyId: string): Promise<string[]> {
  const rows = await db
    .updateTable('diagnostic')
    .set({
      status: 'superseded',
      superseded_at: sql<Date>`now()`,
      revision: sql<number>`revision + 1`,
      updated_at: sql<Date>`now()`,
    })
    .where('company_id', '=', companyId)
    .where('status', '=', 'validated')
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function markValidated(
  db: Executor,
  id: string,
  expectedRevision: number,
  validatedBy: string | null,
): Promise<boolean> {
  const r = await db
    .updateTable('diagnostic')
    .set({
      status: 'validated',
      validated_at: sql<Date>`now()`,
      validated_by: validatedBy,
      revision: sql<number>`revision + 1`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('revision', '=', expectedRevision)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function deleteDraft(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('diagnostic').where('id', '=', id).where('status', '=', 'draft').execute();
}
