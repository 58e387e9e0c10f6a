import { sql } from 'kysely';
import { apiKeyTerritoryIds, userTerritoryIds } from '../auth/territory-ids.repo.ts';
import type { Executor } from '../../../core/src/db/database.ts';

const userColumns = [
  'u.id',
  'u.email',
  'u.display_name',
  'u.role',
  'u.company_id',
  'u.created_at',
  'u.disabled_at',
] as const;

export async function emailTaken(db: Executor, email: string): Promise<boolean> {
  const r = await db
    .selectFrom('app_user')
    .select('id')
    .where(sql<string>`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return r !== undefined;
}

export async function insertUser(
  db: Executor,
  u: {
    email: string;
    display_name: string;
    password_hash: string;
    role: string;
    company_id: string | null;
  },
  territoryIds: string[],
) {
  const row = await db.insertInto('app_user').values(u).returning('id').executeTakeFirstOrThrow();
  if (territoryIds.length > 0) {
    await db
      .insertInto('user_territory')
      .values(territoryIds.map((t) => ({ user_id: row.id, territory_id: t })))
      .execute();
  }
  return row.id;
}

export async function findUser(db: Executor, id: string) {
  return db
    .selectFrom('app_user as u')
    .select(userColumns)
    .select(userTerritoryIds('u.id').as('territory_ids'))
    .where('u.id', '=', id)
    .executeTakeFirst();
}

/** Users attached to any of the territories (officers by membership, company users by their company). */
export async function listUsers(
  db: Executor,
  q: { territoryIds: string[] | null; afterId?: string; limit: number },
) {
  let query = db
    .selectFrom('app_user as u')
    .leftJoin('company as c', 'c.id', 'u.company_id')
    .select(userColumns)
    .select(userTerritoryIds('u.id').as('territory_ids'))
    .orderBy('u.id')
    .limit(q.limit + 1);
  if (q.territoryIds !== null) {
    const ids = q.territoryIds;
    if (ids.length === 0) return [];
    query = query.where((eb) =>
      eb.or([
        eb('c.territory_id', 'in', ids),
        eb.exists(
          eb
            .selectFrom('user_territory as ut')
            .select('ut.user_id')
            .whereRef('ut.user_id', '=', 'u.id')
            .where('ut.territory_id', 'in', ids),
        ),
      ]),
    );
  }
  if (q.afterId) query = query.where('u.id', '>', q.afterId);
  return query.execute();
}

export async function existingTerritoryIds(db: Executor, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('territory').select('id').where('id', 'in', ids).execute();
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------- API keys

export async function insertApiKey(
  db: Executor,
  k: { name: string; prefix: string; key_hash: Buffer; created_by: string | null },
  territoryIds: string[],
) {
  const row = await db.insertInto('api_key').values(k).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('api_key_territory')
    .values(territoryIds.map((t) => ({ api_key_id: row.id, territory_id: t })))
    .execute();
  return row.id;
}

const apiKeySelect = (db: Executor) =>
  db
    .selectFrom('api_key as k')
    .select([
      'k.id',
      'k.name',
      'k.prefix',
      'k.scopes',
      'k.created_at',
      'k.last_used_at',
      'k.revoked_at',
    ])
    .select(apiKeyTerritoryIds('k.id').as('territory_ids'));

export async function findApiKey(db: Executor, id: string) {
  return apiKeySelect(db).where('k.id', '=', id).executeTakeFirst();
}

export async function listApiKeys(db: Executor) {
  return apiKeySelect(db).orderBy('k.created_at', 'desc').orderBy('k.id').execute();
}

export async function revokeApiKey(db: Executor, id: string) {
  await db
    .updateTable('api_key')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

// ---------------------------------------------------------------- personal data (GDPR)

/** Territories a user belongs to: an officer's memberships, a company user's company territory. */
export async function userScope(db: Executor, id: string) {
  return db
    .selectFrom('app_user as u')
    .leftJoin('company as c', 'c.id', 'u.company_id')
    .select(['u.id', 'u.erased_at', 'c.territory_id as company_territory_id'])
    .select(userTerritoryIds('u.id').as('territory_ids'))
    .where('u.id', '=', id)
    .executeTakeFirst();
}

export async function userTokens(db: Executor, userId: string) {
  return db
    .selectFrom('auth_token')
    .select(['created_at', 'expires_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
}

export async function userActions(db: Executor, userId: string) {
  return db
    .selectFrom('audit_log')
    .select(['action', 'entity', 'entity_id', 'territory_id', 'at'])
    .where('actor_user_id', '=', userId)
    .orderBy('id')
    .limit(10_000)
    .execute();
}

/**
 * Replaces a user's personal data: the row stays, so that audit entries, synergies
 * and diagnostics keep a valid author, but it names nobody and can no longer log in.
 */
export async function anonymiseUser(db: Executor, id: string) {
  await db
    .updateTable('app_user')
    .set({
      email: `erased-${id}@erased.invalid`,
      display_name: 'Compte effacé',
      password_hash: 'erased',
      disabled_at: sql<Date>`coalesce(disabled_at, now())`,
      erased_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
  // Copies of the account kept in the audit log (before/after of its own entries).
  await sql`
    UPDATE audit_log SET
      before = CASE WHEN before IS NULL OR jsonb_typeof(before) <> 'object' THEN before
               ELSE before || jsonb_build_object('email', ${`erased-${id}@erased.invalid`}::text,
                                                 'displayName', 'Compte effacé') END,
      after = CASE WHEN after IS NULL OR jsonb_typeof(after) <> 'object' THEN after
              ELSE after || jsonb_build_object('email', ${`erased-${id}@erased.invalid`}::text,
                                               'displayName', 'Compte effacé') END
    WHERE entity = 'app_user' AND entity_id = ${id}
  `.execute(db);
}

export async function updatePasswordHash(db: Executor, id: string, hash: string) {
  await db.updateTable('app_user').set({ password_hash: hash }).where('id', '=', id).execute();
}

export async function passwordHashOf(db: Executor, id: string) {
  const r = await db
    .selectFrom('app_user')
    .select(['password_hash', 'email'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r;
}
