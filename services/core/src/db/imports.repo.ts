// SQL of imports and exports. Bulk writes go through unnest() of typed arrays
// (one statement per batch of thousands of rows, no bind-parameter limit), and
// flows, the bulk of a large import, through COPY.
import { sql } from 'kysely';
import { copyTextRow, type CopyIn, type Executor } from './database.ts';

export type ImportKind = 'companies' | 'diagnostics' | 'sirene' | 'zones';
export type ImportStatus =
  'uploaded' | 'dry_run_failed' | 'ready' | 'committing' | 'committed' | 'failed';

const importColumns = [
  'id',
  'territory_id',
  'kind',
  'format',
  'filename',
  'sha256',
  'options',
  'status',
  'rows_total',
  'rows_done',
  'problems',
  'problem_count',
  'summary',
  'source',
  'licence',
  'error',
  'created_by',
  'created_at',
  'updated_at',
  'committed_at',
  'request_id',
] as const;

export async function insertImport(
  db: Executor,
  v: {
    territory_id: string;
    kind: ImportKind;
    format: string;
    filename: string | null;
    sha256: string;
    options: Record<string, unknown>;
    status: ImportStatus;
    rows_total: number;
    problems: unknown[];
    problem_count: number;
    source: string | null;
    licence: string | null;
    content: Buffer;
    created_by: string | null;
    request_id: string;
  },
) {
  return db
    .insertInto('data_import')
    .values({ ...v, options: JSON.stringify(v.options), problems: JSON.stringify(v.problems) })
    .returning(importColumns)
    .executeTakeFirstOrThrow();
}

export async function findImport(db: Executor, id: string) {
  return db.selectFrom('data_import').select(importColumns).where('id', '=', id).executeTakeFirst();
}

export async function findImportForUpdate(db: Executor, id: string) {
  return db
    .selectFrom('data_import')
    .select([...importColumns, 'content'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Locks an import's row for the rest of the transaction; its status. */
export async function lockImport(db: Executor, id: string) {
  const r = await db
    .selectFrom('data_import')
    .select('status')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return r.status as ImportStatus;
}

export async function findImportWithContent(db: Executor, id: string) {
  return db
    .selectFrom('data_import')
    .select([...importColumns, 'content'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function listImports(db: Executor, territoryId: string, limit: number) {
  return db
    .selectFrom('data_import')
    .select(importColumns)
    .where('territory_id', '=', territoryId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function updateImport(
  db: Executor,
  id: string,
  v: {
    status?: ImportStatus;
    rows_done?: number;
    rows_total?: number;
    summary?: Record<string, unknown>;
    problems?: unknown[];
    problem_count?: number;
    error?: string | null;
    committed?: boolean;
  },
) {
  await db
    .updateTable('data_import')
    .set({
      ...(v.status !== undefined ? { status: v.status } : {}),
      ...(v.rows_done !== undefined ? { rows_done: v.rows_done } : {}),
      ...(v.rows_total !== undefined ? { rows_total: v.rows_total } : {}),
      ...(v.summary !== undefined ? { summary: JSON.stringify(v.summary) } : {}),
      ...(v.problems !== undefined ? { problems: JSON.stringify(v.problems) } : {}),
      ...(v.problem_count !== undefined ? { problem_count: v.problem_count } : {}),
      ...(v.error !== undefined ? { error: v.error } : {}),
      ...(v.committed ? { committed_at: sql<Date>`now()` } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .execute();
}

/** The audit row of a commit (the API and the worker both commit). */
export async function recordImportAudit(
  db: Executor,
  r: {
    territoryId: string;
    actorUserId: string | null;
    importId: string;
    requestId: string | null;
    after: unknown;
  },
) {
  await db
    .insertInto('audit_log')
    .values({
      territory_id: r.territoryId,
      actor_user_id: r.actorUserId,
      action: 'commit',
      entity: 'import',
      entity_id: r.importId,
      after: JSON.stringify(r.after),
      request_id: r.requestId,
    })
    .execute();
}

// ---------------------------------------------------------------- reference data

export async function nafCodes(db: Executor): Promise<Set<string>> {
  return new Set((await db.selectFrom('naf').select('code').execute()).map((r) => r.code));
}

export async function resourcesByCode(db: Executor) {
  const rows = await db
    .selectFrom('resource')
    .select(['code', 'category', 'canonical_unit', 'hazardous', 'selectable', 'label_fr'])
    .execute();
  return new Map(rows.map((r) => [r.code, r]));
}

export interface ExistingCompany {
  id: string;
  siret: string;
  name: string;
  naf_code: string;
  headcount_band: string | null;
  address: string | null;
  lon: number | null;
  lat: number | null;
  is_ess: boolean;
  consent_share_identity: boolean;
  consent_share_flows: boolean;
  source: string | null;
  source_licence: string | null;
}

export async function companiesOfTerritory(db: Executor, territoryId: string) {
  const r = await sql<ExistingCompany>`
    SELECT id, siret, name, naf_code, headcount_band, address,
           round(ST_X(location)::numeric, 7)::float8 AS lon,
           round(ST_Y(location)::numeric, 7)::float8 AS lat,
           is_ess, consent_share_identity, consent_share_flows, source, source_licence
    FROM company WHERE territory_id = ${territoryId}`.execute(db);
  return new Map(r.rows.map((c) => [c.siret, c]));
}

export interface CompanyWrite {
  siret: string;
  name: string;
  naf_code: string;
  headcount_band: string | null;
  address: string | null;
  lon: number | null;
  lat: number | null;
  is_ess: boolean;
  consent_share_identity: boolean;
  consent_share_flows: boolean;
  source: string | null;
  source_licence: string | null;
}

export async function insertCompanies(
  db: Executor,
  territoryId: string,
  importId: string,
  rows: CompanyWrite[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let i = 0; i < rows.length; i += 5000) {
    const b = rows.slice(i, i + 5000);
    const col = <K extends keyof CompanyWrite>(k: K) => b.map((r) => r[k]);
    const r = await sql<{ id: string; siret: string }>`
      INSERT INTO company (territory_id, import_id, siret, name, naf_code, headcount_band, address,
                           location, is_ess, consent_share_identity, consent_share_flows, source, source_licence)
      SELECT ${territoryId}, ${importId}, t.siret, t.name, t.naf, t.band, t.address,
             CASE WHEN t.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) END,
             t.ess, t.ci, t.cf, t.source, t.licence
      FROM unnest(${col('siret')}::text[], ${col('name')}::text[], ${col('naf_code')}::text[],
                  ${col('headcount_band')}::text[], ${col('address')}::text[],
                  ${col('lon')}::float8[], ${col('lat')}::float8[], ${col('is_ess')}::bool[],
                  ${col('consent_share_identity')}::bool[], ${col('consent_share_flows')}::bool[],
                  ${col('source')}::text[], ${col('source_licence')}::text[])
           AS t(siret, name, naf, band, address, lon, lat, ess, ci, cf, source, licence)
      RETURNING id, siret`.execute(db);
    for (const row of r.rows) ids.set(row.siret, row.id);
  }
  return ids;
}

export async function updateCompanyFromImport(db: Executor, id: string, v: CompanyWrite) {
  await sql`
    UPDATE company SET name = ${v.name}, naf_code = ${v.naf_code}, headcount_band = ${v.headcount_band},
      address = ${v.address},
      location = CASE WHEN ${v.lon}::float8 IS NULL THEN NULL
                      ELSE ST_SetSRID(ST_MakePoint(${v.lon}::float8, ${v.lat}::float8), 4326) END,
      is_ess = ${v.is_ess}, consent_share_identity = ${v.consent_share_identity},
      consent_share_flows = ${v.consent_share_flows}, source = ${v.source},
      source_licence = ${v.source_licence}, updated_at = now()
    WHERE id = ${id}`.execute(db);
}

/** company.zone_id follows the zones' polygons (first by name when zones overlap). */
export async function rederiveCompanyZones(db: Executor, territoryId: string) {
  await sql`
    UPDATE company c SET zone_id = z.zone_id
    FROM (
      SELECT c2.id, (SELECT z.id FROM zone z
                     WHERE z.territory_id = c2.territory_id AND c2.location IS NOT NULL
                       AND ST_Covers(z.geom, c2.location)
                     ORDER BY z.name, z.id LIMIT 1) AS zone_id
      FROM company c2 WHERE c2.territory_id = ${territoryId}) z
    WHERE c.id = z.id AND c.zone_id IS DISTINCT FROM z.zone_id`.execute(db);
}

// ---------------------------------------------------------------- diagnostics and flows

export interface ExistingDiagnostic {
  id: string;
  company_id: string;
  visited_at: string | null;
  version: number;
  status: string;
}

/** The latest version per (company, visit date) of the given companies. */
export async function latestDiagnosticsByVisit(db: Executor, companyIds: string[]) {
  if (companyIds.length === 0) return [];
  const r = await sql<ExistingDiagnostic>`
    SELECT DISTINCT ON (company_id, visited_at) id, company_id, visited_at, version, status
    FROM diagnostic WHERE company_id = ANY(${companyIds}::uuid[])
    ORDER BY company_id, visited_at, version DESC`.execute(db);
  return r.rows;
}

export async function maxVersions(db: Executor, companyIds: string[]) {
  if (companyIds.length === 0) return new Map<string, number>();
  const r = await sql<{ company_id: string; v: number }>`
    SELECT company_id, max(version) AS v FROM diagnostic
    WHERE company_id = ANY(${companyIds}::uuid[]) GROUP BY company_id`.execute(db);
  return new Map(r.rows.map((x) => [x.company_id, x.v]));
}

export interface ExistingFlow {
  id: string;
  diagnostic_id: string;
  position: number;
  kind: string;
  category: string;
  resource_code: string;
  label: string | null;
  quantity: number | null;
  unit: string | null;
  period: string | null;
  cost_eur_per_year: number | null;
  hazardous: boolean;
  availability: string | null;
  confidentiality: string;
}

export async function flowsOfDiagnostics(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  const r = await sql<ExistingFlow>`
    SELECT id, diagnostic_id, position, kind, category, resource_code, label, quantity, unit, period,
           cost_eur_per_year, hazardous, availability, confidentiality
    FROM flow WHERE diagnostic_id = ANY(${ids}::uuid[]) ORDER BY diagnostic_id, position`.execute(
    db,
  );
  return r.rows;
}

export async function insertDiagnostics(
  db: Executor,
  territoryId: string,
  importId: string,
  authorId: string | null,
  rows: { company_id: string; version: number; visited_at: string | null }[],
) {
  const out: { id: string; company_id: string; visited_at: string | null }[] = [];
  for (let i = 0; i < rows.length; i += 5000) {
    const b = rows.slice(i, i + 5000);
    const r = await sql<{ id: string; company_id: string; visited_at: string | null }>`
      INSERT INTO diagnostic (territory_id, company_id, version, status, visited_at, author_id, import_id, notes)
      SELECT ${territoryId}, t.company_id, t.version, 'draft', t.visited_at, ${authorId}, ${importId},
             'Importé depuis un tableur'
      FROM unnest(${b.map((x) => x.company_id)}::uuid[], ${b.map((x) => x.version)}::int[],
                  ${b.map((x) => x.visited_at)}::date[]) AS t(company_id, version, visited_at)
      RETURNING id, company_id, visited_at`.execute(db);
    out.push(...r.rows);
  }
  return out;
}

export interface FlowWrite {
  diagnostic_id: string;
  company_id: string;
  position: number;
  kind: string;
  category: string;
  resource_code: string;
  label: string | null;
  quantity: number | null;
  unit: string | null;
  period: string | null;
  quantity_per_year: number | null;
  canonical_unit: string | null;
  cost_eur_per_year: number | null;
  hazardous: boolean;
  availability: string | null;
  confidentiality: string;
  import_key: string;
}

/** New flows through one COPY, in the transaction of `copy` (see copyingTransaction). */
export async function copyFlows(
  copy: CopyIn,
  territoryId: string,
  batches: AsyncIterable<FlowWrite[]>,
) {
  async function* text() {
    for await (const rows of batches) {
      let chunk = '';
      for (const r of rows)
        chunk += copyTextRow([
          territoryId,
          r.diagnostic_id,
          r.company_id,
          r.position,
          r.kind,
          r.category,
          r.resource_code,
          r.label,
          r.quantity,
          r.unit,
          r.period,
          r.quantity_per_year,
          r.canonical_unit,
          r.cost_eur_per_year,
          r.hazardous,
          r.availability,
          r.confidentiality,
          r.import_key,
        ]);
      yield chunk;
    }
  }
  await copy(
    `COPY flow (territory_id, diagnostic_id, company_id, position, kind, category, resource_code,
                label, quantity, unit, period, quantity_per_year, canonical_unit,
                cost_eur_per_year, hazardous, availability, confidentiality, import_key)
     FROM STDIN`,
    text(),
  );
}

export async function updateFlowFromImport(
  db: Executor,
  id: string,
  v: Omit<FlowWrite, 'diagnostic_id' | 'company_id' | 'position'>,
) {
  await db
    .updateTable('flow')
    .set({
      kind: v.kind,
      category: v.category,
      resource_code: v.resource_code,
      label: v.label,
      quantity: v.quantity,
      unit: v.unit,
      period: v.period,
      quantity_per_year: v.quantity_per_year,
      canonical_unit: v.canonical_unit,
      cost_eur_per_year: v.cost_eur_per_year,
      hazardous: v.hazardous,
      availability: v.availability,
      confidentiality: v.confidentiality,
      import_key: v.import_key,
    })
    .where('id', '=', id)
    .execute();
}

export async function touchDiagnostics(db: Executor, ids: string[]) {
  if (ids.length === 0) return;
  await db
    .updateTable('diagnostic')
    .set({ revision: sql<number>`revision + 1`, updated_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .execute();
}

// ---------------------------------------------------------------- places

/**
 * Positions in WGS 84 from Lambert-93 (EPSG:2154) or WGS 84 points, and whether
 * each lies in the given zone (null zone: no test).
 */
export async function locatePoints(
  db: Executor,
  points: { i: number; x: number; y: number; srid: 2154 | 4326 }[],
  zoneId: string | null,
) {
  const out: { i: number; lon: number; lat: number; inside: boolean }[] = [];
  for (let k = 0; k < points.length; k += 10_000) {
    const b = points.slice(k, k + 10_000);
    const r = await sql<{ i: number; lon: number; lat: number; inside: boolean }>`
      SELECT i, round(ST_X(p)::numeric, 7)::float8 AS lon, round(ST_Y(p)::numeric, 7)::float8 AS lat,
             (${zoneId}::uuid IS NULL OR EXISTS (
               SELECT 1 FROM zone z WHERE z.id = ${zoneId}::uuid AND ST_Covers(z.geom, p))) AS inside
      FROM (SELECT t.i, CASE WHEN t.srid = 2154
                             THEN ST_Transform(ST_SetSRID(ST_MakePoint(t.x, t.y), 2154), 4326)
                             ELSE ST_SetSRID(ST_MakePoint(t.x, t.y), 4326) END AS p
            FROM unnest(${b.map((p) => p.i)}::int[], ${b.map((p) => p.x)}::float8[],
                        ${b.map((p) => p.y)}::float8[], ${b.map((p) => p.srid)}::int[])
                 AS t(i, x, y, srid)) q`.execute(db);
    out.push(...r.rows);
  }
  return out;
}

export async function zoneOfTerritory(db: Executor, territoryId: string, zoneId: string) {
  return db
    .selectFrom('zone')
    .select(['id', 'name'])
    .where('id', '=', zoneId)
    .where('territory_id', '=', territoryId)
    .executeTakeFirst();
}

/** PostGIS's verdict per geometry: the reason when invalid. */
export async function geometryProblems(db: Executor, geojsons: string[]) {
  if (geojsons.length === 0) return [];
  const r = await sql<{ i: number; reason: string | null }>`
    SELECT t.i, CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END AS reason
    FROM unnest(${geojsons}::text[]) WITH ORDINALITY AS t(j, i),
         LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(t.j), 4326) AS g) x
    ORDER BY t.i`.execute(db);
  return r.rows.map((x) => x.reason);
}

export async function zonesByName(db: Executor, territoryId: string) {
  const r = await sql<{ id: string; name: string; geojson: string }>`
    SELECT id, name, ST_AsGeoJSON(geom, 9) AS geojson FROM zone
    WHERE territory_id = ${territoryId}`.execute(db);
  return new Map(r.rows.map((z) => [z.name, z]));
}

export async function sameGeometry(db: Executor, zoneId: string, geojson: string) {
  const r = await sql<{ same: boolean }>`
    SELECT ST_Equals(geom, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326))) AS same
    FROM zone WHERE id = ${zoneId}`.execute(db);
  return r.rows[0]?.same ?? false;
}

export async function insertZoneFromImport(
  db: Executor,
  territoryId: string,
  name: string,
  geojson: string,
) {
  await sql`INSERT INTO zone (territory_id, name, geom)
    VALUES (${territoryId}, ${name}, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326)))`.execute(
    db,
  );
}

export async function updateZoneGeometry(db: Executor, zoneId: string, geojson: string) {
  await sql`UPDATE zone SET geom = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${geojson}), 4326)),
    updated_at = now() WHERE id = ${zoneId}`.execute(db);
}

// ---------------------------------------------------------------- exports

export async function companiesForExport(db: Executor, territoryId: string) {
  const r = await sql<ExistingCompany>`
    SELECT id, siret, name, naf_code, headcount_band, address,
           round(ST_X(location)::numeric, 7)::float8 AS lon,
           round(ST_Y(location)::numeric, 7)::float8 AS lat,
           is_ess, consent_share_identity, consent_share_flows, source, source_licence
    FROM company WHERE territory_id = ${territoryId} ORDER BY siret`.execute(db);
  return r.rows;
}

/** Flows of each company's latest diagnostic version (draft or validated). */
export async function flowsForExport(db: Executor, territoryId: string) {
  const r = await sql<ExistingFlow & { siret: string; visited_at: string | null }>`
    SELECT c.siret, d.visited_at, f.id, f.diagnostic_id, f.position, f.kind, f.category,
           f.resource_code, f.label, f.quantity, f.unit, f.period, f.cost_eur_per_year, f.hazardous,
           f.availability, f.confidentiality
    FROM (SELECT DISTINCT ON (company_id) id, company_id, visited_at FROM diagnostic
          WHERE territory_id = ${territoryId} ORDER BY company_id, version DESC) d
    JOIN company c ON c.id = d.company_id
    JOIN flow f ON f.diagnostic_id = d.id
    ORDER BY c.siret, f.position`.execute(db);
  return r.rows;
}

export async function synergiesForExport(db: Executor, territoryId: string) {
  const r = await sql<{
    id: string;
    type: string;
    status: string;
    resource_code: string;
    resource_label: string | null;
    score: number | null;
    distance_km: number | null;
    quantity_per_year: number | null;
    unit: string | null;
    theme: string | null;
    estimated_gains: Record<string, unknown> | null;
    stale: boolean;
    participants: string | null;
  }>`
    SELECT s.id, s.type, s.status, s.resource_code, r.label_fr AS resource_label, s.score,
           s.distance_km, s.quantity_per_year, s.unit, s.theme, s.estimated_gains, s.stale,
           (SELECT string_agg(p.role || ':' || c.siret, ' | ' ORDER BY p.position)
            FROM synergy_participant p JOIN company c ON c.id = p.company_id
            WHERE p.synergy_id = s.id) AS participants
    FROM synergy s LEFT JOIN resource r ON r.code = s.resource_code
    WHERE s.territory_id = ${territoryId}
    ORDER BY coalesce(s.score, 0) DESC, s.id`.execute(db);
  return r.rows;
}
