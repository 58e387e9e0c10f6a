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
