import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { rejectionFingerprint } from '../../../../shared/lifecycle/rejection-fingerprint.ts';
import {
  OPEN_STATUSES,
  REASON_LABELS_FR,
  REJECTION_REASONS,
  STATUS_LABELS_FR,
  STATUSES_WITH_REALISED_GAINS,
  TRANSITIONS,
  acceptsRealisedGains,
  canTransition,
  needsReason,
  type SynergyStatus,
} from '../../../../shared/lifecycle/state-machine.ts';
import { AppError, notFound } from '../../../../shared/errors.ts';
import type {
  FollowUpQuery,
  ManualSynergyCreate,
  RealisedGainsInput,
  TransitionCreate,
} from '../../../../shared/schemas/lifecycle.ts';
import { SYNERGY_STATUSES } from '../../../../shared/schemas/matching.ts';
import {
  THEME_LABELS_FR,
  WORKING_GROUP_THEMES,
} from '../../../../shared/schemas/working-groups.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireOfficerOf } from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import * as matchingRepo from '../matching/matching.repo.ts';
import { withParticipants } from '../matching/matching.service.ts';
import { requireTerritoryOfficer } from '../territories/territories.service.ts';
import * as repo from './lifecycle.repo.ts';

const actorOf = (ctx: RequestContext) => (ctx.principal.kind === 'user' ? ctx.principal.id : null);

async function synergyOut(db: Executor, id: string) {
  const row = await matchingRepo.findSynergy(db, id);
  return (await withParticipants(db, [row!]))[0]!;
}

/** The synergy, locked, when the caller is an officer of its territory. */
async function lockedForOfficer(db: Executor, ctx: RequestContext, id: string) {
  const row = await repo.lockSynergy(db, id);
  if (!row) throw notFound('Synergie');
  requireOfficerOf(ctx.principal, row.territory_id, 'Synergie');
  return row;
}

/**
 * Moves a synergy along its lifecycle (the table of shared/lifecycle). Every
 * change is an event; a rejected substitution is remembered so that matching
 * does not propose the same pair with the same rule again while its flows
 * are unchanged.
 */
export async function transition(
  db: Executor,
  ctx: RequestContext,
  id: string,
  input: z.infer<typeof TransitionCreate>,
) {
  const row = await lockedForOfficer(db, ctx, id);
  const from = row.status as SynergyStatus;
  const to = input.to;
  if (!canTransition(from, to)) {
    const allowed = TRANSITIONS[from].map((s) => `« ${STATUS_LABELS_FR[s]} »`).join(', ');
    throw new AppError(
      'transition_forbidden',
      `Une synergie « ${STATUS_LABELS_FR[from]} » ne peut pas passer à « ${STATUS_LABELS_FR[to]} »` +
        (allowed ? ` (possibles : ${allowed})` : ' (statut définitif)'),
    );
  }
  if (needsReason(to) && !input.reasonCode) {
    throw new AppError('validation_failed', 'Un motif est obligatoire pour clore une synergie', [
      { path: 'reasonCode', message: `obligatoire pour ${to}` },
    ]);
  }
  if (!needsReason(to) && input.reasonCode) {
    throw new AppError('validation_failed', 'Un motif ne s’applique qu’à un rejet ou un abandon', [
      { path: 'reasonCode', message: `sans objet pour ${to}` },
    ]);
  }
  const before = await synergyOut(db, id);
  await repo.setStatus(db, id, to);
  await repo.insertEvent(db, {
    synergyId: id,
    territoryId: row.territory_id,
    fromStatus: from,
    toStatus: to,
    reasonCode: input.reasonCode ?? null,
    comment: input.comment || null,
    actorUserId: actorOf(ctx),
  });
  if (to === 'rejected' && row.type === 'substitution') {
    await rememberRejection(db, row, input.reasonCode!);
  }
  const after = await synergyOut(db, id);
  await recordAudit(db, ctx, {
    territoryId: row.territory_id,
    action: 'transition',
    entity: 'synergy',
    entityId: id,
    before: { status: before.status },
    after: { status: after.status, reasonCode: input.reasonCode ?? null, comment: input.comment },
  });
  return after;
}

async function rememberRejection(
  db: Executor,
  row: { id: string; territory_id: string; rule_id: string | null },
  reasonCode: string,
) {
  const sides = await repo.substitutionSides(db, row.id);
  const s = sides.find((x) => x.role === 'supplier');
  const d = sides.find((x) => x.role === 'receiver');
  // A flow deleted since (or a manual synergy without flows): nothing the engine could match again.
  if (!s || !d || !s.flow_id || !d.flow_id) return;
  const side = (x: typeof s) => ({
    companyId: x.company_id,
    resourceCode: x.resource_code,
    quantityPerYear: x.quantity_per_year,
    unit: x.canonical_unit,
    hazardous: x.hazardous,
    lon: x.lon,
    lat: x.lat,
  });
  await repo.insertRejection(db, {
    territoryId: row.territory_id,
    synergyId: row.id,
    supplierCompanyId: s.company_id,
    receiverCompanyId: d.company_id,
    supplyFlowId: s.flow_id,
    demandFlowId: d.flow_id,
    ruleId: row.rule_id,
    fingerprint: rejectionFingerprint(row.rule_id, side(s), side(d)),
    reasonCode,
  });
}

export async function listEvents(db: Executor, ctx: RequestContext, id: string) {
  const row = await matchingRepo.findSynergy(db, id);
  if (!row) throw notFound('Synergie');
  requireOfficerOf(ctx.principal, row.territory_id, 'Synergie');
  const events = await repo.listEvents(db, id);
  return {
    items: events.map((e) => ({
      id: e.id,
      fromStatus: e.from_status as SynergyStatus | null,
      toStatus: e.to_status as SynergyStatus,
      reasonCode: e.reason_code as (typeof REJECTION_REASONS)[number] | null,
      comment: e.comment,
      actor:
        e.actor_user_id !== null
          ? { id: e.actor_user_id, displayName: e.display_name ?? '' }
          : null,
      runId: e.run_id,
      at: e.at.toISOString(),
    })),
  };
}

/** A synergy found by people (a meeting, a visit), not by the engine. */
export async function createManual(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  input: z.infer<typeof ManualSynergyCreate>,
) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  const errors: { path: string; message: string }[] = [];
  const roles = input.participants.map((p) => p.role);
  if (input.type === 'substitution') {
    const ok = roles.length === 2 && roles.includes('supplier') && roles.includes('receiver');
    if (!ok)
      errors.push({
        path: 'participants',
        message:
          'une substitution a exactement un fournisseur (supplier) et un receveur (receiver)',
      });
  } else if (roles.some((r) => r !== 'member')) {
    errors.push({
      path: 'participants',
      message: 'une mutualisation n’a que des membres (member)',
    });
  }
  const companyIds = input.participants.map((p) => p.companyId);
  if (new Set(companyIds).size !== companyIds.length)
    errors.push({ path: 'participants', message: 'une entreprise apparaît deux fois' });
  const known = await repo.companiesOfTerritory(db, territoryId, companyIds);
  const owners = await repo.flowOwners(
    db,
    input.participants.flatMap((p) => (p.flowId ? [p.flowId] : [])),
  );
  input.participants.forEach((p, i) => {
    if (!known.has(p.companyId))
      errors.push({
        path: `participants.${i}.companyId`,
        message: 'entreprise inconnue dans ce territoire',
      });
    if (p.flowId && owners.get(p.flowId) !== p.companyId)
      errors.push({
        path: `participants.${i}.flowId`,
        message: 'flux inconnu pour cette entreprise',
      });
  });
  if (errors.length > 0) throw new AppError('unprocessable', 'Participants incohérents', errors);
  if (!(await repo.resourceExists(db, input.resourceCode)))
    throw new AppError('unknown_resource', `Ressource « ${input.resourceCode} » inconnue`, [
      { path: 'resourceCode', message: 'code absent du catalogue' },
    ]);
  if ((input.quantityPerYear === undefined) !== (input.unit === undefined))
    throw new AppError('unprocessable', 'Quantité et unité vont ensemble', [
      { path: 'unit', message: 'quantité et unité sont données ensemble' },
    ]);
  const id = await repo.insertManualSynergy(db, {
    territoryId,
    // Never produced by the engine's hash: a run cannot touch a manual synergy.
    key: `manual:${randomUUID()}`,
    type: input.type,
    resourceCode: input.resourceCode,
    status: input.status,
    explanationFr: input.explanationFr ?? null,
    quantityPerYear: input.quantityPerYear ?? null,
    unit: input.unit ?? null,
    createdBy: actorOf(ctx),
    participants: input.participants.map((p) => ({
      role: p.role,
      companyId: p.companyId,
      flowId: p.flowId ?? null,
    })),
  });
  await repo.insertEvent(db, {
    synergyId: id,
    territoryId,
    fromStatus: null,
    toStatus: input.status,
    reasonCode: null,
    comment: input.comment || null,
    actorUserId: actorOf(ctx),
  });
  const out = await synergyOut(db, id);
  await recordAudit(db, ctx, {
    territoryId,
    action: 'create',
    entity: 'synergy',
    entityId: id,
    after: out,
  });
  return out;
}

export async function setRealisedGains(
  db: Executor,
  ctx: RequestContext,
  id: string,
  input: z.infer<typeof RealisedGainsInput>,
) {
  const row = await lockedForOfficer(db, ctx, id);
  const status = row.status as SynergyStatus;
  if (!acceptsRealisedGains(status))
    throw new AppError(
      'realised_gains_not_allowed',
      `Gains réalisés possibles pour une synergie ${STATUSES_WITH_REALISED_GAINS.map(
        (s) => `« ${STATUS_LABELS_FR[s]} »`,
      ).join(' ou ')} ; celle-ci est « ${STATUS_LABELS_FR[status]} »`,
    );
  if ((input.quantityPerYear === null) !== (input.unit === null))
    throw new AppError('validation_failed', 'Quantité et unité vont ensemble', [
      { path: 'unit', message: 'quantité et unité sont données ensemble' },
    ]);
  const figures = [
    input.quantityPerYear,
    input.eurPerYear,
    input.tco2ePerYear,
    input.jobsCreated,
    input.jobsKept,
  ];
  if (figures.every((v) => v === null))
    throw new AppError('validation_failed', 'Au moins un chiffre réalisé est attendu', [
      { path: '', message: 'quantité, €, tCO2e ou emplois' },
    ]);
  const gains = {
    ...input,
    recordedAt: new Date().toISOString(),
    recordedBy:
      ctx.principal.kind === 'user'
        ? { id: ctx.principal.id, displayName: ctx.principal.displayName }
        : null,
  };
  await repo.setRealisedGains(db, id, gains);
  await recordAudit(db, ctx, {
    territoryId: row.territory_id,
    action: 'update',
    entity: 'synergy.realised_gains',
    entityId: id,
    before: row.realised_gains,
    after: gains,
  });
  return synergyOut(db, id);
}

export async function listFollowUp(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  q: z.infer<typeof FollowUpQuery>,
) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  const rows = await repo.followUp(db, {
    territoryId,
    days: q.days,
    after: decodeCursor<[string, string]>(q.cursor, 2),
    limit: q.limit,
  });
  const page = toPage(
    rows,
    q.limit,
    (r) => r,
    (r) => [new Date(r.last_event_at).toISOString(), r.id],
  );
  const synergies = new Map(
    (
      await withParticipants(
        db,
        await matchingRepo.findSynergies(
          db,
          page.items.map((r) => r.id),
        ),
      )
    ).map((s) => [s.id, s]),
  );
  const now = Date.now();
  return {
    items: page.items.map((r) => {
      const at = new Date(r.last_event_at);
      return {
        synergy: synergies.get(r.id)!,
        lastEventAt: at.toISOString(),
        daysWithoutEvent: Math.floor((now - at.getTime()) / 86_400_000),
      };
    }),
    nextCursor: page.nextCursor,
  };
}

/** Labels and transitions, for the screens that show them. */
export function reference() {
  return {
    statuses: SYNERGY_STATUSES.map((code) => ({
      code,
      labelFr: STATUS_LABELS_FR[code],
      open: (OPEN_STATUSES as readonly string[]).includes(code),
      next: [...TRANSITIONS[code]],
    })),
    reasons: REJECTION_REASONS.map((code) => ({ code, labelFr: REASON_LABELS_FR[code] })),
    themes: WORKING_GROUP_THEMES.map((code) => ({ code, labelFr: THEME_LABELS_FR[code] })),
  };
}
