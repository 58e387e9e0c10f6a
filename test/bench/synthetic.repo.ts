// Bulk loading of the synthetic data set (synthetic.ts) for the matching
// benchmark: large multi-row INSERTs over unnest() of parameter arrays, a few
// thousand rows per statement, locations as PostGIS points.
import { sql } from 'kysely';
import type { Database, Executor } from '../../services/core/src/db/database.ts';
import type { SyntheticDataset, SyntheticFlow } from './synthetic.ts';
import { zoneWkt } from './synthetic.ts';

const BATCH = 5000;

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export async function insertTerritory(db: Executor, t: SyntheticDataset['territory']) {
  await db.insertInto('territory').values({ id: t.id, slug: t.slug, name: t.name }).execute();
}

async function insertZones(db: Executor, ds: SyntheticDataset) {
  for (const batch of chunks(ds.zones, BATCH)) {
    await sql`
      INSERT INTO zone (id, territory_id, name, geom)
      SELECT z.id, ${ds.territory.id}::uuid, z.name, ST_GeomFromText(z.wkt, 4326)
      FROM unnest(${batch.map((z) => z.id)}::uuid[], ${batch.map((z) => z.name)}::text[],
                  ${batch.map(zoneWkt)}::text[]) AS z(id, name, wkt)`.execute(db);
  }
}

async function insertCompanies(db: Executor, ds: SyntheticDataset) {
  for (const batch of chunks(ds.companies, BATCH)) {
    await sql`
      INSERT INTO company (id, territory_id, siret, name, naf_code, headcount_band, location, zone_id)
      SELECT c.id, ${ds.territory.id}::uuid, c.siret, c.name, c.naf, c.band,
             CASE WHEN c.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326) END,
             c.zone_id
      FROM unnest(${batch.map((c) => c.snap.id)}::uuid[], ${batch.map((c) => c.siret)}::text[],
                  ${batch.map((c) => c.snap.name)}::text[], ${batch.map((c) => c.snap.nafCode)}::text[],
                  ${batch.map((c) => c.headcountBand)}::text[],
                  ${batch.map((c) => c.snap.lon)}::float8[], ${batch.map((c) => c.snap.lat)}::float8[],
                  ${batch.map((c) => c.snap.zoneId)}::uuid[])
        AS c(id, siret, name, naf, band, lon, lat, zone_id)`.execute(db);
  }
}

async function insertDiagnostics(db: Executor, ds: SyntheticDataset) {
  const rows: { id: string; companyId: string; version: number; status: string }[] = [];
  for (const c of ds.companies) {
    if (c.previousDiagnosticId !== null)
      rows.push({
        id: c.previousDiagnosticId,
        companyId: c.snap.id,
        version: 1,
        status: 'superseded',
      });
    if (c.diagnosticId !== null && c.diagnosticStatus !== null)
      rows.push({
        id: c.diagnosticId,
        companyId: c.snap.id,
        version: c.previousDiagnosticId === null ? 1 : 2,
        status: c.diagnosticStatus,
      });
  }
  for (const batch of chunks(rows, BATCH)) {
    await sql`
      INSERT INTO diagnostic (id, territory_id, company_id, version, status, visited_at,
                              validated_at, superseded_at)
      SELECT d.id, ${ds.territory.id}::uuid, d.company_id, d.version, d.status, DATE '2024-03-01',
             CASE WHEN d.status = 'draft' THEN NULL ELSE now() END,
             CASE WHEN d.status = 'superseded' THEN now() ELSE NULL END
      FROM unnest(${batch.map((d) => d.id)}::uuid[], ${batch.map((d) => d.companyId)}::uuid[],
                  ${batch.map((d) => d.version)}::int[], ${batch.map((d) => d.status)}::text[])
        AS d(id, company_id, version, status)`.execute(db);
  }
}

async function insertFlows(db: Executor, territoryId: string, flows: readonly SyntheticFlow[]) {
  for (const batch of chunks(flows, BATCH)) {
    const col = <T>(get: (f: SyntheticFlow) => T) => batch.map(get);
    await sql`
      INSERT INTO flow (id, territory_id, diagnostic_id, company_id, position, kind, category,
                        resource_code, label, quantity, unit, period, quantity_per_year,
                        canonical_unit, cost_eur_per_year, hazardous, quality)
      SELECT f.id, ${territoryId}::uuid, f.diagnostic_id, f.company_id, f.position, f.kind,
             f.category, f.resource_code, f.label, f.quantity, f.unit, f.period,
             f.quantity_per_year, f.canonical_unit, f.cost, f.hazardous, f.quality::jsonb
      FROM unnest(${col((f) => f.snap.id)}::uuid[], ${col((f) => f.diagnosticId)}::uuid[],
                  ${col((f) => f.snap.companyId)}::uuid[], ${col((f) => f.position)}::int[],
                  ${col((f) => f.snap.kind)}::text[], ${col((f) => f.snap.category)}::text[],
                  ${col((f) => f.snap.resourceCode)}::text[], ${col((f) => f.label)}::text[],
                  ${col((f) => f.quantity)}::float8[], ${col((f) => f.unit)}::text[],
                  ${col((f) => f.snap.period)}::text[], ${col((f) => f.snap.quantityPerYear)}::float8[],
                  ${col((f) => f.snap.canonicalUnit)}::text[],
                  ${col((f) => f.snap.costEurPerYear)}::float8[],
                  ${col((f) => f.snap.hazardous)}::boolean[],
                  ${col((f) => JSON.stringify(f.snap.quality))}::text[])
        AS f(id, diagnostic_id, company_id, position, kind, category, resource_code, label,
             quantity, unit, period, quantity_per_year, canonical_unit, cost, hazardous, quality)`.execute(
      db,
    );
  }
}

/** Loads the whole data set (territory, zones, companies, diagnostics, flows) and analyses the tables. */
export async function loadSyntheticDataset(db: Database, ds: SyntheticDataset) {
  await db.transaction().execute(async (trx) => {
    await insertTerritory(trx, ds.territory);
    await insertZones(trx, ds);
    await insertCompanies(trx, ds);
    await insertDiagnostics(trx, ds);
    await insertFlows(trx, ds.territory.id, ds.flows);
  });
  await sql`ANALYZE zone, company, diagnostic, flow`.execute(db);
}

/** Companies whose stored zone differs from the zone covering their location (should be 0). */
export async function countZoneMismatches(db: Executor, territoryId: string): Promise<number> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM company c
    WHERE c.territory_id = ${territoryId}
      AND c.zone_id IS DISTINCT FROM (
        SELECT z.id FROM zone z
        WHERE z.territory_id = c.territory_id AND c.location IS NOT NULL
          AND ST_Covers(z.geom, c.location)
        LIMIT 1)`.execute(db);
  return r.rows[0]?.n ?? -1;
}

/** The trivial round trip of the baselines. */
export async function selectOne(db: Executor): Promise<void> {
  await sql`SELECT 1`.execute(db);
}

export async function countSynergies(db: Executor, territoryId: string) {
  const r = await sql<{ synergies: number; participants: number }>`
    SELECT (SELECT count(*)::int FROM synergy WHERE territory_id = ${territoryId}) AS synergies,
           (SELECT count(*)::int FROM synergy_participant WHERE territory_id = ${territoryId}) AS participants`.execute(
    db,
  );
  return r.rows[0]!;
}
