import { sql } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';

/** The group with its member count and last meeting date. */
const groupSelect = (db: Executor) =>
  db
    .selectFrom('working_group as g')
    .selectAll('g')
    .select((eb) => [
      eb
        .selectFrom('working_group_member as m')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('m.working_group_id', '=', 'g.id')
        .as('member_count'),
      eb
        .selectFrom('working_group_meeting as mt')
        .select(sql<string>`max(mt.held_on)::text`.as('d'))
        .whereRef('mt.working_group_id', '=', 'g.id')
        .as('last_meeting_on'),
    ]);

export async function findGroup(db: Executor, id: string) {
  return groupSelect(db).where('g.id', '=', id).executeTakeFirst();
}

export async function lockGroup(db: Executor, id: string) {
  return db
    .selectFrom('working_group')
    .select(['id', 'territory_id', 'theme', 'status'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertGroup(
  db: Executor,
  g: {
    territoryId: string;
    theme: string;
    name: string;
    description: string | null;
    createdBy: string | null;
  },
) {
  const row = await db
    .insertInto('working_group')
    .values({
      territory_id: g.territoryId,
      theme: g.theme,
      name: g.name,
      description: g.description,
      created_by: g.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateGroup(
  db: Executor,
  id: string,
  patch: { name?: string; description?: string | null; status?: string },
) {
  await db
    .updateTable('working_group')
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function listGroups(
  db: Executor,
  f: {
    territoryId: string;
    theme?: string;
    status?: string;
    after?: [string, string];
    limit: number;
  },
) {
  let q = groupSelect(db)
    .where('g.territory_id', '=', f.territoryId)
    .orderBy('g.name')
    .orderBy('g.id')
    .limit(f.limit + 1);
  if (f.theme) q = q.where('g.theme', '=', f.theme);
  if (f.status) q = q.where('g.status', '=', f.status);
  if (f.after) {
    const [name, id] = f.after;
    q = q.where(
      (eb) => eb.refTuple('g.name', 'g.id'),
      '>',
      (eb) => eb.tuple(eb.val(name), eb.val(id)),
    );
  }
  return q.execute();
}

export async function groupsOfCompany(db: Executor, companyId: string) {
  return groupSelect(db)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('working_group_member as m')
          .select('m.company_id')
          .whereRef('m.working_group_id', '=', 'g.id')
          .where('m.company_id', '=', companyId),
      ),
    )
    .orderBy('g.name')
    .orderBy('g.id')
    .execute();
}

export async function members(db: Executor, groupId: string) {
  return db
    .selectFrom('working_group_member as m')
    .innerJoin('company as c', 'c.id', 'm.company_id')
    .select(['m.company_id', 'c.name', 'c.siret', 'm.source', 'm.added_at'])
    .where('m.working_group_id', '=', groupId)
    .orderBy('c.name')
    .orderBy('c.id')
    .execute();
}

/** Adds the companies not yet members; returns those added. */
export async function addMembers(
  db: Executor,
  g: { groupId: string; territoryId: string },
  companyIds: string[],
  source: 'manual' | 'synergy',
  addedBy: string | null,
): Promise<string[]> {
  if (companyIds.length === 0) return [];
  const rows = await db
    .insertInto('working_group_member')
    .values(
      companyIds.map((company_id) => ({
        working_group_id: g.groupId,
        territory_id: g.territoryId,
        company_id,
        source,
        added_by: addedBy,
      })),
    )
    .onConflict((oc) => oc.columns(['working_group_id', 'company_id']).doNothing())
    .returning('company_id')
    .execute();
  return rows.map((r) => r.company_id);
}

export async function removeMember(db: Executor, groupId: string, companyId: string) {
  const r = await db
    .deleteFrom('working_group_member')
    .where('working_group_id', '=', groupId)
    .where('company_id', '=', companyId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function insertMeeting(
  db: Executor,
  m: {
    groupId: string;
    territoryId: string;
    heldOn: string;
    title: string | null;
    attendeeCompanyIds: string[];
    attendeeNames: string[];
    minutes: string | null;
    createdBy: string | null;
  },
) {
  const row = await db
    .insertInto('working_group_meeting')
    .values({
      working_group_id: m.groupId,
      territory_id: m.territoryId,
      held_on: m.heldOn,
      title: m.title,
      attendee_company_ids: m.attendeeCompanyIds,
      attendee_names: m.attendeeNames,
      minutes: m.minutes,
      created_by: m.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function meetings(db: Executor, groupId: string, onlyId?: string) {
  return db
    .selectFrom('working_group_meeting')
    .selectAll()
    .where('working_group_id', '=', groupId)
    .$if(onlyId !== undefined, (q) => q.where('id', '=', onlyId!))
    .orderBy('held_on', 'desc')
    .orderBy('id')
    .execute();
}

export async function companyNames(db: Executor, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await db
    .selectFrom('company')
    .select(['id', 'name'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function linkedSynergies(db: Executor, groupId: string) {
  return db
    .selectFrom('working_group_synergy as l')
    .innerJoin('synergy as s', 's.id', 'l.synergy_id')
    .select(['s.id', 's.resource_code'])
    .where('l.working_group_id', '=', groupId)
    .orderBy('l.linked_at')
    .orderBy('s.id')
    .execute();
}

export async function findSynergyBrief(db: Executor, id: string) {
  return db
    .selectFrom('synergy')
    .select(['id', 'territory_id', 'type'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function participantCompanies(db: Executor, synergyId: string) {
  const rows = await db
    .selectFrom('synergy_participant')
    .select('company_id')
    .distinct()
    .where('synergy_id', '=', synergyId)
    .execute();
  return rows.map((r) => r.company_id);
}

export async function link(
  db: Executor,
  l: { groupId: string; synergyId: string; territoryId: string; linkedBy: string | null },
) {
  const r = await db
    .insertInto('working_group_synergy')
    .values({
      working_group_id: l.groupId,
      synergy_id: l.synergyId,
      territory_id: l.territoryId,
      linked_by: l.linkedBy,
    })
    .onConflict((oc) => oc.columns(['working_group_id', 'synergy_id']).doNothing())
    .returning('synergy_id')
    .execute();
  return r.length > 0;
}

export async function unlink(db: Executor, groupId: string, synergyId: string) {
  const r = await db
    .deleteFrom('working_group_synergy')
    .where('working_group_id', '=', groupId)
    .where('synergy_id', '=', synergyId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Mutualisations of the territory of the given engine themes, open, current, not linked to the group. */
export async function suggestionIds(
  db: Executor,
  g: { groupId: string; territoryId: string },
  engineThemes: string[],
) {
  if (engineThemes.length === 0) return [];
  const rows = await db
    .selectFrom('synergy as s')
    .select('s.id')
    .where('s.territory_id', '=', g.territoryId)
    .where('s.type', '=', 'mutualisation')
    .where('s.theme', 'in', engineThemes)
    .where('s.stale', '=', false)
    .where('s.status', 'not in', ['rejected', 'abandoned'])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('working_group_synergy as l')
            .select('l.synergy_id')
            .whereRef('l.synergy_id', '=', 's.id')
            .where('l.working_group_id', '=', g.groupId),
        ),
      ),
    )
    .orderBy(sql`coalesce(s.score, 0)`, 'desc')
    .orderBy('s.id')
    .limit(100)
    .execute();
  return rows.map((r) => r.id);
}

/** Flows of the members' current validated diagnostics (one per company). */
export async function memberFlows(db: Executor, groupId: string) {
  return db
    .selectFrom('working_group_member as m')
    .innerJoin('company as c', 'c.id', 'm.company_id')
    .innerJoin('diagnostic as d', (j) =>
      j.onRef('d.company_id', '=', 'm.company_id').on('d.status', '=', 'validated'),
    )
    .innerJoin('flow as f', 'f.diagnostic_id', 'd.id')
    .leftJoin('resource as r', 'r.code', 'f.resource_code')
    .select([
      'c.id as company_id',
      'c.name as company_name',
      'c.siret',
      'd.id as diagnostic_id',
      'd.visited_at',
      'f.kind',
      'f.resource_code',
      'r.label_fr as resource_label',
      'f.canonical_unit',
      'f.quantity_per_year',
      'f.hazardous',
    ])
    .where('m.working_group_id', '=', groupId)
    .orderBy('c.name')
    .orderBy('c.id')
    .orderBy('f.position')
    .execute();
}

export async function membersWithoutValidatedDiagnostic(db: Executor, groupId: string) {
  const rows = await db
    .selectFrom('working_group_member as m')
    .select('m.company_id')
    .where('m.working_group_id', '=', groupId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('diagnostic as d')
            .select('d.id')
            .whereRef('d.company_id', '=', 'm.company_id')
            .where('d.status', '=', 'validated'),
        ),
      ),
    )
    .orderBy('m.company_id')
    .execute();
  return rows.map((r) => r.company_id);
}
