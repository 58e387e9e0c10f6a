import { parseResourceCodeFilter } from '../../../../shared/resource-code.ts';
import type { z } from 'zod';
import { notFound } from '../../../../shared/errors.ts';
import type {
  MatchRunCreate,
  Synergy,
  SynergyListQuery,
} from '../../../../shared/schemas/matching.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireOfficerOf } from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import { requireTerritoryOfficer } from '../territories/territories.service.ts';
import * as repo from './matching.repo.ts';

type RunRow = NonNullable<Awaited<ReturnType<typeof repo.findRun>>>;
type SynergyRow = NonNullable<Awaited<ReturnType<typeof repo.findSynergy>>>;

export function toRun(r: RunRow) {
  return {
    id: r.id,
    territoryId: r.territory_id,
    trigger: r.trigger as 'manual' | 'diagnostic_validated',
    scopeCompanyIds: r.scope_company_ids,
    status: r.status as 'queued' | 'running' | 'succeeded' | 'failed',
    progress: r.progress,
    params: (r.params ?? {}) as Record<string, unknown>,
    engineVersion: r.engine_version,
    ruleSetVersion: r.rule_set_version,
    counts: (r.counts ?? {}) as Record<string, number>,
    attempts: r.attempts,
    error: r.error,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
  };
}

/** Officers launch a run; the API answers at once (202), the worker does the work. */
export async function createRun(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  params: z.infer<typeof MatchRunCreate>,
) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  const id = await repo.requestMatchRun(db, {
    territoryId,
    trigger: 'manual',
    scopeCompanyIds: [],
    params,
    requestedBy: ctx.principal.kind === 'user' ? ctx.principal.id : null,
    requestId: ctx.requestId,
  });
  const run = toRun((await repo.findRun(db, id))!);
  await recordAudit(db, ctx, {
    territoryId,
    action: 'create',
    entity: 'match_run',
    entityId: id,
    after: run,
  });
  return run;
}

export async function getRun(db: Executor, ctx: RequestContext, id: string) {
  const run = await repo.findRun(db, id);
  if (!run) throw notFound('Passe de mise en relation');
  requireOfficerOf(ctx.principal, run.territory_id, 'Passe de mise en relation');
  return toRun(run);
}

export async function listRuns(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  q: { limit: number; cursor?: string },
) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  const rows = await repo.listRuns(
    db,
    territoryId,
    decodeCursor<[string, string]>(q.cursor, 2),
    q.limit,
  );
  return toPage(rows, q.limit, toRun, (r) => [r.created_at.toISOString(), r.id]);
}

export async function withParticipants(
  db: Executor,
  rows: SynergyRow[],
): Promise<z.infer<typeof Synergy>[]> {
  const participants = await repo.participantsOf(
    db,
    rows.map((r) => r.id),
  );
  const bySynergy = new Map<string, typeof participants>();
  for (const p of participants)
    bySynergy.set(p.synergy_id, [...(bySynergy.get(p.synergy_id) ?? []), p]);
  return rows.map((s) => ({
    id: s.id,
    territoryId: s.territory_id,
    key: s.key,
    type: s.type as 'substitution' | 'mutualisation',
    resourceCode: s.resource_code,
    resourceLabel: s.resource_label,
    ruleId: s.rule_id,
    status: s.status as z.infer<typeof Synergy>['status'],
    score: s.score,
    scoreBreakdown: s.score_breakdown,
    explanationFr: s.explanation_fr,
    distanceKm: s.distance_km,
    quantityPerYear: s.quantity_per_year,
    unit: s.unit,
    theme: s.theme,
    estimatedGains: s.estimated_gains,
    realisedGains: (s.realised_gains ?? null) as z.infer<typeof Synergy>['realisedGains'],
    origin: s.origin as 'engine' | 'manual',
    stale: s.stale,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
    participants: (bySynergy.get(s.id) ?? []).map((p) => ({
      role: p.role as 'supplier' | 'receiver' | 'member',
      companyId: p.company_id,
      companyName: p.name,
      sectorLabel: p.division_label_fr,
      zoneId: p.zone_id,
      flowId: p.flow_id,
    })),
  }));
}

export async function listSynergies(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  q: z.infer<typeof SynergyListQuery>,
) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  const { code: resourceCode, prefix: resourcePrefix } = q.resourceCode
    ? parseResourceCodeFilter(q.resourceCode)
    : {};
  const rows = await repo.listSynergies(db, {
    territoryId,
    type: q.type,
    status: q.status,
    zoneId: q.zoneId,
    companyId: q.companyId,
    resourceCode,
    resourcePrefix,
    minScore: q.minScore,
    includeStale: q.includeStale,
    after: decodeCursor<[number, string]>(q.cursor, 2),
    limit: q.limit,
  });
  const page = toPage(
    rows,
    q.limit,
    (r) => r,
    (r) => [r.score ?? 0, r.id],
  );
  return { items: await withParticipants(db, page.items), nextCursor: page.nextCursor };
}

export async function getSynergy(db: Executor, ctx: RequestContext, id: string) {
  const row = await repo.findSynergy(db, id);
  if (!row) throw notFound('Synergie');
  requireOfficerOf(ctx.principal, row.territory_id, 'Synergie');
  return (await withParticipants(db, [row]))[0]!;
}

export async function getInsights(db: Executor, ctx: RequestContext, territoryId: string) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  const run = await repo.lastFullRunWithInsights(db, territoryId);
  const insights = (run?.insights ?? { cascades: [], anchors: [], unmatchedResources: [] }) as {
    cascades: { companyIds: string[]; proposalKeys: string[] }[];
    anchors: { companyId: string; proposals: number }[];
    unmatchedResources: {
      resourceCode: string;
      companies: number;
      quantityPerYear: number;
      unit: string | null;
    }[];
  };
  return {
    runId: run?.id ?? null,
    computedAt: run?.finished_at?.toISOString() ?? null,
    ...insights,
  };
}
