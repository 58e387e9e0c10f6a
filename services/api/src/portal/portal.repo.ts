import { sql } from 'kysely';
import type { Executor } from '../../../core/src/db/database.ts';

// ---------------------------------------------------------------- synergies seen by a company

const CLOSED_STATUSES = ['rejected', 'abandoned'];

const involves = (companyId: string) =>
  sql<boolean>`exists (select 1 from synergy_participant p where p.synergy_id = s.id and p.company_id = ${companyId})`;

/** What a company may see of a synergy (no explanation: it names the counterparts). */
const COMPANY_SYNERGY_COLUMNS = [
  's.id',
  's.territory_id',
  's.type',
  's.resource_code',
  'r.label_fr as resource_label',
  's.status',
  's.score',
  's.distance_km',
  's.quantity_per_year',
  's.unit',
  's.estimated_gains',
] as const;

/** The current (non-stale) synergies involving the company, by decreasing score. */
export async function listCompanySynergies(
  db: Executor,
  f: { companyId: string; after?: [number, string]; limit: number },
) {
  let q = db
    .selectFrom('synergy as s')
    .leftJoin('resource as r', 'r.code', 's.resource_code')
    .select(COMPANY_SYNERGY_COLUMNS)
    .where(involves(f.companyId))
    .where('s.stale', '=', false)
    .orderBy(sql`coalesce(s.score, 0)`, 'desc')
    .orderBy('s.id')
    .limit(f.limit + 1);
  if (f.after) {
    const [score, id] = f.after;
    q = q.where((eb) =>
      eb.or([
        eb(sql`coalesce(s.score, 0)`, '<', score),
        eb.and([eb(sql`coalesce(s.score, 0)`, '=', score), eb('s.id', '>', id)]),
      ]),
    );
  }
  return q.execute();
}

export async function findCompanySynergy(db: Executor, synergyId: string, companyId: string) {
  return db
    .selectFrom('synergy as s')
    .leftJoin('resource as r', 'r.code', 's.resource_code')
    .select([...COMPANY_SYNERGY_COLUMNS, 's.stale'])
    .where('s.id', '=', synergyId)
    .where(involves(companyId))
    .executeTakeFirst();
}

/**
 * The participants of the synergies, with what may be shown of them anonymously
 * (sector, zone, distance to the viewing company, volume). No identity column here:
 * identities are read by `identitiesOf`, only for introduced companies.
 */
export async function anonymousParticipants(
  db: Executor,
  synergyIds: string[],
  viewerCompanyId: string,
) {
  if (synergyIds.length === 0) return [];
  return db
    .selectFrom('synergy_participant as p')
    .innerJoin('company as c', 'c.id', 'p.company_id')
    .innerJoin('naf as n', 'n.code', 'c.naf_code')
    .leftJoin('zone as z', 'z.id', 'c.zone_id')
    .leftJoin('flow as f', 'f.id', 'p.flow_id')
    .select([
      'p.synergy_id',
      'p.role',
      'p.company_id',
      'n.division_label_fr',
      'z.name as zone_name',
      'f.quantity_per_year',
      'f.canonical_unit',
    ])
    .select(
      sql<number | null>`ST_Distance(c.location::geography,
        (select v.location from company v where v.id = ${viewerCompanyId})::geography) / 1000`.as(
        'distance_km',
      ),
    )
    .where('p.synergy_id', 'in', synergyIds)
    .orderBy('p.synergy_id')
    .orderBy('p.position')
    .execute();
}

/** Per synergy and company: the current answer, and the ids of its last 'introduce' and 'decline'. */
export async function answerStates(db: Executor, synergyIds: string[]) {
  if (synergyIds.length === 0) return [];
  return db
    .selectFrom('synergy_answer')
    .select([
      'synergy_id',
      'company_id',
      sql<string>`(array_agg(answer order by id desc))[1]`.as('answer'),
      sql<number | null>`max(id) filter (where answer = 'introduce')`.as('last_introduce'),
      sql<number | null>`max(id) filter (where answer = 'decline')`.as('last_decline'),
    ])
    .where('synergy_id', 'in', synergyIds)
    .groupBy(['synergy_id', 'company_id'])
    .execute();
}

/** Names and contacts: only ever called for companies introduced to the viewer. */
export async function identitiesOf(db: Executor, companyIds: string[]) {
  if (companyIds.length === 0) return [];
  return db
    .selectFrom('company')
    .select(['id', 'name', 'siret', 'address', 'contact_email', 'contact_phone'])
    .where('id', 'in', companyIds)
    .execute();
}

export async function insertAnswer(
  db: Executor,
  a: {
    synergy_id: string;
    territory_id: string;
    company_id: string;
    answer: string;
    reason_code: string | null;
    comment: string | null;
    actor_user_id: string | null;
  },
) {
  return db
    .insertInto('synergy_answer')
    .values(a)
    .returning(['id', 'at'])
    .executeTakeFirstOrThrow();
}

/** Serialises answers on one synergy, so that two last consents see each other. */
export async function lockSynergy(db: Executor, synergyId: string): Promise<void> {
  await db.selectFrom('synergy').select('id').where('id', '=', synergyId).forUpdate().execute();
}

/** A company answer, visible to officers in the synergy's history (status unchanged). */
export async function insertAnswerEvent(
  db: Executor,
  e: {
    synergy_id: string;
    territory_id: string;
    status: string;
    actor_user_id: string | null;
    comment: string;
  },
) {
  await db
    .insertInto('synergy_event')
    .values({
      synergy_id: e.synergy_id,
      territory_id: e.territory_id,
      from_status: e.status,
      to_status: e.status,
      actor_user_id: e.actor_user_id,
      comment: e.comment,
    })
    .execute();
}

export async function companyName(db: Executor, companyId: string) {
  const r = await db
    .selectFrom('company')
    .select('name')
    .where('id', '=', companyId)
    .executeTakeFirstOrThrow();
  return r.name;
}

// ---------------------------------------------------------------- notifications

export interface NotificationValues {
  territory_id: string;
  company_id: string;
  kind: 'new_proposal' | 'counterpart_answered' | 'introduced';
  synergy_id: string;
  text_fr: string;
  created_at?: Date;
}

export async function insertNotifications(db: Executor, rows: NotificationValues[]) {
  if (rows.length === 0) return;
  await db
    .insertInto('notification')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['company_id', 'synergy_id']).where('kind', '=', 'new_proposal').doNothing(),
    )
    .execute();
}

/** Open, current proposals involving the company that have no 'new_proposal' notification yet. */
export async function proposalsWithoutNotification(db: Executor, companyId: string) {
  return db
    .selectFrom('synergy as s')
    .leftJoin('resource as r', 'r.code', 's.resource_code')
    .select(['s.id', 's.territory_id', 's.type', 's.resource_code', 'r.label_fr', 's.created_at'])
    .where(involves(companyId))
    .where('s.stale', '=', false)
    .where('s.status', 'not in', CLOSED_STATUSES)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('notification as n')
            .select('n.id')
            .whereRef('n.synergy_id', '=', 's.id')
            .where('n.company_id', '=', companyId)
            .where('n.kind', '=', 'new_proposal'),
        ),
      ),
    )
    .execute();
}

export async function listNotifications(
  db: Executor,
  companyId: string,
  userId: string,
  limit: number,
) {
  return db
    .selectFrom('notification as n')
    .leftJoin('notification_read as r', (j) =>
      j.onRef('r.notification_id', '=', 'n.id').on('r.user_id', '=', userId),
    )
    .select(['n.id', 'n.kind', 'n.synergy_id', 'n.text_fr', 'n.created_at', 'r.read_at'])
    .where('n.company_id', '=', companyId)
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(limit)
    .execute();
}

export async function countUnread(db: Executor, companyId: string, userId: string) {
  const r = await db
    .selectFrom('notification as n')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('n.company_id', '=', companyId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('notification_read as r')
            .select('r.user_id')
            .whereRef('r.notification_id', '=', 'n.id')
            .where('r.user_id', '=', userId),
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  return r.n;
}

export async function findNotification(db: Executor, id: string, userId: string) {
  return db
    .selectFrom('notification as n')
    .leftJoin('notification_read as r', (j) =>
      j.onRef('r.notification_id', '=', 'n.id').on('r.user_id', '=', userId),
    )
    .select([
      'n.id',
      'n.territory_id',
      'n.company_id',
      'n.kind',
      'n.synergy_id',
      'n.text_fr',
      'n.created_at',
      'r.read_at',
    ])
    .where('n.id', '=', id)
    .executeTakeFirst();
}

export async function markRead(
  db: Executor,
  r: { notification_id: string; user_id: string; territory_id: string },
) {
  await db
    .insertInto('notification_read')
    .values(r)
    .onConflict((oc) => oc.columns(['notification_id', 'user_id']).doNothing())
    .execute();
}
