// The company portal: the synergies involving a company as the company sees them,
// its answers, and its notification feed.
//
// Anonymity is structural: counterparts are built field by field from a query that
// reads no identity column; names and contacts come from a separate query that is
// only run for the companies introduced to the viewer. The engine's explanation
// (which may name companies) is never sent; an anonymous summary is composed here.
//
// "Introduced": the viewer and a counterpart both asked for an introduction on this
// synergy (an 'introduce' answer not withdrawn by a later 'decline'). For a
// mutualisation this holds pairwise, between the viewer and each other member.
import type { z } from 'zod';
import { AppError, forbidden, notFound } from '../../../../shared/errors.ts';
import { frQuantity, lcFirst } from '../../../../shared/matching/format.ts';
import type {
  CompanySynergy,
  Counterpart,
  DISTANCE_BANDS,
  SynergyAnswerWrite,
} from '../../../../shared/schemas/portal.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireCompanyReader } from '../auth/access.ts';
import type { Principal, RequestContext } from '../auth/principal.ts';
import { getReadableCompany } from '../companies/companies.service.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import * as repo from './portal.repo.ts';

type CompanySynergyOut = z.infer<typeof CompanySynergy>;
type CounterpartOut = z.infer<typeof Counterpart>;
type SynergyRow = Awaited<ReturnType<typeof repo.listCompanySynergies>>[number];
type AnswerState = Awaited<ReturnType<typeof repo.answerStates>>[number];
type Answer = 'accept' | 'decline' | 'introduce';
type Role = 'supplier' | 'receiver' | 'member';

const CLOSED_STATUSES = new Set(['rejected', 'abandoned']);

const ANSWER_FR: Record<Answer, string> = {
  accept: 'intéressée',
  decline: 'pas intéressée',
  introduce: 'demande une mise en relation',
};

export function distanceBand(km: number | null): (typeof DISTANCE_BANDS)[number] | null {
  if (km === null || !Number.isFinite(km)) return null;
  if (km < 1) return '< 1 km';
  if (km < 5) return '1–5 km';
  if (km < 20) return '5–20 km';
  if (km < 50) return '20–50 km';
  return '> 50 km';
}

/** A company consents to be introduced while its last 'introduce' is later than its last 'decline'. */
function consents(s: AnswerState | undefined): boolean {
  if (!s || s.last_introduce === null) return false;
  return s.last_decline === null || Number(s.last_introduce) > Number(s.last_decline);
}

/** The portal's answers and feed belong to the company's own users. */
function requireCompanyUser(p: Principal, companyId: string): string {
  if (p.role !== 'company' || p.companyId !== companyId || p.kind !== 'user')
    throw forbidden('Réservé aux utilisateurs de l’entreprise');
  return p.id;
}

function gainsOf(raw: unknown): CompanySynergyOut['estimatedGains'] {
  if (raw === null || typeof raw !== 'object') return null;
  const g = raw as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  // Only the figures: the factors' "appliedTo" and the assumptions are officer material.
  return {
    tonnesDivertedPerYear: num(g.tonnesDivertedPerYear),
    tco2eAvoidedPerYear: num(g.tco2eAvoidedPerYear),
    eurPerYear: num(g.eurPerYear),
  };
}

function summaryOf(s: SynergyRow, myRole: Role, counterparts: CounterpartOut[]): string {
  const label = s.resource_label ?? s.resource_code;
  const qty = s.quantity_per_year !== null ? ` (${frQuantity(s.quantity_per_year, s.unit)})` : '';
  if (s.type === 'mutualisation') {
    const n = counterparts.length;
    return `Mutualisation possible de « ${lcFirst(label)} »${qty} avec ${n} autre${n > 1 ? 's' : ''} entreprise${n > 1 ? 's' : ''} proche${n > 1 ? 's' : ''}.`;
  }
  const other = counterparts[0];
  const who = other
    ? `une entreprise du secteur « ${other.sectorLabel} »${other.distanceBand ? `, distance ${other.distanceBand}` : ''}`
    : 'une entreprise du territoire';
  return myRole === 'supplier'
    ? `Débouché possible pour votre flux « ${lcFirst(label)} »${qty} : ${who}.`
    : `Source possible de « ${lcFirst(label)} »${qty} pour vous : ${who}.`;
}

async function toCompanySynergies(
  db: Executor,
  rows: SynergyRow[],
  viewerId: string,
): Promise<CompanySynergyOut[]> {
  const ids = rows.map((r) => r.id);
  const [participants, states] = await Promise.all([
    repo.anonymousParticipants(db, ids, viewerId),
    repo.answerStates(db, ids),
  ]);
  const stateOf = new Map(states.map((a) => [`${a.synergy_id}/${a.company_id}`, a]));
  const introducedIds = new Set<string>();
  for (const p of participants) {
    if (p.company_id === viewerId) continue;
    if (
      consents(stateOf.get(`${p.synergy_id}/${viewerId}`)) &&
      consents(stateOf.get(`${p.synergy_id}/${p.company_id}`))
    )
      introducedIds.add(`${p.synergy_id}/${p.company_id}`);
  }
  const identities = new Map(
    (
      await repo.identitiesOf(db, [
        ...new Set([...introducedIds].map((k) => k.slice(k.indexOf('/') + 1))),
      ])
    ).map((c) => [c.id, c]),
  );

  return rows.map((s) => {
    const mine = participants.filter((p) => p.synergy_id === s.id && p.company_id === viewerId);
    const others = participants.filter((p) => p.synergy_id === s.id && p.company_id !== viewerId);
    const counterparts: CounterpartOut[] = others.map((p) => {
      const pairKey = `${s.id}/${p.company_id}`;
      const id = introducedIds.has(pairKey) ? identities.get(p.company_id) : undefined;
      return {
        role: p.role as Role,
        sectorLabel: p.division_label_fr,
        zoneName: p.zone_name,
        distanceBand: distanceBand(
          p.distance_km ?? (s.type === 'substitution' ? s.distance_km : null),
        ),
        quantityPerYear: p.quantity_per_year,
        unit: p.canonical_unit,
        answer: (stateOf.get(pairKey)?.answer ?? null) as Answer | null,
        identity: id
          ? {
              name: id.name,
              siret: id.siret,
              address: id.address,
              contactEmail: id.contact_email,
              contactPhone: id.contact_phone,
            }
          : null,
      };
    });
    const myRole = (mine[0]?.role ?? 'member') as Role;
    return {
      id: s.id,
      type: s.type as CompanySynergyOut['type'],
      resourceCode: s.resource_code,
      resourceLabel: s.resource_label,
      status: s.status as CompanySynergyOut['status'],
      score: s.score,
      summaryFr: summaryOf(s, myRole, counterparts),
      myRole,
      quantityPerYear: s.quantity_per_year,
      unit: s.unit,
      estimatedGains: gainsOf(s.estimated_gains),
      myAnswer: (stateOf.get(`${s.id}/${viewerId}`)?.answer ?? null) as Answer | null,
      introduced: counterparts.some((c) => c.identity !== null),
      counterparts,
    };
  });
}

/** Officers, administrators and the company's own users; partners 403; others 404. */
export async function listCompanySynergies(
  db: Executor,
  ctx: RequestContext,
  companyId: string,
  q: { limit: number; cursor?: string },
) {
  await getReadableCompany(db, ctx, companyId);
  const rows = await repo.listCompanySynergies(db, {
    companyId,
    after: decodeCursor<[number, string]>(q.cursor, 2),
    limit: q.limit,
  });
  const page = toPage(
    rows,
    q.limit,
    (r) => r,
    (r) => [r.score ?? 0, r.id],
  );
  return {
    items: await toCompanySynergies(db, page.items, companyId),
    nextCursor: page.nextCursor,
  };
}

/** Pairs (other company) introduced to `me`, from the answer states of one synergy. */
function introducedWith(states: AnswerState[], me: string): Set<string> {
  const mine = states.find((s) => s.company_id === me);
  if (!consents(mine)) return new Set();
  return new Set(states.filter((s) => s.company_id !== me && consents(s)).map((s) => s.company_id));
}

/**
 * A company user answers a synergy involving its company. The synergy's status is
 * not changed (officers run it); the answer is kept with its history, shown to
 * officers as an event of the synergy, and told to the other participants.
 */
export async function answerSynergy(
  db: Executor,
  ctx: RequestContext,
  companyId: string,
  synergyId: string,
  input: z.infer<typeof SynergyAnswerWrite>,
) {
  const company = await getReadableCompany(db, ctx, companyId);
  const userId = requireCompanyUser(ctx.principal, companyId);
  if (!(await repo.findCompanySynergy(db, synergyId, companyId))) throw notFound('Synergie');
  // Answers on one synergy are serialised: two last consents see each other.
  await repo.lockSynergy(db, synergyId);
  const s = (await repo.findCompanySynergy(db, synergyId, companyId))!;
  if (s.stale || CLOSED_STATUSES.has(s.status)) {
    throw new AppError(
      'invalid_state',
      s.stale
        ? 'Cette piste n’est plus proposée (les flux ont changé)'
        : 'Cette piste est close : elle n’attend plus de réponse',
    );
  }
  const before = await repo.answerStates(db, [synergyId]);
  const previous = before.find((a) => a.company_id === companyId)?.answer ?? null;
  const wasIntroduced = introducedWith(before, companyId);

  const written = await repo.insertAnswer(db, {
    synergy_id: synergyId,
    territory_id: s.territory_id,
    company_id: companyId,
    answer: input.answer,
    reason_code: input.reasonCode ?? null,
    comment: input.comment ?? null,
    actor_user_id: userId,
  });
  const after = await repo.answerStates(db, [synergyId]);
  const nowIntroduced = introducedWith(after, companyId);

  const label = lcFirst(s.resource_label ?? s.resource_code);
  const others = [
    ...new Set(
      (await repo.anonymousParticipants(db, [synergyId], companyId))
        .map((p) => p.company_id)
        .filter((id) => id !== companyId),
    ),
  ];
  const notifications: repo.NotificationValues[] = [];
  if (previous !== input.answer) {
    for (const other of others)
      notifications.push({
        territory_id: s.territory_id,
        company_id: other,
        kind: 'counterpart_answered',
        synergy_id: synergyId,
        text_fr: `Une entreprise de la piste « ${label} » a répondu : ${ANSWER_FR[input.answer]}.`,
      });
  }
  for (const other of nowIntroduced) {
    if (wasIntroduced.has(other)) continue;
    for (const who of [companyId, other])
      notifications.push({
        territory_id: s.territory_id,
        company_id: who,
        kind: 'introduced',
        synergy_id: synergyId,
        text_fr: `Mise en relation acceptée des deux côtés sur la piste « ${label} » : les coordonnées sont visibles.`,
      });
  }
  await repo.insertNotifications(db, notifications);

  const reason = input.reasonCode ? ` (motif : ${input.reasonCode})` : '';
  await repo.insertAnswerEvent(db, {
    synergy_id: synergyId,
    territory_id: s.territory_id,
    status: s.status,
    actor_user_id: userId,
    comment: `Réponse de ${company.name} : ${ANSWER_FR[input.answer]}${reason}${input.comment ? ` — ${input.comment}` : ''}`,
  });
  await recordAudit(db, ctx, {
    territoryId: s.territory_id,
    action: 'answer',
    entity: 'synergy_answer',
    entityId: String(written.id),
    before: { answer: previous },
    after: {
      synergyId,
      companyId,
      answer: input.answer,
      reasonCode: input.reasonCode ?? null,
      comment: input.comment ?? null,
      introducedWith: [...nowIntroduced],
    },
  });
  return (await toCompanySynergies(db, [s], companyId))[0]!;
}

// ---------------------------------------------------------------- notifications

function toNotification(n: {
  id: string;
  kind: string;
  synergy_id: string;
  text_fr: string;
  created_at: Date;
  read_at: Date | null;
}) {
  return {
    id: n.id,
    kind: n.kind as 'new_proposal' | 'counterpart_answered' | 'introduced',
    synergyId: n.synergy_id,
    textFr: n.text_fr,
    createdAt: n.created_at.toISOString(),
    readAt: n.read_at?.toISOString() ?? null,
  };
}

/**
 * The company's feed, most recent first. Open proposals the feed does not know yet
 * are added first (dated by the synergy), so that a proposal written by the worker
 * shows up without the worker knowing about the portal.
 */
export async function listNotifications(
  db: Executor,
  ctx: RequestContext,
  companyId: string,
  q: { limit: number },
) {
  await getReadableCompany(db, ctx, companyId);
  const userId = requireCompanyUser(ctx.principal, companyId);
  const missing = await repo.proposalsWithoutNotification(db, companyId);
  await repo.insertNotifications(
    db,
    missing.map((s) => ({
      territory_id: s.territory_id,
      company_id: companyId,
      kind: 'new_proposal' as const,
      synergy_id: s.id,
      text_fr:
        s.type === 'mutualisation'
          ? `Nouvelle piste : mutualisation de « ${lcFirst(s.label_fr ?? s.resource_code)} » avec des entreprises proches.`
          : `Nouvelle piste : échange de « ${lcFirst(s.label_fr ?? s.resource_code)} » avec une entreprise du territoire.`,
      created_at: s.created_at,
    })),
  );
  const [rows, unread] = await Promise.all([
    repo.listNotifications(db, companyId, userId, q.limit),
    repo.countUnread(db, companyId, userId),
  ]);
  return { items: rows.map(toNotification), unread };
}

export async function markNotificationRead(db: Executor, ctx: RequestContext, id: string) {
  const p = ctx.principal;
  const n = await repo.findNotification(db, id, p.id);
  if (!n) throw notFound('Notification');
  requireCompanyReader(p, { id: n.company_id, territory_id: n.territory_id }, 'Notification');
  const userId = requireCompanyUser(p, n.company_id);
  if (n.read_at === null) {
    await repo.markRead(db, { notification_id: id, user_id: userId, territory_id: n.territory_id });
    await recordAudit(db, ctx, {
      territoryId: n.territory_id,
      action: 'read',
      entity: 'notification',
      entityId: id,
    });
  }
  return toNotification((await repo.findNotification(db, id, userId))!);
}
