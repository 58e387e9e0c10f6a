import { sql } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';

export async function findTerritory(db: Executor, id: string) {
  return db.selectFrom('territory').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function slugTaken(db: Executor, slug: string, exceptId?: string): Promise<boolean> {
  let q = db.selectFrom('territory').select('id').where('slug', '=', slug);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function listTerritories(
  db: Executor,
  q: { ids: string[] | null; afterName?: [string, string]; limit: number },
) {
  let query = db
    .selectFrom('territory')
    .selectAll()
    .orderBy('name')
    .orderBy('id')
    .limit(q.limit + 1);
  if (q.ids !== null) {
    if (q.ids.length === 0) return [];
    query = query.where('id', 'in', q.ids);
  }
  if (q.afterName) {
    const [name, id] = q.afterName;
    query = query.where(
      (eb) => eb.refTuple('name', 'id'),
      '>',
      (eb) => eb.tuple(eb.val(name), eb.val(id)),
    );
  }
  return query.execute();
}

export async function insertTerritory(db: Executor, t: { slug: string; name: string }) {
  return db.insertInto('territory').values(t).returningAll().executeTakeFirstOrThrow();
}

export async function updateTerritory(
  db: Executor,
  id: string,
  patch: { slug?: string; name?: string },
) {
  return db
    .updateTable('territory')
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
