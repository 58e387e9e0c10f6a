import { sql } from 'kysely';
import type { Executor } from '../../services/core/src/db/database.ts';

export async function findTerritoryBySlug(db: Executor, slug: string) {
  return db
    .selectFrom('territory')
    .select(['id', 'name'])
    .where('slug', '=', slug)
    .executeTakeFirst();
}

export async function findFirstCompany(db: Executor, territoryId: string) {
  return db
    .selectFrom('company')
    .select(['id', 'name'])
    .where('territory_id', '=', territoryId)
    .orderBy((eb) => eb.case().when('naf_code', '=', '11.05Z').then(0).else(1).end())
    .orderBy('name')
    .limit(1)
    .executeTakeFirst();
}

export async function topSynergies(db: Executor, territoryId: string, type: string, limit: number) {
  return db
    .selectFrom('synergy')
    .select(['type', 'score', 'explanation_fr'])
    .where('territory_id', '=', territoryId)
    .where('type', '=', type)
    .where('stale', '=', false)
    .orderBy('score', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * The demo programme runs since 2022: a diagnostic counts as validated on the
 * day of its visit, so that indicators and the convention report have a history.
 */
export async function backdateValidations(db: Executor, territoryId: string) {
  await db
    .updateTable('diagnostic')
    .set({
      validated_at: sql<Date>`(visited_at + time '17:00') AT TIME ZONE 'Europe/Paris'`,
    })
    .where('territory_id', '=', territoryId)
    .where('status', '=', 'validated')
    .where('visited_at', 'is not', null)
    .execute();
}

export async function hasConvention(db: Executor, territoryId: string) {
  const r = await db
    .selectFrom('convention')
    .select('id')
    .where('territory_id', '=', territoryId)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}
