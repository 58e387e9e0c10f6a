import { sql } from 'kysely';
import { apiKeyTerritoryIds, userTerritoryIds } from './territory-ids.repo.ts';
import type { Executor } from '../../../core/src/db/database.ts';

export async function findUserByEmail(db: Executor, email: string) {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function insertToken(
  db: Executor,
  userId: string,
  tokenHash: Buffer,
  expiresAt: Date,
) {
  await db
    .insertInto('auth_token')
    .values({ user_id: userId, token_hash: tokenHash, expires_at: expiresAt })
    .execute();
}

export async function revokeToken(db: Executor, tokenHash: Buffer) {
  await db
    .updateTable('auth_token')
    .set({ revoked_at: sql<Date>`now()` })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .execute();
}

/** The live user behind a token: not revoked, not expired, not disabled. */
export async function findUserByTokenHash(db: Executor, tokenHash: Buffer) {
  return db
    .selectFrom('auth_token as t')
    .innerJoin('app_user as u', 'u.id', 't.user_id')
    .leftJoin('company as c', 'c.id', 'u.company_id')
    .select([
      'u.id',
      'u.email',
      'u.display_name',
      'u.role',
      'u.company_id',
      'c.territory_id as company_territory_id',
    ])
    .select(userTerritoryIds('u.id').as('territory_ids'))
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .where('t.expires_at', '>', sql<Date>`now()`)
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function findApiKeyByHash(db: Executor, keyHash: Buffer) {
  const key = await db
    .selectFrom('api_key')
    .select(['id', 'name', 'scopes'])
    .select(apiKeyTerritoryIds('api_key.id').as('territory_ids'))
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (key) {
    // To the minute: a partner polling indicators does not write a row per request.
    await db
      .updateTable('api_key')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', key.id)
      .where((eb) =>
        eb.or([
          eb('last_used_at', 'is', null),
          eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`),
        ]),
      )
      .execute();
  }
  return key;
}
