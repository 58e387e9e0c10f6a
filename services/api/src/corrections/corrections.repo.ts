import { sql } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';

export async function insertCorrection(
  db: Executor,
  c: {
    territory_id: string;
    company_id: string;
    diagnostic_id: string;
    edits: unknown;
    comment: string | null;
    proposed_by: string | null;
  },
) {
  const r = await db
    .insertInto('diagnostic_correction')
    .values({ ...c, edits: JSON.stringify(c.edits) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function findCorrection(db: Executor, id: string) {
  return db.selectFrom('diagnostic_correction').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCorrections(
  db: Executor,
  f: { companyId: string; status?: string; after?: [string, string]; limit: number },
) {
  let q = db
    .selectFrom('diagnostic_correction')
    .selectAll()
    .where('company_id', '=', f.companyId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.after) {
    const [at, id] = f.after;
    q = q.where(
      (eb) => eb.refTuple('created_at', 'id'),
      '<',
      (eb) => eb.tuple(eb.val(new Date(at)), eb.val(id)),
    );
  }
  return q.execute();
}

/** Decides a pending correction; false when it was decided meanwhile. */
export async function decideCorrection(
  db: Executor,
  id: string,
  d: {
    status: 'accepted' | 'rejected';
    decided_by: string | null;
    decision_comment: string | null;
    result_diagnostic_id: string | null;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('diagnostic_correction')
    .set({ ...d, decided_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
