import { AppError, forbidden, notFound } from '../../../../shared/errors.ts';
import { passwordWeakness } from '../../../../shared/password-policy.ts';
import type { z } from 'zod';
import type { ApiKeyCreate, PasswordChange, UserCreate } from '../../../../shared/schemas/auth.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireAdmin, seesTerritory } from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import { revokeUserTokens } from '../auth/auth.repo.ts';
import { hashPassword, newSecret, sha256, verifyPassword } from '../auth/secrets.ts';
import { findCompany } from '../companies/companies.repo.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import * as repo from './users.repo.ts';

type UserRow = NonNullable<Awaited<ReturnType<typeof repo.findUser>>>;
type ApiKeyRow = NonNullable<Awaited<ReturnType<typeof repo.findApiKey>>>;

export function toUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    displayName: u.display_name,
    role: u.role as 'admin' | 'officer' | 'company',
    territoryIds: u.territory_ids ?? [],
    companyId: u.company_id,
    createdAt: u.created_at.toISOString(),
    disabledAt: u.disabled_at?.toISOString() ?? null,
  };
}

export async function createUser(
  db: Executor,
  ctx: RequestContext,
  input: z.infer<typeof UserCreate>,
) {
  const p = ctx.principal;
  if (p.role !== 'admin' && !(p.role === 'officer' && input.role === 'company')) {
    throw forbidden('Un chargé de mission ne crée que des comptes entreprise');
  }
  let territoryIds: string[] = [];
  let companyId: string | null = null;
  let auditTerritoryId: string | null = null;
  if (input.role === 'company') {
    if (!input.companyId) {
      throw new AppError('unprocessable', 'Un compte entreprise est rattaché à une entreprise', [
        { path: 'body.companyId', message: 'obligatoire pour le rôle company' },
      ]);
    }
    const company = await findCompany(db, input.companyId);
    if (!company || !seesTerritory(p, company.territory_id)) throw notFound('Entreprise');
    companyId = company.id;
    auditTerritoryId = company.territory_id;
  } else if (input.role === 'officer') {
    territoryIds = [...new Set(input.territoryIds)];
    const found = await repo.existingTerritoryIds(db, territoryIds);
    if (territoryIds.length === 0 || found.length !== territoryIds.length) {
      throw new AppError('unprocessable', 'Territoires inconnus ou absents', [
        { path: 'body.territoryIds', message: 'au moins un territoire existant' },
      ]);
    }
  }
  const weakness = passwordWeakness(input.password, input.email);
  if (weakness) {
    throw new AppError('unprocessable', 'Mot de passe refusé', [
      { path: 'body.password', message: weakness },
    ]);
  }
  if (await repo.emailTaken(db, input.email)) {
    throw new AppError('conflict', 'Un compte existe déjà avec cette adresse');
  }
  const id = await repo.insertUser(
    db,
    {
      email: input.email,
      display_name: input.displayName,
      password_hash: await hashPassword(input.password),
      role: input.role,
      company_id: companyId,
    },
    territoryIds,
  );
  const user = toUser((await repo.findUser(db, id))!);
  await recordAudit(db, ctx, {
    territoryId: auditTerritoryId ?? territoryIds[0] ?? null,
    action: 'create',
    entity: 'app_user',
    entityId: id,
    after: user,
  });
  return user;
}

export async function listUsers(
  db: Executor,
  ctx: RequestContext,
  q: { limit: number; cursor?: string },
) {
  const p = ctx.principal;
  if (p.role !== 'admin' && p.role !== 'officer') throw forbidden();
  const after = decodeCursor<[string]>(q.cursor, 1);
  const rows = await repo.listUsers(db, {
    territoryIds: p.territoryIds,
    afterId: after?.[0],
    limit: q.limit,
  });
  // An officer does not learn which other territories a shared colleague belongs to.
  const visible = (u: UserRow): UserRow =>
    p.territoryIds === null
      ? u
      : { ...u, territory_ids: (u.territory_ids ?? []).filter((t) => p.territoryIds!.includes(t)) };
  return toPage(
    rows,
    q.limit,
    (u) => toUser(visible(u)),
    (r) => [r.id],
  );
}

export function toApiKey(k: ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    territoryIds: k.territory_ids ?? [],
    scopes: k.scopes,
    createdAt: k.created_at.toISOString(),
    lastUsedAt: k.last_used_at?.toISOString() ?? null,
    revokedAt: k.revoked_at?.toISOString() ?? null,
  };
}

export async function createApiKey(
  db: Executor,
  ctx: RequestContext,
  input: z.infer<typeof ApiKeyCreate>,
) {
  requireAdmin(ctx.principal);
  const territoryIds = [...new Set(input.territoryIds)];
  if ((await repo.existingTerritoryIds(db, territoryIds)).length !== territoryIds.length) {
    throw new AppError('unprocessable', 'Territoire inconnu', [
      { path: 'body.territoryIds', message: 'territoire inconnu' },
    ]);
  }
  const key = newSecret('sbk');
  const id = await repo.insertApiKey(
    db,
    {
      name: input.name,
      prefix: key.slice(0, 12),
      key_hash: sha256(key),
      created_by: ctx.principal.kind === 'user' ? ctx.principal.id : null,
    },
    territoryIds,
  );
  const created = toApiKey((await repo.findApiKey(db, id))!);
  await recordAudit(db, ctx, {
    territoryId: null,
    action: 'create',
    entity: 'api_key',
    entityId: id,
    after: created,
  });
  return { ...created, key };
}

export async function listApiKeys(db: Executor, ctx: RequestContext) {
  requireAdmin(ctx.principal);
  return (await repo.listApiKeys(db)).map(toApiKey);
}

export async function revokeApiKey(db: Executor, ctx: RequestContext, id: string) {
  requireAdmin(ctx.principal);
  const before = await repo.findApiKey(db, id);
  if (!before) throw notFound('Clé');
  await repo.revokeApiKey(db, id);
  const after = toApiKey((await repo.findApiKey(db, id))!);
  await recordAudit(db, ctx, {
    territoryId: null,
    action: 'revoke',
    entity: 'api_key',
    entityId: id,
    before: toApiKey(before),
    after,
  });
  return after;
}

// ---------------------------------------------------------------- password and personal data

/** Changes the caller's own password; every token of the account is revoked (log in again). */
export async function changePassword(
  db: Executor,
  ctx: RequestContext,
  input: z.infer<typeof PasswordChange>,
) {
  const p = ctx.principal;
  if (p.kind !== 'user') throw forbidden('Une clé partenaire n’a pas de mot de passe');
  const row = await repo.passwordHashOf(db, p.id);
  if (!row || !(await verifyPassword(input.currentPassword, row.password_hash))) {
    throw new AppError('unprocessable', 'Mot de passe actuel incorrect', [
      { path: 'body.currentPassword', message: 'incorrect' },
    ]);
  }
  const weakness = passwordWeakness(input.newPassword, row.email);
  if (weakness) {
    throw new AppError('unprocessable', 'Mot de passe refusé', [
      { path: 'body.newPassword', message: weakness },
    ]);
  }
  await repo.updatePasswordHash(db, p.id, await hashPassword(input.newPassword));
  await revokeUserTokens(db, p.id);
  await recordAudit(db, ctx, {
    territoryId: null,
    action: 'change_password',
    entity: 'app_user',
    entityId: p.id,
  });
}

/** Admin: any account; anyone else: only their own (other accounts: 404 out of sight, 403 in sight). */
async function requirePersonalDataAccess(
  db: Executor,
  ctx: RequestContext,
  id: string,
  adminOnly: boolean,
) {
  const p = ctx.principal;
  const scope = await repo.userScope(db, id);
  const self = p.kind === 'user' && p.id === id;
  const visible =
    scope !== undefined &&
    (p.territoryIds === null ||
      self ||
      [...(scope.territory_ids ?? []), scope.company_territory_id].some(
        (t) => t !== null && p.territoryIds!.includes(t),
      ));
  if (!scope || !visible) throw notFound('Compte');
  if (p.role === 'admin') return scope;
  if (adminOnly || !self) throw forbidden('Réservé à l’intéressé et aux administrateurs');
  return scope;
}

export async function exportPersonalData(db: Executor, ctx: RequestContext, id: string) {
  const scope = await requirePersonalDataAccess(db, ctx, id, false);
  const [user, tokens, actions] = await Promise.all([
    repo.findUser(db, id),
    repo.userTokens(db, id),
    repo.userActions(db, id),
  ]);
  return {
    exportedAt: new Date().toISOString(),
    user: toUser(user!),
    erasedAt: scope.erased_at?.toISOString() ?? null,
    tokens: tokens.map((t) => ({
      createdAt: t.created_at.toISOString(),
      expiresAt: t.expires_at.toISOString(),
      revokedAt: t.revoked_at?.toISOString() ?? null,
    })),
    actions: actions.map((a) => ({
      action: a.action,
      entity: a.entity,
      entityId: a.entity_id,
      territoryId: a.territory_id,
      at: a.at.toISOString(),
    })),
  };
}

/**
 * Erasure on request (GDPR art. 17), by an administrator: the account's e-mail and name
 * are replaced, its password and tokens stop working; what it did stays (audit, synergies,
 * diagnostics, aggregates) but points to an anonymous account.
 */
export async function eraseUser(db: Executor, ctx: RequestContext, id: string) {
  const scope = await requirePersonalDataAccess(db, ctx, id, true);
  if (scope.erased_at) throw new AppError('invalid_state', 'Ce compte est déjà effacé');
  await repo.anonymiseUser(db, id);
  await revokeUserTokens(db, id);
  const after = toUser((await repo.findUser(db, id))!);
  await recordAudit(db, ctx, {
    territoryId: null,
    action: 'erase',
    entity: 'app_user',
    entityId: id,
  });
  return after;
}
