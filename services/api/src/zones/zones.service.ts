import type { z } from 'zod';
import { AppError, notFound } from '../../../../shared/errors.ts';
import type { MultiPolygonGeometry } from '../../../../shared/schemas/common.ts';
import type { ZoneFeatureInput, ZoneFeaturePatch } from '../../../../shared/schemas/zones.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireOfficerOf, seesTerritory } from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import {
  getVisibleTerritory,
  requireTerritoryOfficer,
} from '../territories/territories.service.ts';
import * as repo from './zones.repo.ts';

type Row = NonNullable<Awaited<ReturnType<typeof repo.findZone>>>;

export function toFeature(z: Row) {
  return {
    type: 'Feature' as const,
    id: z.id,
    properties: {
      name: z.name,
      territoryId: z.territory_id,
      companyCount: z.company_count ?? 0,
      areaKm2: Math.round(z.area_km2 * 1e4) / 1e4,
      createdAt: z.created_at.toISOString(),
      updatedAt: z.updated_at.toISOString(),
    },
    geometry: JSON.parse(z.geojson) as z.infer<typeof MultiPolygonGeometry>,
  };
}

async function checkGeometry(db: Executor, geometry: unknown): Promise<string> {
  const geojson = JSON.stringify(geometry);
  const problem = await repo.geometryProblem(db, geojson);
  if (problem) {
    throw new AppError('invalid_geometry', `Polygone invalide : ${problem}`, [
      { path: 'body.geometry', message: problem },
    ]);
  }
  return geojson;
}

async function getZoneForRead(db: Executor, ctx: RequestContext, id: string) {
  const zone = await repo.findZone(db, id);
  if (!zone || !seesTerritory(ctx.principal, zone.territory_id)) throw notFound('Zone');
  return zone;
}

export async function getZone(db: Executor, ctx: RequestContext, id: string) {
  return toFeature(await getZoneForRead(db, ctx, id));
}

export async function listZones(db: Executor, ctx: RequestContext, territoryId: string) {
  await getVisibleTerritory(db, ctx, territoryId);
  const rows = await repo.listZones(db, territoryId);
  return { type: 'FeatureCollection' as const, features: rows.map(toFeature) };
}

export async function createZone(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  input: z.infer<typeof ZoneFeatureInput>,
) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  const geojson = await checkGeometry(db, input.geometry);
  if (await repo.nameTaken(db, territoryId, input.properties.name)) {
    throw new AppError(
      'conflict',
      `Une zone « ${input.properties.name} » existe déjà dans ce territoire`,
    );
  }
  const id = await repo.insertZone(db, { territoryId, name: input.properties.name, geojson });
  await repo.rederiveCompanyZones(db, territoryId);
  const zone = toFeature((await repo.findZone(db, id))!);
  await recordAudit(db, ctx, {
    territoryId,
    action: 'create',
    entity: 'zone',
    entityId: id,
    after: zone,
  });
  return zone;
}

export async function updateZone(
  db: Executor,
  ctx: RequestContext,
  id: string,
  patch: z.infer<typeof ZoneFeaturePatch>,
) {
  const current = await getZoneForRead(db, ctx, id);
  requireOfficerOf(ctx.principal, current.territory_id, 'Zone');
  const geojson = patch.geometry ? await checkGeometry(db, patch.geometry) : undefined;
  const name = patch.properties?.name;
  if (name && (await repo.nameTaken(db, current.territory_id, name, id))) {
    throw new AppError('conflict', `Une zone « ${name} » existe déjà dans ce territoire`);
  }
  await repo.updateZone(db, id, { name, geojson });
  if (geojson) await repo.rederiveCompanyZones(db, current.territory_id);
  const after = toFeature((await repo.findZone(db, id))!);
  await recordAudit(db, ctx, {
    territoryId: current.territory_id,
    action: 'update',
    entity: 'zone',
    entityId: id,
    before: toFeature(current),
    after,
  });
  return after;
}

export async function deleteZone(db: Executor, ctx: RequestContext, id: string) {
  const current = await getZoneForRead(db, ctx, id);
  requireOfficerOf(ctx.principal, current.territory_id, 'Zone');
  await repo.deleteZone(db, id);
  await repo.rederiveCompanyZones(db, current.territory_id);
  await recordAudit(db, ctx, {
    territoryId: current.territory_id,
    action: 'delete',
    entity: 'zone',
    entityId: id,
    before: toFeature(current),
  });
}
