// Bulk generator of the indicators benchmark: a national-scale territory
// written straight into the tables the indicators read (set-based SQL with
// generate_series; deterministic: hashes of the row number, no random()).
import { sql } from 'kysely';
import type { Database } from '../../services/core/src/db/database.ts';

export async function generateIndicatorData(
  db: Database,
  o: { territoryId: string; companies: number; zones: number; synergies: number; groups: number },
) {
  const t = o.territoryId;
  await sql`INSERT INTO territory (id, slug, name) VALUES (${t}, 'bench-national', 'Réseau national (bench)')`.execute(
    db,
  );
  // Zone ids are read back by the API (zod checks the RFC 4122 version and variant).
  await sql`
    INSERT INTO zone (id, territory_id, name, geom)
    SELECT (substr(md5('zone' || i), 1, 12) || '4' || substr(md5('zone' || i), 14, 3) || '8' || substr(md5('zone' || i), 18, 15))::uuid, ${t}, 'Zone ' || i,
           ST_Multi(ST_MakeEnvelope(2 + i * 0.1, 45, 2.05 + i * 0.1, 45.05, 4326))
    FROM generate_series(1, ${o.zones}) i`.execute(db);
  // One company in 20 sits outside every zone; one in 12 is an ESS structure.
  await sql`
    INSERT INTO company (id, territory_id, siret, name, naf_code, zone_id, is_ess)
    SELECT md5('co' || i)::uuid, ${t}, lpad(i::text, 14, '0'), 'Entreprise ' || i,
           (SELECT code FROM naf ORDER BY code LIMIT 1 OFFSET (i % 500)),
           CASE WHEN i % 20 = 0 THEN NULL ELSE (SELECT z.id FROM zone z WHERE z.territory_id = ${t} AND z.name = 'Zone ' || (1 + i % ${o.zones})) END,
           i % 12 = 0
    FROM generate_series(1, ${o.companies}) i`.execute(db);
  // A validated diagnostic per company, spread over 2024–2025, and five flows each.
  await sql`
    INSERT INTO diagnostic (id, territory_id, company_id, version, status, visited_at, validated_at)
    SELECT md5('dg' || i)::uuid, ${t}, md5('co' || i)::uuid, 1, 'validated',
           date '2024-01-01' + (i * 7919 % 730), (date '2024-01-01' + (i * 7919 % 730)) + time '15:00'
    FROM generate_series(1, ${o.companies}) i`.execute(db);
  await sql`
    INSERT INTO flow (territory_id, diagnostic_id, company_id, position, kind, category, resource_code,
                      quantity, unit, period, quantity_per_year, canonical_unit)
    SELECT ${t}, md5('dg' || i)::uuid, md5('co' || i)::uuid, p, f.kind, f.category, f.code,
           q, f.unit, 'year', q, f.unit
    FROM generate_series(1, ${o.companies}) i
    CROSS JOIN (VALUES (1, 'input', 'energy', 'ENE.ELEC', 'MWh'), (2, 'input', 'energy', 'ENE.GAS.NAT', 'MWh'),
                       (3, 'waste', 'waste', '150103', 't'), (4, 'waste', 'waste', '150101', 't'),
                       (5, 'output', 'waste', '200108', 't')) f(p, kind, category, code, unit)
    CROSS JOIN LATERAL (SELECT 1 + (i * 31 + p * 17) % 900 AS q) x`.execute(db);
  // Synergies between neighbours, with a history that walks up the funnel.
  await sql`
    INSERT INTO synergy (id, territory_id, key, type, resource_code, status, score, estimated_gains, realised_gains, created_at)
    SELECT md5('sy' || i)::uuid, ${t}, 'bench-' || i,
           CASE WHEN i % 3 = 0 THEN 'mutualisation' ELSE 'substitution' END, '150103',
           (ARRAY['proposed','qualified','under_study','in_progress','implemented','rejected'])[1 + i % 6],
           0.5,
           jsonb_build_object('tonnesDivertedPerYear', 5 + i % 50, 'tco2eAvoidedPerYear', 1 + i % 9, 'eurPerYear', 100 * (i % 40)),
           CASE WHEN i % 6 = 4 THEN jsonb_build_object('quantityPerYear', 4 + i % 40, 'unit', 't', 'tco2ePerYear', i % 7, 'eurPerYear', 90 * (i % 40)) END,
           timestamptz '2024-01-05' + (i * 104729 % 600) * interval '1 day'
    FROM generate_series(1, ${o.synergies}) i`.execute(db);
  await sql`
    INSERT INTO synergy_participant (synergy_id, territory_id, role, company_id, position)
    SELECT md5('sy' || i)::uuid, ${t}, 'member', md5('co' || (1 + (i * 97 + k * 13) % ${o.companies}))::uuid, k
    FROM generate_series(1, ${o.synergies}) i, generate_series(0, 1 + i % 3) k`.execute(db);
  await sql`
    INSERT INTO synergy_event (synergy_id, territory_id, to_status, actor_user_id, at)
    SELECT md5('sy' || i)::uuid, ${t}, st.status, NULL,
           timestamptz '2024-01-05' + (i * 104729 % 600) * interval '1 day' + st.n * interval '20 days'
    FROM generate_series(1, ${o.synergies}) i
    CROSS JOIN LATERAL (
      SELECT n, CASE WHEN i % 6 = 5 AND n = 1 THEN 'rejected'
                     ELSE (ARRAY['proposed','qualified','under_study','in_progress','implemented'])[n + 1] END AS status
      FROM generate_series(0, CASE WHEN i % 6 = 5 THEN 1 ELSE i % 6 END) n) st`.execute(db);
  await sql`
    INSERT INTO working_group (id, territory_id, theme, name)
    SELECT md5('wg' || g)::uuid, ${t}, 'pallets', 'Groupe ' || g FROM generate_series(1, ${o.groups}) g`.execute(
    db,
  );
  await sql`
    INSERT INTO working_group_member (working_group_id, territory_id, company_id)
    SELECT md5('wg' || g)::uuid, ${t}, md5('co' || (1 + (g * 1000 + k) % ${o.companies}))::uuid
    FROM generate_series(1, ${o.groups}) g, generate_series(1, 30) k`.execute(db);
  await sql`
    INSERT INTO working_group_meeting (working_group_id, territory_id, held_on, attendee_company_ids)
    SELECT md5('wg' || g)::uuid, ${t}, date '2024-01-15' + m * 61 + g,
           ARRAY[md5('co' || (1 + (g * 1000 + 1) % ${o.companies}))::uuid, md5('co' || (1 + (g * 1000 + 2) % ${o.companies}))::uuid]
    FROM generate_series(1, ${o.groups}) g, generate_series(0, 11) m`.execute(db);
  await sql`ANALYZE`.execute(db);
}

export async function selectOne(db: Database) {
  await sql`SELECT 1`.execute(db);
}
