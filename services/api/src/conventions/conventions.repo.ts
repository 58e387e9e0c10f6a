import { sql } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';
import type { ObjectiveMetric } from '../../../../shared/indicators/objectives.ts';

const TZ = 'Europe/Paris';

export async function findConvention(db: Executor, id: string) {
  return db.selectFrom('convention').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockConvention(db: Executor, id: string) {
  return db
    .selectFrom('convention')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function listConventions(db: Executor, territoryId: string) {
  return db
    .selectFrom('convention')
    .selectAll()
    .where('territory_id', '=', territoryId)
    .orderBy('starts_on', 'desc')
    .orderBy('id')
    .execute();
}

export async function insertConvention(
  db: Executor,
  c: {
    territory_id: string;
    title: string;
    reference: string | null;
    partners: string[];
    starts_on: string;
    ends_on: string;
    description: string | null;
    created_by: string | null;
  },
) {
  const r = await db.insertInto('convention').values(c).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateConvention(
  db: Executor,
  id: string,
  c: {
    title: string;
    reference: string | null;
    partners: string[];
    starts_on: string;
    ends_on: string;
    description: string | null;
  },
) {
  await db
    .updateTable('convention')
    .set({ ...c, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function deleteChildren(db: Executor, conventionId: string) {
  await db.deleteFrom('convention_action').where('convention_id', '=', conventionId).execute();
}

export async function deleteConvention(db: Executor, id: string) {
  await db.deleteFrom('convention').where('id', '=', id).execute();
}

export async function insertAction(
  db: Executor,
  a: {
    convention_id: string;
    territory_id: string;
    position: number;
    title: string;
    description: string | null;
  },
) {
  const r = await db
    .insertInto('convention_action')
    .values(a)
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function insertObjective(
  db: Executor,
  o: {
    action_id: string;
    convention_id: string;
    territory_id: string;
    position: number;
    label: string;
    metric: string;
    target: number;
    unit: string | null;
    starts_on: string;
    ends_on: string;
    zone_id: string | null;
    manual_value: number | null;
  },
) {
  await db.insertInto('convention_objective').values(o).execute();
}

export async function insertBudgetLine(
  db: Executor,
  l: {
    convention_id: string;
    action_id: string;
    territory_id: string;
    year: number;
    position: number;
    label: string;
    amount_eur: number;
  },
  funding: { funder: string; amountEur: number }[],
) {
  const r = await db
    .insertInto('convention_budget_line')
    .values({ ...l, amount_eur: String(l.amount_eur) })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (funding.length > 0)
    await db
      .insertInto('convention_funding')
      .values(
        funding.map((f) => ({
          budget_line_id: r.id,
          convention_id: l.convention_id,
          territory_id: l.territory_id,
          funder: f.funder,
          amount_eur: String(f.amountEur),
        })),
      )
      .execute();
}

export async function loadTree(db: Executor, conventionId: string) {
  const [actions, objectives, lines, funding] = await Promise.all([
    db
      .selectFrom('convention_action')
      .selectAll()
      .where('convention_id', '=', conventionId)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('convention_objective')
      .selectAll()
      .select([
        sql<string>`starts_on::text`.as('starts_on'),
        sql<string>`ends_on::text`.as('ends_on'),
      ])
      .where('convention_id', '=', conventionId)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('convention_budget_line')
      .selectAll()
      .where('convention_id', '=', conventionId)
      .orderBy('year')
      .orderBy('position')
      .execute(),
    db
      .selectFrom('convention_funding')
      .selectAll()
      .where('convention_id', '=', conventionId)
      .orderBy('funder')
      .execute(),
  ]);
  return { actions, objectives, lines, funding };
}

export async function zoneOf(db: Executor, zoneId: string) {
  return db
    .selectFrom('zone')
    .select(['id', 'territory_id'])
    .where('id', '=', zoneId)
    .executeTakeFirst();
}

/**
 * The actual value of a computed objective metric over [from, to] (dates,
 * inclusive, French local time), for the territory or one of its zones.
 */
export async function objectiveActual(
  db: Executor,
  q: {
    territoryId: string;
    metric: Exclude<ObjectiveMetric, 'manual'>;
    from: string;
    to: string;
    zoneId: string | null;
  },
): Promise<number> {
  const t = q.territoryId;
  const lo = sql`(${q.from}::date::timestamp AT TIME ZONE ${TZ})`;
  const hi = sql`((${q.to}::date + 1)::timestamp AT TIME ZONE ${TZ})`;
  const inZone = (companyRef: string) =>
    q.zoneId === null
      ? sql`true`
      : sql`EXISTS (SELECT 1 FROM company zc WHERE zc.id = ${sql.ref(companyRef)} AND zc.zone_id = ${q.zoneId})`;
  const one = async (query: ReturnType<typeof sql<{ v: number | null }>>) =>
    (await query.execute(db)).rows[0]?.v ?? 0;
  const synergyGain = (expr: string, realised: boolean) =>
    one(sql<{ v: number | null }>`
      SELECT sum((${sql.raw(expr)})::float8) AS v FROM synergy s
      WHERE s.territory_id = ${t} AND s.status = 'implemented'
        AND EXISTS (SELECT 1 FROM synergy_event e WHERE e.synergy_id = s.id
                    AND e.to_status = 'implemented' AND e.at < ${hi})
        AND ${q.zoneId === null ? sql`true` : sql`EXISTS (SELECT 1 FROM synergy_participant sp JOIN company c ON c.id = sp.company_id WHERE sp.synergy_id = s.id AND c.zone_id = ${q.zoneId})`}
        AND ${realised ? sql`s.realised_gains IS NOT NULL` : sql`s.estimated_gains IS NOT NULL`}`);
  const groupsInZone =
    q.zoneId === null
      ? sql`true`
      : sql`EXISTS (SELECT 1 FROM working_group_member wm JOIN company c ON c.id = wm.company_id
                    WHERE wm.working_group_id = m.working_group_id AND c.zone_id = ${q.zoneId})`;
  switch (q.metric) {
    case 'diagnostics_conducted':
      return one(sql<{ v: number }>`
        SELECT count(*)::int AS v FROM diagnostic d
        WHERE d.territory_id = ${t} AND d.validated_at >= ${lo} AND d.validated_at < ${hi}
          AND ${inZone('d.company_id')}`);
    case 'companies_diagnosed':
      return one(sql<{ v: number }>`
        SELECT count(DISTINCT d.company_id)::int AS v FROM diagnostic d
        WHERE d.territory_id = ${t} AND d.validated_at >= ${lo} AND d.validated_at < ${hi}
          AND ${inZone('d.company_id')}`);
    case 'zones_with_diagnostics':
      return one(sql<{ v: number }>`
        SELECT count(DISTINCT c.zone_id)::int AS v FROM diagnostic d JOIN company c ON c.id = d.company_id
        WHERE d.territory_id = ${t} AND d.validated_at >= ${lo} AND d.validated_at < ${hi}
          AND ${q.zoneId === null ? sql`true` : sql`c.zone_id = ${q.zoneId}`}`);
    case 'companies_engaged':
      return one(sql<{ v: number }>`
        SELECT count(DISTINCT company_id)::int AS v FROM (
          SELECT d.company_id FROM diagnostic d
          WHERE d.territory_id = ${t} AND d.validated_at >= ${lo} AND d.validated_at < ${hi}
          UNION ALL
          SELECT unnest(m.attendee_company_ids) FROM working_group_meeting m
          WHERE m.territory_id = ${t} AND m.held_on BETWEEN ${q.from}::date AND ${q.to}::date
          UNION ALL
          SELECT sp.company_id FROM synergy_event e JOIN synergy_participant sp ON sp.synergy_id = e.synergy_id
          WHERE e.territory_id = ${t} AND e.actor_user_id IS NOT NULL AND e.at >= ${lo} AND e.at < ${hi}
        ) x WHERE ${inZone('x.company_id')}`);
    case 'synergies_proposed':
      return one(sql<{ v: number }>`
        SELECT count(*)::int AS v FROM synergy s
        WHERE s.territory_id = ${t} AND s.created_at >= ${lo} AND s.created_at < ${hi}
          AND ${q.zoneId === null ? sql`true` : sql`EXISTS (SELECT 1 FROM synergy_participant sp JOIN company c ON c.id = sp.company_id WHERE sp.synergy_id = s.id AND c.zone_id = ${q.zoneId})`}`);
    case 'synergies_implemented':
      return one(sql<{ v: number }>`
        SELECT count(DISTINCT e.synergy_id)::int AS v FROM synergy_event e
        WHERE e.territory_id = ${t} AND e.to_status = 'implemented' AND e.at >= ${lo} AND e.at < ${hi}
          AND ${q.zoneId === null ? sql`true` : sql`EXISTS (SELECT 1 FROM synergy_participant sp JOIN company c ON c.id = sp.company_id WHERE sp.synergy_id = e.synergy_id AND c.zone_id = ${q.zoneId})`}`);
    case 'working_groups_active':
      return one(sql<{ v: number }>`
        SELECT count(DISTINCT m.working_group_id)::int AS v FROM working_group_meeting m
        WHERE m.territory_id = ${t} AND m.held_on BETWEEN ${q.from}::date AND ${q.to}::date AND ${groupsInZone}`);
    case 'working_group_meetings':
      return one(sql<{ v: number }>`
        SELECT count(*)::int AS v FROM working_group_meeting m
        WHERE m.territory_id = ${t} AND m.held_on BETWEEN ${q.from}::date AND ${q.to}::date AND ${groupsInZone}`);
    case 'tonnes_diverted_estimated':
      return synergyGain(`s.estimated_gains ->> 'tonnesDivertedPerYear'`, false);
    case 'tonnes_diverted_realised':
      return synergyGain(
        `CASE WHEN s.realised_gains ->> 'unit' = 't' THEN s.realised_gains ->> 'quantityPerYear' END`,
        true,
      );
    case 'tco2e_avoided_estimated':
      return synergyGain(`s.estimated_gains ->> 'tco2eAvoidedPerYear'`, false);
    case 'tco2e_avoided_realised':
      return synergyGain(`s.realised_gains ->> 'tco2ePerYear'`, true);
    case 'eur_saved_estimated':
      return synergyGain(`s.estimated_gains ->> 'eurPerYear'`, false);
    case 'eur_saved_realised':
      return synergyGain(`s.realised_gains ->> 'eurPerYear'`, true);
  }
}
