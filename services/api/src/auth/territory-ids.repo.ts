import { sql } from 'kysely';

// The territories attached to a user (officer membership) or to a partner key,
// as a sorted uuid[] sub-select (never null).

export const userTerritoryIds = (userIdRef: string) =>
  sql<string[]>`(SELECT coalesce(array_agg(ut.territory_id ORDER BY ut.territory_id), '{}')
                 FROM user_territory ut WHERE ut.user_id = ${sql.ref(userIdRef)})`;

export const apiKeyTerritoryIds = (apiKeyIdRef: string) =>
  sql<string[]>`(SELECT coalesce(array_agg(kt.territory_id ORDER BY kt.territory_id), '{}')
                 FROM api_key_territory kt WHERE kt.api_key_id = ${sql.ref(apiKeyIdRef)})`;
