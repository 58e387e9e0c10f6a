import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';

function pointFrom(geojson: string | null): RawBuilder<string | null> {
  return geojson === null
    ? sql<null>`NULL`
    : sql<string>`ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326)`;
}

/** The zone covering a location, derived in SQL (never trusted from a client). */
const zoneOf = (territoryId: string, geojson: string) => sql<string | null>`(
  SELECT z.id FROM zone z
  WHERE z.territory_id = ${territoryId} AND ST_Covers(z.geom, ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326))
  ORDER BY z.name, z.id LIMIT 1)`;

const companySelect = (db: Executor) =>
  db
    .selectFrom('company as c')
    .innerJoin('naf as n', 'n.code', 'c.naf_code')
    .leftJoin('zone as z', 'z.id', 'c.zone_id')
    .select([
      'c.id',
      'c.territory_id',
      'c.siret',
      'c.name',
      'c.naf_code',
      'n.label_fr as naf_label',
      'c.headcount_band',
      'c.address',
      'c.zone_id',
      'z.name as zone_name',
      'c.is_ess',
      'c.contact_email',
      'c.contact_phone',
      'c.consent_share_identity',
      'c.consent_share_flows',
      'c.created_at',
      'c.updated_at',
    ])
    .select(sql<string | null>`ST_AsGeoJSON(c.location, 7)`.as('location_geojson'));

export async function findCompany(db: Executor, id: string) {
  return companySelect(db).where('c.id', '=', id).executeTakeFirst();
}

export async function nafExists(db: Executor, code: string): Promise<boolean> {
  return (
    (await db.selectFrom('naf').select('code').where('code', '=', code).executeTakeFirst()) !==
    undefined
  );
}

export async function siretTaken(
  db: Executor,
  territoryId: string,
  siret: string,
  exceptId?: string,
) {
  let q = db
    .selectFrom('company')
    .select('id')
    .where('territory_id', '=', territoryId)
    .where('siret', '=', siret);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return (await q.executeTakeFirst()) !== undefined;
}

export interface CompanyValues {
  siret: string;
  name: string;
  naf_code: string;
  headcount_band: string | null;
  address: string | null;
  is_ess: boolean;
  contact_email: string | null;
  contact_phone: string | null;
  consent_share_identity: boolean;
  consent_share_flows: boolean;
}

export async function insertCompany(
  db: Executor,
  territoryId: string,
  v: CompanyValues,
  locationGeojson: string | null,
) {
  const row = await db
    .insertInto('company')
    .values({
      ...v,
      territory_id: territoryId,
      location: pointFrom(locationGeojson),
      zone_id: locationGeojson === null ? null : zoneOf(territoryId, locationGeojson),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateCompany(
  db: Executor,
  id: string,
  territoryId: string,
  v: Partial<CompanyValues>,
  locationGeojson: string | null | undefined,
) {
  await db
    .updateTable('company')
    .set({
      ...v,
      ...(locationGeojson !== undefined
        ? {
            location: pointFrom(locationGeojson),
            zone_id: locationGeojson === null ? null : zoneOf(territoryId, locationGeojson),
          }
        : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

export interface CompanyFilter {
  territoryId: string;
  onlyCompanyId?: string;
  zoneId?: string;
  nafPrefix?: string;
  q?: string;
  isEss?: boolean;
  after?: [string, string];
  limit: number;
}

export async function listCompanies(db: Executor, f: CompanyFilter) {
  let query = companySelect(db)
    .where('c.territory_id', '=', f.territoryId)
    .orderBy('c.name')
    .orderBy('c.id')
    .limit(f.limit + 1);
  if (f.onlyCompanyId) query = query.where('c.id', '=', f.onlyCompanyId);
  if (f.zoneId) query = query.where('c.zone_id', '=', f.zoneId);
  if (f.nafPrefix)
    query = query.where('c.naf_code', 'like', `${f.nafPrefix.replace(/[%_]/g, '')}%`);
  if (f.isEss !== undefined) query = query.where('c.is_ess', '=', f.isEss);
  if (f.q) {
    const words = f.q.toLowerCase().split(/\s+/).filter(Boolean);
    for (const w of words) {
      const like = `%${w.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb(sql`immutable_unaccent(lower(c.name))`, 'like', sql`immutable_unaccent(${like})`),
          eb('c.siret', 'like', like),
        ]),
      );
    }
  }
  if (f.after) {
    const [name, id] = f.after;
    query = query.where(
      (eb) => eb.refTuple('c.name', 'c.id'),
      '>',
      (eb) => eb.tuple(eb.val(name), eb.val(id)),
    );
  }
  return query.execute();
}
