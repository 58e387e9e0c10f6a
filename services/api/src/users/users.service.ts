import { AppError, forbidden, notFound } from '../../../../shared/errors.ts';
import type { z } from 'zod';
import type { ApiKeyCreate, UserCreate } from '../../../../shared/schemas/auth.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireAdmin, seesTerritory } from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import { hashPassword, newSecret, sha256 } from '../auth/secrets.ts';
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
