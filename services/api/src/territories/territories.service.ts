import type { z } from 'zod';
import { AppError, notFound } from '../../../../shared/errors.ts';
import type { TerritoryCreate, TerritoryUpdate } from '../../../../shared/schemas/territories.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import {
  requireAdmin,
  requireOfficerOf,
  requireTerritoryReader,
  seesTerritory,
} from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import * as repo from './territories.repo.ts';

type Row = NonNullable<Awaited<ReturnType<typeof repo.findTerritory>>>;

export function toTerritory(t: Row) {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    createdAt: t.created_at.toISOString(),
    updatedAt: t.updated_at.toISOString(),
  };
}

/** Loads a territory the caller may see, or 404. */
export async function getVisibleTerritory(db: Executor, ctx: RequestContext, id: string) {
  const t = await repo.findTerritory(db, id);
  if (!t || !seesTerritory(ctx.principal, id)) throw notFound('Territoire');
  return t;
}

/** The territory, when the caller is one of its officers (or an administrator). */
export async function requireTerritoryOfficer(db: Executor, ctx: RequestContext, id: string) {
  const t = await getVisibleTerritory(db, ctx, id);
  requireOfficerOf(ctx.principal, id);
  return t;
}

/** The territory, when the caller may read its detailed (non-aggregated) data. */
export async function requireTerritoryReaderOf(db: Executor, ctx: RequestContext, id: string) {
  const t = await getVisibleTerritory(db, ctx, id);
  requireTerritoryReader(ctx.principal, id);
  return t;
}

export async function listTerritories(
  db: Executor,
  ctx: RequestContext,
  q: { limit: number; cursor?: string },
) {
  const after = decodeCursor<[string, string]>(q.cursor, 2);
  const rows = await repo.listTerritories(db, {
    ids: ctx.principal.territoryIds,
    afterName: after,
    limit: q.limit,
  });
  return toPage(rows, q.limit, toTerritory, (r) => [r.name, r.id]);
}

export async function createTerritory(
  db: Executor,
  ctx: RequestContext,
  input: z.infer<typeof TerritoryCreate>,
) {
  requireAdmin(ctx.principal);
  if (await repo.slugTaken(db, input.slug))
    throw new AppError('conflict', `Le slug « ${input.slug} » est déjà pris`);
  const t = toTerritory(await repo.insertTerritory(db, input));
  await recordAudit(db, ctx, {
    territoryId: t.id,
    action: 'create',
    entity: 'territory',
    entityId: t.id,
    after: t,
  });
  return t;
}

export async function updateTerritory(
  db: Executor,
  ctx: RequestContext,
  id: string,
  patch: z.infer<typeof TerritoryUpdate>,
) {
  const before = toTerritory(await getVisibleTerritory(db, ctx, id));
  requireAdmin(ctx.principal);
  if (patch.slug && (await repo.slugTaken(db, patch.slug, id))) {
    throw new AppError('conflict', `Le slug « ${patch.slug} » est déjà pris`);
  }
  const after = toTerritory(await repo.updateTerritory(db, id, patch));
  await recordAudit(db, ctx, {
    territoryId: id,
    action: 'update',
    entity: 'territory',
    entityId: id,
    before,
    after,
  });
  return after;
}
