import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import { AppError, notFound } from '../../../../shared/errors.ts';
import type {
  MeetingCreate,
  WorkingGroupCreate,
  WorkingGroupListQuery,
  WorkingGroupTheme,
  WorkingGroupUpdate,
} from '../../../../shared/schemas/working-groups.ts';
import { THEME_LABELS_FR } from '../../../../shared/schemas/working-groups.ts';
import {
  ENGINE_THEMES_OF,
  POOLING_RULE_FR,
  poolTotals,
  poolingFilter,
} from '../../../../shared/working-groups/pooling.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireCompanyReader, requireOfficerOf } from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import * as companiesRepo from '../companies/companies.repo.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import * as lifecycleRepo from '../lifecycle/lifecycle.repo.ts';
import * as matchingRepo from '../matching/matching.repo.ts';
import { withParticipants } from '../matching/matching.service.ts';
import { requireTerritoryOfficer } from '../territories/territories.service.ts';
import * as repo from './working-groups.repo.ts';

type GroupRow = NonNullable<Awaited<ReturnType<typeof repo.findGroup>>>;
type FlowKind = 'input' | 'output' | 'waste' | 'need';

const actorOf = (ctx: RequestContext) => (ctx.principal.kind === 'user' ? ctx.principal.id : null);

export function toSummary(g: GroupRow) {
  const theme = g.theme as WorkingGroupTheme;
  return {
    id: g.id,
    territoryId: g.territory_id,
    theme,
    themeLabelFr: THEME_LABELS_FR[theme],
    name: g.name,
    description: g.description,
    status: g.status as 'active' | 'closed',
    memberCount: g.member_count ?? 0,
    lastMeetingOn: g.last_meeting_on ?? null,
    createdAt: g.created_at.toISOString(),
    updatedAt: g.updated_at.toISOString(),
  };
}

async function full(db: Executor, id: string) {
  const g = (await repo.findGroup(db, id))!;
  const [members, linked] = await Promise.all([repo.members(db, id), repo.linkedSynergies(db, id)]);
  return {
    ...toSummary(g),
    members: members.map((m) => ({
      companyId: m.company_id,
      companyName: m.name,
      siret: m.siret,
      source: m.source as 'manual' | 'synergy',
      addedAt: m.added_at.toISOString(),
    })),
    synergyIds: linked.map((s) => s.id),
  };
}

/** The group, when the caller is an officer of its territory (or an administrator). */
async function groupForOfficer(db: Executor, ctx: RequestContext, id: string) {
  const g = await repo.findGroup(db, id);
  if (!g) throw notFound('Groupe de travail');
  requireOfficerOf(ctx.principal, g.territory_id, 'Groupe de travail');
  return g;
}

/**
 * The group, locked for a change, when the caller is one of its officers. A
 * closed group takes no new member, meeting or synergy until it is reopened.
 */
async function groupToChange(
  db: Executor,
  ctx: RequestContext,
  id: string,
  { mustBeActive = true } = {},
) {
  const g = await repo.lockGroup(db, id);
  if (!g) throw notFound('Groupe de travail');
  requireOfficerOf(ctx.principal, g.territory_id, 'Groupe de travail');
  if (mustBeActive && g.status !== 'active')
    throw new AppError('conflict', 'Ce groupe de travail est clos : rouvrez-le pour le modifier');
  return g;
}

export async function createGroup(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  input: z.infer<typeof WorkingGroupCreate>,
) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  const id = await repo.insertGroup(db, {
    territoryId,
    theme: input.theme,
    name: input.name,
    description: input.description ?? null,
    createdBy: actorOf(ctx),
  });
  const out = await full(db, id);
  await recordAudit(db, ctx, {
    territoryId,
    action: 'create',
    entity: 'working_group',
    entityId: id,
    after: out,
  });
  return out;
}

export async function listGroups(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  q: z.infer<typeof WorkingGroupListQuery>,
) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  const rows = await repo.listGroups(db, {
    territoryId,
    theme: q.theme,
    status: q.status,
    after: decodeCursor<[string, string]>(q.cursor, 2),
    limit: q.limit,
  });
  return toPage(rows, q.limit, toSummary, (r) => [r.name, r.id]);
}

export async function getGroup(db: Executor, ctx: RequestContext, id: string) {
  await groupForOfficer(db, ctx, id);
  return full(db, id);
}

export async function updateGroup(
  db: Executor,
  ctx: RequestContext,
  id: string,
  input: z.infer<typeof WorkingGroupUpdate>,
) {
  const g = await groupToChange(db, ctx, id, { mustBeActive: false });
  const before = await full(db, id);
  await repo.updateGroup(db, id, input);
  const after = await full(db, id);
  await recordAudit(db, ctx, {
    territoryId: g.territory_id,
    action: 'update',
    entity: 'working_group',
    entityId: id,
    before,
    after,
  });
  return after;
}

/** Companies of the group's territory, or 422 naming the others. */
async function requireCompaniesOfTerritory(
  db: Executor,
  territoryId: string,
  ids: string[],
  path: (i: number) => string,
) {
  const known = await lifecycleRepo.companiesOfTerritory(db, territoryId, ids);
  const errors = ids.flatMap((id, i) =>
    known.has(id) ? [] : [{ path: path(i), message: 'entreprise inconnue dans ce territoire' }],
  );
  if (errors.length > 0)
    throw new AppError('unprocessable', 'Entreprise inconnue dans ce territoire', errors);
}

export async function addMember(db: Executor, ctx: RequestContext, id: string, companyId: string) {
  const g = await groupToChange(db, ctx, id);
  await requireCompaniesOfTerritory(db, g.territory_id, [companyId], () => 'companyId');
  const added = await repo.addMembers(
    db,
    { groupId: id, territoryId: g.territory_id },
    [companyId],
    'manual',
    actorOf(ctx),
  );
  const out = await full(db, id);
  if (added.length > 0)
    await recordAudit(db, ctx, {
      territoryId: g.territory_id,
      action: 'add_member',
      entity: 'working_group',
      entityId: id,
      after: { companyId },
    });
  return out;
}

export async function removeMember(
  db: Executor,
  ctx: RequestContext,
  id: string,
  companyId: string,
) {
  const g = await groupToChange(db, ctx, id);
  if (!(await repo.removeMember(db, id, companyId))) throw notFound('Membre du groupe');
  await recordAudit(db, ctx, {
    territoryId: g.territory_id,
    action: 'remove_member',
    entity: 'working_group',
    entityId: id,
    before: { companyId },
  });
}

type MeetingRow = Awaited<ReturnType<typeof repo.meetings>>[number];

async function toMeetings(db: Executor, rows: MeetingRow[]) {
  const names = await repo.companyNames(db, [
    ...new Set(rows.flatMap((m) => m.attendee_company_ids)),
  ]);
  return rows.map((m) => ({
    id: m.id,
    workingGroupId: m.working_group_id,
    heldOn: m.held_on,
    title: m.title,
    attendees: m.attendee_company_ids.map((companyId) => ({
      companyId,
      companyName: names.get(companyId) ?? '',
    })),
    attendeeNames: m.attendee_names,
    minutes: m.minutes,
    createdAt: m.created_at.toISOString(),
  }));
}

export async function createMeeting(
  db: Executor,
  ctx: RequestContext,
  id: string,
  input: z.infer<typeof MeetingCreate>,
) {
  const g = await groupToChange(db, ctx, id);
  const attendees = [...new Set(input.attendeeCompanyIds)];
  await requireCompaniesOfTerritory(
    db,
    g.territory_id,
    attendees,
    (i) => `attendeeCompanyIds.${i}`,
  );
  const meetingId = await repo.insertMeeting(db, {
    groupId: id,
    territoryId: g.territory_id,
    heldOn: input.heldOn,
    title: input.title ?? null,
    attendeeCompanyIds: attendees,
    attendeeNames: input.attendeeNames,
    minutes: input.minutes ?? null,
    createdBy: actorOf(ctx),
  });
  const out = (await toMeetings(db, await repo.meetings(db, id, meetingId)))[0]!;
  await recordAudit(db, ctx, {
    territoryId: g.territory_id,
    action: 'create',
    entity: 'working_group_meeting',
    entityId: meetingId,
    after: out,
  });
  return out;
}

export async function listMeetings(db: Executor, ctx: RequestContext, id: string) {
  await groupForOfficer(db, ctx, id);
  return { items: await toMeetings(db, await repo.meetings(db, id)) };
}

/** A synergy of the group's territory, or 422 (another territory's is never disclosed). */
async function synergyOfGroup(db: Executor, territoryId: string, synergyId: string) {
  const s = await repo.findSynergyBrief(db, synergyId);
  if (!s || s.territory_id !== territoryId)
    throw new AppError('unprocessable', 'Synergie inconnue dans ce territoire', [
      { path: 'synergyId', message: 'synergie inconnue dans ce territoire' },
    ]);
  return s;
}

/**
 * Links a synergy to the group. Linking a mutualisation accepts it for the
 * group: its participant companies become members (source 'synergy').
 */
export async function linkSynergy(
  db: Executor,
  ctx: RequestContext,
  id: string,
  synergyId: string,
) {
  const g = await groupToChange(db, ctx, id);
  const s = await synergyOfGroup(db, g.territory_id, synergyId);
  const linked = await repo.link(db, {
    groupId: id,
    synergyId,
    territoryId: g.territory_id,
    linkedBy: actorOf(ctx),
  });
  let added: string[] = [];
  if (linked && s.type === 'mutualisation') {
    added = await repo.addMembers(
      db,
      { groupId: id, territoryId: g.territory_id },
      await repo.participantCompanies(db, synergyId),
      'synergy',
      actorOf(ctx),
    );
  }
  const out = await full(db, id);
  if (linked)
    await recordAudit(db, ctx, {
      territoryId: g.territory_id,
      action: 'link_synergy',
      entity: 'working_group',
      entityId: id,
      after: { synergyId, addedMembers: added },
    });
  return out;
}

/** Unlinks; the members the synergy brought stay (people joined the group). */
export async function unlinkSynergy(
  db: Executor,
  ctx: RequestContext,
  id: string,
  synergyId: string,
) {
  const g = await groupToChange(db, ctx, id);
  if (!(await repo.unlink(db, id, synergyId))) throw notFound('Synergie rattachée');
  await recordAudit(db, ctx, {
    territoryId: g.territory_id,
    action: 'unlink_synergy',
    entity: 'working_group',
    entityId: id,
    before: { synergyId },
  });
}

export async function suggestions(db: Executor, ctx: RequestContext, id: string) {
  const g = await groupForOfficer(db, ctx, id);
  const ids = await repo.suggestionIds(
    db,
    { groupId: id, territoryId: g.territory_id },
    ENGINE_THEMES_OF[g.theme as WorkingGroupTheme],
  );
  return { items: await withParticipants(db, await matchingRepo.findSynergies(db, ids)) };
}

export async function pooledVolumes(db: Executor, ctx: RequestContext, id: string) {
  const g = await groupForOfficer(db, ctx, id);
  const theme = g.theme as WorkingGroupTheme;
  const [flows, linked, missing] = await Promise.all([
    repo.memberFlows(db, id),
    repo.linkedSynergies(db, id),
    repo.membersWithoutValidatedDiagnostic(db, id),
  ]);
  const keep = poolingFilter(
    theme,
    linked.map((s) => s.resource_code),
  );
  const lines = flows
    .map((f) => ({
      companyId: f.company_id,
      companyName: f.company_name,
      siret: f.siret,
      diagnosticId: f.diagnostic_id,
      visitedAt: f.visited_at,
      kind: f.kind as FlowKind,
      resourceCode: f.resource_code,
      resourceLabel: f.resource_label ?? f.resource_code,
      unit: f.canonical_unit,
      quantityPerYear: f.quantity_per_year,
      hazardous: f.hazardous,
    }))
    .filter(keep);
  const labels = new Map(lines.map((l) => [l.resourceCode, l.resourceLabel]));
  return {
    workingGroupId: id,
    theme,
    ruleFr: POOLING_RULE_FR[theme],
    totals: poolTotals(lines).map((t) => ({
      ...t,
      resourceLabel: labels.get(t.resourceCode) ?? t.resourceCode,
    })),
    lines: lines.map(({ hazardous: _h, ...l }) => l),
    membersWithoutValidatedDiagnostic: missing,
  };
}

const KIND_FR: Record<FlowKind, string> = {
  input: 'Entrant',
  output: 'Sortant',
  waste: 'Déchet',
  need: 'Besoin',
};

/**
 * The pooled volumes as a CSV for the tender: one line per member and
 * resource, then one total line per resource. French headers; `;` with
 * decimal commas for French spreadsheets (default), or `,` with points.
 */
export function pooledVolumesCsv(
  v: Awaited<ReturnType<typeof pooledVolumes>>,
  separator: 'semicolon' | 'comma',
): string {
  const french = separator === 'semicolon';
  const num = (n: number | null) =>
    n === null ? '' : french ? String(n).replace('.', ',') : String(n);
  const records = [
    [
      'Entreprise',
      'SIRET',
      'Sens du flux',
      'Code ressource',
      'Ressource',
      'Quantité par an',
      'Unité',
      'Diagnostic du',
    ],
    ...v.lines.map((l) => [
      l.companyName,
      l.siret,
      KIND_FR[l.kind],
      l.resourceCode,
      l.resourceLabel,
      num(l.quantityPerYear),
      l.unit ?? '',
      l.visitedAt ?? '',
    ]),
    ...v.totals.map((t) => [
      `Total (${t.companies} entreprise${t.companies > 1 ? 's' : ''})`,
      '',
      KIND_FR[t.kind],
      t.resourceCode,
      t.resourceLabel,
      num(t.quantityPerYear),
      t.unit ?? '',
      '',
    ]),
  ];
  // The BOM makes spreadsheet programs read the file as UTF-8.
  return (
    '\ufeff' +
    stringify(records, {
      delimiter: french ? ';' : ',',
      record_delimiter: 'windows',
    })
  );
}

export async function groupsOfCompany(db: Executor, ctx: RequestContext, companyId: string) {
  const company = await companiesRepo.findCompany(db, companyId);
  if (!company) throw notFound('Entreprise');
  requireCompanyReader(ctx.principal, company);
  return { items: (await repo.groupsOfCompany(db, companyId)).map(toSummary) };
}
