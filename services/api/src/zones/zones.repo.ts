import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';

/** GeoJSON text → MultiPolygon 4326 (a Polygon is promoted). */
function multiPolygonFrom(geojson: string): RawBuilder<string> {
  return sql<string>`ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326))`;
}

/** PostGIS's verdict on a geometry: null when valid, else the reason (self-intersection…). */
export async function geometryProblem(db: Executor, geojson: string): Promise<string | null> {
  const r = await sql<{ valid: boolean; reason: string }>`
    SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason
    FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326) AS g) AS x`.execute(db);
  const row = r.rows[0];
  return row && !row.valid ? row.reason : null;
}

const zoneSelect = (db: Executor) =>
  db
    .selectFrom('zone as z')
    .select(['z.id', 'z.territory_id', 'z.name', 'z.created_at', 'z.updated_at'])
    .select(sql<string>`ST_AsGeoJSON(z.geom, 7)`.as('geojson'))
    .select(sql<number>`ST_Area(z.geom::geography) / 1e6`.as('area_km2'))
    .select((eb) =>
      eb
        .selectFrom('company as c')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('c.zone_id', '=', 'z.id')
        .as('company_count'),
    );

export async function findZone(db: Executor, id: string) {
  return zoneSelect(db).where('z.id', '=', id).executeTakeFirst();
}

export async function listZones(db: Executor, territoryId: string) {
  return zoneSelect(db)
    .where('z.territory_id', '=', territoryId)
    .orderBy('z.name')
    .orderBy('z.id')
    .execute();
}

export async function nameTaken(
  db: Executor,
  territoryId: string,
  name: string,
  exceptId?: string,
) {
  let q = db
    .selectFrom('zone')
    .select('id')
    .where('territory_id', '=', territoryId)
    .where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function insertZone(
  db: Executor,
  z: { territoryId: string; name: string; geojson: string },
) {
  const row = await db
    .insertInto('zone')
    .values({ territory_id: z.territoryId, name: z.name, geom: multiPolygonFrom(z.geojson) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateZone(
  db: Executor,
  id: string,
  patch: { name?: string; geojson?: string },
) {
  await db
    .updateTable('zone')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.geojson !== undefined ? { geom: multiPolygonFrom(patch.geojson) } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteZone(db: Executor, id: string) {
  await db.deleteFrom('zone').where('id', '=', id).execute();
}

/**
 * Re-derives company.zone_id for a territory after its zones changed: the
 * zone whose polygon covers the company's location (first by name when zones overlap).
 */
export async function rederiveCompanyZones(db: Executor, territoryId: string) {
  await sql`
    UPDATE company c SET zone_id = (
      SELECT z.id FROM zone z
      WHERE z.territory_id = c.territory_id AND c.location IS NOT NULL AND ST_Covers(z.geom, c.location)
      ORDER BY z.name, z.id LIMIT 1)
    WHERE c.territory_id = ${territoryId}
      AND c.zone_id IS DISTINCT FROM (
      SELECT z.id FROM zone z
      WHERE z.territory_id = c.territory_id AND c.location IS NOT NULL AND ST_Covers(z.geom, c.location)
      ORDER BY z.name, z.id LIMIT 1)`.execute(db);
}
