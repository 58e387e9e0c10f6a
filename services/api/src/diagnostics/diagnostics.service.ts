import type { z } from 'zod';
import { AppError, forbidden, notFound, type FieldError } from '../../../../shared/errors.ts';
import type { DiagnosticWrite } from '../../../../shared/schemas/diagnostics.ts';
import type { FlowInput } from '../../../../shared/schemas/flows.ts';
import { toCanonicalPerYear } from '../../../../shared/units.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireCompanyReader, requireOfficerOf } from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import { getReadableCompany } from '../companies/companies.service.ts';
import { requestMatchRun } from '../matching/matching.repo.ts';
import { findCompany } from '../companies/companies.repo.ts';
import { toFlow } from '../flows/flows.mapping.ts';
import { findResourcesByCodes } from '../resources/resources.repo.ts';
import * as repo from './diagnostics.repo.ts';

type DiagnosticRow = NonNullable<Awaited<ReturnType<typeof repo.findDiagnostic>>>;

export const etagOf = (revision: number) => `"r${revision}"`;

function toDiagnosticBase(d: DiagnosticRow) {
  return {
    id: d.id,
    territoryId: d.territory_id,
    companyId: d.company_id,
    version: d.version,
    status: d.status as 'draft' | 'validated' | 'superseded',
    visitedAt: d.visited_at,
    notes: d.notes,
    authorId: d.author_id,
    revision: d.revision,
    createdAt: d.created_at.toISOString(),
    updatedAt: d.updated_at.toISOString(),
    validatedAt: d.validated_at?.toISOString() ?? null,
    validatedBy: d.validated_by,
    supersededAt: d.superseded_at?.toISOString() ?? null,
  };
}

async function loadFull(db: Executor, id: string) {
  const d = await repo.findDiagnostic(db, id);
  if (!d) throw notFound('Diagnostic');
  const flows = await repo.flowsOfDiagnostic(db, id);
  return { ...toDiagnosticBase(d), flows: flows.map(toFlow) };
}

/**
 * Checks every flow against the catalogue and the unit system and returns the
 * rows to store. All problems are reported at once, with their field paths.
 */
export async function resolveFlows(
  db: Executor,
  flows: z.infer<typeof FlowInput>[],
): Promise<repo.FlowValues[]> {
  const resources = new Map(
    (await findResourcesByCodes(db, [...new Set(flows.map((f) => f.resourceCode))])).map((r) => [
      r.code,
      r,
    ]),
  );
  const errors: FieldError[] = [];
  const unknownCodes: string[] = [];
  const rows: repo.FlowValues[] = [];
  flows.forEach((f, i) => {
    const r = resources.get(f.resourceCode);
    if (!r || !r.selectable) {
      unknownCodes.push(f.resourceCode);
      errors.push({
        path: `body.flows.${i}.resourceCode`,
        message: r
          ? `« ${f.resourceCode} » est une rubrique, choisissez une ressource précise`
          : `code inconnu : ${f.resourceCode}`,
      });
      return;
    }
    let quantityPerYear: number | null = null;
    let canonicalUnit: string | null = null;
    if (f.quantity != null && f.unit != null) {
      const conv = toCanonicalPerYear(f.quantity, f.unit, f.period, r.canonical_unit);
      if (!conv.ok) {
        errors.push({ path: `body.flows.${i}.unit`, message: conv.reason });
        return;
      }
      quantityPerYear = conv.quantityPerYear;
      canonicalUnit = conv.canonicalUnit;
    }
    rows.push({
      kind: f.kind,
      category: f.category ?? r.category,
      resource_code: r.code,
      label: f.label ?? null,
      quantity: f.quantity ?? null,
      unit: f.unit ?? null,
      period: f.quantity != null ? f.period : null,
      quantity_per_year: quantityPerYear,
      canonical_unit: canonicalUnit,
      cost_eur_per_year: f.costEurPerYear ?? null,
      // A hazardous EWC entry (*) cannot be declared harmless.
      hazardous: r.hazardous || (f.hazardous ?? false),
      quality: f.quality,
      availability: f.availability ?? null,
      confidentiality: f.confidentiality,
    });
  });
  if (errors.length > 0) {
    const code = unknownCodes.length > 0 ? 'unknown_resource' : 'incompatible_unit';
    throw new AppError(
      code,
      code === 'unknown_resource'
        ? 'Ressource inconnue dans un ou plusieurs flux'
        : 'Unité incompatible dans un ou plusieurs flux',
      errors,
    );
  }
  return rows;
}

function parseIfMatch(ifMatch: string | undefined, current: number, required: boolean): void {
  if (ifMatch === undefined) {
    if (required)
      throw new AppError('precondition_required', 'Envoyez l’en-tête If-Match avec l’ETag lu');
    return;
  }
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes('*') && !tags.includes(etagOf(current))) {
    throw new AppError(
      'precondition_failed',
      'Le diagnostic a été modifié depuis votre lecture ; rechargez-le',
    );
  }
}

async function getForWrite(db: Executor, ctx: RequestContext, id: string) {
  const d = await repo.findDiagnostic(db, id);
  if (!d) throw notFound('Diagnostic');
  const company = await findCompany(db, d.company_id);
  if (!company) throw notFound('Diagnostic');
  requireCompanyReader(ctx.principal, company, 'Diagnostic');
  return { d, company };
}

export async function getDiagnostic(db: Executor, ctx: RequestContext, id: string) {
  await getForWrite(db, ctx, id);
  return loadFull(db, id);
}

export async function listDiagnostics(db: Executor, ctx: RequestContext, companyId: string) {
  await getReadableCompany(db, ctx, companyId);
  const rows = await repo.listDiagnostics(db, companyId);
  return { items: rows.map((r) => ({ ...toDiagnosticBase(r), flowCount: r.flow_count ?? 0 })) };
}

/** Officers and the company's own users create drafts; only officers validate. */
export async function createDiagnostic(
  db: Executor,
  ctx: RequestContext,
  companyId: string,
  input: z.infer<typeof DiagnosticWrite>,
) {
  const company = await getReadableCompany(db, ctx, companyId);
  const flows = await resolveFlows(db, input.flows);
  await repo.lockCompany(db, companyId);
  const version = await repo.nextVersion(db, companyId);
  const id = await repo.insertDiagnostic(db, {
    territory_id: company.territory_id,
    company_id: companyId,
    version,
    visited_at: input.visitedAt ?? null,
    notes: input.notes ?? null,
    author_id: ctx.principal.kind === 'user' ? ctx.principal.id : null,
  });
  await repo.replaceFlows(
    db,
    { id, territory_id: company.territory_id, company_id: companyId },
    flows,
  );
  const full = await loadFull(db, id);
  await recordAudit(db, ctx, {
    territoryId: company.territory_id,
    action: 'create',
    entity: 'diagnostic',
    entityId: id,
    after: full,
  });
  return full;
}

export async function updateDiagnostic(
  db: Executor,
  ctx: RequestContext,
  id: string,
  ifMatch: string | undefined,
  input: z.infer<typeof DiagnosticWrite>,
) {
  const { d } = await getForWrite(db, ctx, id);
  if (d.status !== 'draft') {
    throw new AppError(
      'invalid_state',
      'Seul un brouillon se modifie ; créez une nouvelle version du diagnostic',
    );
  }
  parseIfMatch(ifMatch, d.revision, true);
  const flows = await resolveFlows(db, input.flows);
  const before = await loadFull(db, id);
  const ok = await repo.updateDraft(db, id, d.revision, {
    visited_at: input.visitedAt ?? null,
    notes: input.notes ?? null,
  });
  if (!ok)
    throw new AppError(
      'precondition_failed',
      'Le diagnostic a été modifié entre-temps ; rechargez-le',
    );
  await repo.replaceFlows(db, d, flows);
  const after = await loadFull(db, id);
  await recordAudit(db, ctx, {
    territoryId: d.territory_id,
    action: 'update',
    entity: 'diagnostic',
    entityId: id,
    before,
    after,
  });
  return after;
}

/** Validating a draft supersedes the company's previous validated version (history is kept). */
export async function validateDiagnostic(
  db: Executor,
  ctx: RequestContext,
  id: string,
  ifMatch: string | undefined,
) {
  const { d } = await getForWrite(db, ctx, id);
  requireOfficerOf(ctx.principal, d.territory_id, 'Diagnostic');
  if (d.status !== 'draft') throw new AppError('invalid_state', 'Ce diagnostic est déjà validé');
  parseIfMatch(ifMatch, d.revision, false);
  await repo.lockCompany(db, d.company_id);
  const superseded = await repo.supersedeValidated(db, d.company_id);
  const ok = await repo.markValidated(
    db,
    id,
    d.revision,
    ctx.principal.kind === 'user' ? ctx.principal.id : null,
  );
  if (!ok)
    throw new AppError(
      'precondition_failed',
      'Le diagnostic a été modifié entre-temps ; rechargez-le',
    );
  // Validation triggers an incremental rematch of what this company touches (outbox → worker).
  const runId = await requestMatchRun(db, {
    territoryId: d.territory_id,
    trigger: 'diagnostic_validated',
    scopeCompanyIds: [d.company_id],
    params: {},
    requestedBy: ctx.principal.kind === 'user' ? ctx.principal.id : null,
    requestId: ctx.requestId,
  });
  const after = await loadFull(db, id);
  await recordAudit(db, ctx, {
    territoryId: d.territory_id,
    action: 'validate',
    entity: 'diagnostic',
    entityId: id,
    before: { status: d.status, revision: d.revision },
    after: {
      status: after.status,
      revision: after.revision,
      supersededIds: superseded,
      matchRunId: runId,
    },
  });
  return after;
}

export async function deleteDraft(db: Executor, ctx: RequestContext, id: string) {
  const { d } = await getForWrite(db, ctx, id);
  if (d.status !== 'draft')
    throw new AppError(
      'invalid_state',
      'Un diagnostic validé fait partie de l’historique et ne se supprime pas',
    );
  // A company user may withdraw its own proposal, not a draft an officer is writing.
  if (ctx.principal.role === 'company' && d.author_id !== ctx.principal.id) {
    throw forbidden('Seul l’auteur du brouillon ou un chargé de mission peut le supprimer');
  }
  const before = await loadFull(db, id);
  await repo.deleteDraft(db, id);
  await recordAudit(db, ctx, {
    territoryId: d.territory_id,
    action: 'delete',
    entity: 'diagnostic',
    entityId: id,
    before,
  });
}
