// Corrections a company proposes to its current diagnostic: a list of flow edits
// (add / change / remove), checked against the catalogue when proposed, kept as
// pending; an officer accepts them (a new draft version of the diagnostic is written
// with the edits applied, to be validated like any draft) or rejects them.
import type { z } from 'zod';
import { AppError, forbidden, notFound, type FieldError } from '../../../../shared/errors.ts';
import type { FlowInput } from '../../../../shared/schemas/flows.ts';
import type {
  Correction,
  CorrectionCreate,
  CorrectionListQuery,
  FlowEdit,
} from '../../../../shared/schemas/portal.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireCompanyReader, requireOfficerOf } from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import { findCompany } from '../companies/companies.repo.ts';
import { getReadableCompany } from '../companies/companies.service.ts';
import { findDiagnostic, flowsOfDiagnostic } from '../diagnostics/diagnostics.repo.ts';
import { createDiagnostic, resolveFlows } from '../diagnostics/diagnostics.service.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import * as repo from './corrections.repo.ts';

type Edit = z.infer<typeof FlowEdit>;
type FlowIn = z.infer<typeof FlowInput>;
type Row = NonNullable<Awaited<ReturnType<typeof repo.findCorrection>>>;
type StoredFlow = Awaited<ReturnType<typeof flowsOfDiagnostic>>[number];

function toCorrection(c: Row): z.infer<typeof Correction> {
  return {
    id: c.id,
    territoryId: c.territory_id,
    companyId: c.company_id,
    diagnosticId: c.diagnostic_id,
    status: c.status as 'pending' | 'accepted' | 'rejected',
    edits: c.edits as z.infer<typeof Correction>['edits'],
    comment: c.comment,
    proposedBy: c.proposed_by,
    createdAt: c.created_at.toISOString(),
    decidedBy: c.decided_by,
    decidedAt: c.decided_at?.toISOString() ?? null,
    decisionComment: c.decision_comment,
    resultDiagnosticId: c.result_diagnostic_id,
  };
}

/** A stored flow as the diagnostic input that would write it again. */
function asInput(f: StoredFlow): FlowIn {
  return {
    kind: f.kind as FlowIn['kind'],
    category: f.category as FlowIn['category'],
    resourceCode: f.resource_code,
    label: f.label,
    quantity: f.quantity,
    unit: f.unit as FlowIn['unit'],
    period: (f.period ?? 'year') as FlowIn['period'],
    costEurPerYear: f.cost_eur_per_year,
    hazardous: f.hazardous,
    quality: (f.quality ?? {}) as FlowIn['quality'],
    availability: f.availability,
    confidentiality: f.confidentiality as FlowIn['confidentiality'],
  };
}

/** The flows of the diagnostic once the edits are applied (changes in place, additions last). */
function applyEdits(flows: StoredFlow[], edits: Edit[]): FlowIn[] {
  const changed = new Map<string, FlowIn | null>();
  for (const e of edits) {
    if (e.op === 'change') changed.set(e.flowId, e.flow);
    if (e.op === 'remove') changed.set(e.flowId, null);
  }
  const kept: FlowIn[] = [];
  for (const f of flows) {
    const c = changed.get(f.id);
    if (c === undefined) kept.push(asInput(f));
    else if (c !== null) kept.push(c);
  }
  for (const e of edits) if (e.op === 'add') kept.push(e.flow);
  return kept;
}

/** A company user proposes edits to its company's current (validated) diagnostic. */
export async function createCorrection(
  db: Executor,
  ctx: RequestContext,
  diagnosticId: string,
  input: z.infer<typeof CorrectionCreate>,
) {
  const d = await findDiagnostic(db, diagnosticId);
  const company = d ? await findCompany(db, d.company_id) : undefined;
  if (!d || !company) throw notFound('Diagnostic');
  requireCompanyReader(ctx.principal, company, 'Diagnostic');
  if (ctx.principal.role !== 'company')
    throw forbidden('Les chargés de mission modifient le diagnostic directement');
  if (d.status !== 'validated')
    throw new AppError(
      'invalid_state',
      'Les corrections portent sur le diagnostic en vigueur (version validée)',
    );

  const flowIds = new Set((await flowsOfDiagnostic(db, d.id)).map((f) => f.id));
  const errors: FieldError[] = [];
  const touched = new Set<string>();
  input.edits.forEach((e, i) => {
    if (e.op === 'add') return;
    if (!flowIds.has(e.flowId))
      errors.push({ path: `body.edits.${i}.flowId`, message: 'flux absent de ce diagnostic' });
    else if (touched.has(e.flowId))
      errors.push({ path: `body.edits.${i}.flowId`, message: 'flux déjà modifié plus haut' });
    touched.add(e.flowId);
  });
  if (errors.length > 0)
    throw new AppError('unprocessable', 'Corrections incohérentes avec le diagnostic', errors);

  // The new or changed flows go through the same checks as a diagnostic (catalogue, units).
  const written = input.edits
    .map((e, i) => ({ e, i }))
    .filter((x): x is { e: Exclude<Edit, { op: 'remove' }>; i: number } => x.e.op !== 'remove');
  try {
    await resolveFlows(
      db,
      written.map((x) => x.e.flow),
    );
  } catch (err) {
    if (err instanceof AppError && err.errors) {
      throw new AppError(
        err.code,
        err.message,
        err.errors.map((fe) => ({
          ...fe,
          path: fe.path.replace(
            /^body\.flows\.(\d+)/,
            (_m, k: string) => `body.edits.${written[Number(k)]?.i ?? k}.flow`,
          ),
        })),
      );
    }
    throw err;
  }

  const id = await repo.insertCorrection(db, {
    territory_id: d.territory_id,
    company_id: d.company_id,
    diagnostic_id: d.id,
    edits: input.edits,
    comment: input.comment ?? null,
    proposed_by: ctx.principal.kind === 'user' ? ctx.principal.id : null,
  });
  const correction = toCorrection((await repo.findCorrection(db, id))!);
  await recordAudit(db, ctx, {
    territoryId: d.territory_id,
    action: 'create',
    entity: 'diagnostic_correction',
    entityId: id,
    after: correction,
  });
  return correction;
}

export async function listCorrections(
  db: Executor,
  ctx: RequestContext,
  companyId: string,
  q: z.infer<typeof CorrectionListQuery>,
) {
  await getReadableCompany(db, ctx, companyId);
  const rows = await repo.listCorrections(db, {
    companyId,
    status: q.status,
    after: decodeCursor<[string, string]>(q.cursor, 2),
    limit: q.limit,
  });
  return toPage(rows, q.limit, toCorrection, (r) => [r.created_at.toISOString(), r.id]);
}

async function getPendingForOfficer(db: Executor, ctx: RequestContext, id: string) {
  const c = await repo.findCorrection(db, id);
  if (!c) throw notFound('Correction');
  requireOfficerOf(ctx.principal, c.territory_id, 'Correction');
  if (c.status !== 'pending')
    throw new AppError('invalid_state', 'Cette correction a déjà été traitée');
  return c;
}

/** Accepting writes a new draft version with the edits applied; the officer validates it. */
export async function acceptCorrection(
  db: Executor,
  ctx: RequestContext,
  id: string,
  body: { comment?: string },
) {
  const c = await getPendingForOfficer(db, ctx, id);
  const base = await findDiagnostic(db, c.diagnostic_id);
  if (!base || base.status !== 'validated')
    throw new AppError(
      'invalid_state',
      'Le diagnostic a changé depuis la proposition : la correction ne s’applique plus',
    );
  const flows = applyEdits(await flowsOfDiagnostic(db, base.id), c.edits as Edit[]);
  const draft = await createDiagnostic(db, ctx, c.company_id, {
    visitedAt: base.visited_at,
    notes: base.notes,
    flows,
  });
  return decide(db, ctx, c, {
    status: 'accepted',
    comment: body.comment ?? null,
    resultDiagnosticId: draft.id,
  });
}

export async function rejectCorrection(
  db: Executor,
  ctx: RequestContext,
  id: string,
  body: { comment: string },
) {
  const c = await getPendingForOfficer(db, ctx, id);
  return decide(db, ctx, c, {
    status: 'rejected',
    comment: body.comment,
    resultDiagnosticId: null,
  });
}

async function decide(
  db: Executor,
  ctx: RequestContext,
  c: Row,
  d: { status: 'accepted' | 'rejected'; comment: string | null; resultDiagnosticId: string | null },
) {
  const ok = await repo.decideCorrection(db, c.id, {
    status: d.status,
    decided_by: ctx.principal.kind === 'user' ? ctx.principal.id : null,
    decision_comment: d.comment,
    result_diagnostic_id: d.resultDiagnosticId,
  });
  if (!ok) throw new AppError('invalid_state', 'Cette correction a déjà été traitée');
  const after = toCorrection((await repo.findCorrection(db, c.id))!);
  await recordAudit(db, ctx, {
    territoryId: c.territory_id,
    action: d.status === 'accepted' ? 'accept' : 'reject',
    entity: 'diagnostic_correction',
    entityId: c.id,
    before: { status: c.status },
    after,
  });
  return after;
}
