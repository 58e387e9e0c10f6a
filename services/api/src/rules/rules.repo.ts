import { sql } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';

export async function listRules(db: Executor) {
  return db.selectFrom('compatibility_rule').selectAll().orderBy('id').execute();
}

export async function findRule(db: Executor, id: string) {
  return db.selectFrom('compatibility_rule').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertAdminRule(
  db: Executor,
  r: { id: string; family: string; definition: unknown; userId: string | null },
) {
  await db
    .insertInto('compatibility_rule')
    .values({
      id: r.id,
      origin: 'admin',
      family: r.family,
      definition: JSON.stringify(r.definition),
      updated_by: r.userId,
    })
    .execute();
}

export async function updateRuleSettings(
  db: Executor,
  id: string,
  v: { override: unknown; enabled: boolean; userId: string | null },
) {
  await db
    .updateTable('compatibility_rule')
    .set({
      override: JSON.stringify(v.override),
      enabled: v.enabled,
      updated_by: v.userId,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** What a new rule may name: the resources and the emission factors in the database. */
export async function knowledgeReferences(db: Executor) {
  const resources = await db
    .selectFrom('resource')
    .select(['code', 'canonical_unit', 'selectable', 'hazardous'])
    .execute();
  const factors = await db.selectFrom('emission_factor').select('key').execute();
  return { resources, factorKeys: factors.map((f) => f.key) };
}
