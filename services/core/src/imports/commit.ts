// Applies a plan with no problem, in the caller's transaction (the API route
// for small files, the worker job for large ones): a copyingTransaction, so
// that flows go in through COPY. Progress is reported through a callback that
// writes outside the transaction, so that readers see it.
import type { CopyIn, Executor, Tx } from '../db/database.ts';
import * as repo from '../db/imports.repo.ts';
import { planImport, summaryOf, type ImportPlan } from './plan.ts';

export const FLOW_BATCH = 5000;

export type Progress = (rowsDone: number) => Promise<void>;

export async function applyPlan(
  db: Executor,
  copy: CopyIn,
  plan: ImportPlan,
  ctx: { territoryId: string; importId: string; authorId: string | null },
  progress: Progress = async () => undefined,
): Promise<void> {
  let done = 0;
  const companies = await repo.companiesOfTerritory(db, ctx.territoryId);
  const idOf = new Map([...companies].map(([siret, c]) => [siret, c.id]));
  if (plan.companies.create.length > 0) {
    const created = await repo.insertCompanies(
      db,
      ctx.territoryId,
      ctx.importId,
      plan.companies.create,
    );
    for (const [siret, id] of created) idOf.set(siret, id);
  }
  for (const u of plan.companies.update) await repo.updateCompanyFromImport(db, u.id, u.v);
  done += plan.companies.create.length + plan.companies.update.length + plan.companies.unchanged;
  if (plan.companies.create.length + plan.companies.update.length > 0) {
    await repo.rederiveCompanyZones(db, ctx.territoryId);
    await progress(done);
  }

  // Diagnostics: one new draft per (company, visit date); versions follow the company's last one.
  const newDiagIds = new Map<string, string>();
  if (plan.flows.newDiagnostics.length > 0) {
    const companyIds = plan.flows.newDiagnostics.map((d) => idOf.get(d.siret)!);
    const versions = await repo.maxVersions(db, [...new Set(companyIds)]);
    const rows = plan.flows.newDiagnostics.map((d, i) => {
      const companyId = companyIds[i]!;
      const version = (versions.get(companyId) ?? 0) + 1;
      versions.set(companyId, version);
      return { company_id: companyId, version, visited_at: d.visited_at };
    });
    const created = await repo.insertDiagnostics(
      db,
      ctx.territoryId,
      ctx.importId,
      ctx.authorId,
      rows,
    );
    for (const d of created) newDiagIds.set(`${d.company_id}|${d.visited_at ?? ''}`, d.id);
  }
  const nextPosition = new Map(plan.flows.nextPosition);
  const touched = new Set<string>();
  const flowWrite = (f: (typeof plan.flows.create)[number]): repo.FlowWrite => {
    const companyId = idOf.get(f.siret)!;
    const diagnosticId =
      f.existingDiagnosticId ?? newDiagIds.get(`${companyId}|${f.visited_at ?? ''}`)!;
    if (f.existingDiagnosticId) touched.add(f.existingDiagnosticId);
    const position = nextPosition.get(diagnosticId) ?? 0;
    nextPosition.set(diagnosticId, position + 1);
    return {
      diagnostic_id: diagnosticId,
      company_id: companyId,
      position,
      kind: f.kind,
      category: f.category,
      resource_code: f.resource_code,
      label: f.label,
      quantity: f.quantity,
      unit: f.unit,
      period: f.period,
      quantity_per_year: f.quantity_per_year,
      canonical_unit: f.canonical_unit,
      cost_eur_per_year: f.cost_eur_per_year,
      hazardous: f.hazardous,
      availability: f.availability,
      confidentiality: f.confidentiality,
      import_key: f.import_key,
    };
  };
  // One COPY for all new flows, fed batch by batch: progress after each batch.
  async function* flowBatches() {
    for (let i = 0; i < plan.flows.create.length; i += FLOW_BATCH) {
      const batch = plan.flows.create.slice(i, i + FLOW_BATCH).map(flowWrite);
      yield batch;
      done += batch.length;
      await progress(done);
    }
  }
  if (plan.flows.create.length > 0) await repo.copyFlows(copy, ctx.territoryId, flowBatches());
  for (const u of plan.flows.update) {
    await repo.updateFlowFromImport(db, u.id, u.v);
    touched.add(u.diagnosticId);
  }
  await repo.touchDiagnostics(db, [...touched]);

  for (const z of plan.zones.create)
    await repo.insertZoneFromImport(db, ctx.territoryId, z.name, z.geojson);
  for (const z of plan.zones.update) await repo.updateZoneGeometry(db, z.id, z.geojson);
  if (plan.zones.create.length + plan.zones.update.length > 0)
    await repo.rederiveCompanyZones(db, ctx.territoryId);
  await progress(plan.rowsTotal);
}

export type CommitOutcome =
  { ok: true; summary: Record<string, number> } | { ok: false; problemCount: number };

/**
 * Plans the stored file again and applies it, all or nothing: when a row has
 * become wrong since the dry run, nothing is written and the import goes back
 * to dry_run_failed with the new problems.
 */
export async function commitImport(
  trx: Tx,
  copy: CopyIn,
  importId: string,
  progress?: Progress,
): Promise<CommitOutcome> {
  // With progress reports (worker), the import row is not locked: the reports
  // update it from outside this transaction. BullMQ runs a job id once at a time.
  const imp = progress
    ? await repo.findImportWithContent(trx, importId)
    : await repo.findImportForUpdate(trx, importId);
  if (!imp) throw new Error(`import ${importId} not found`);
  if (imp.status === 'committed')
    return { ok: true, summary: imp.summary as Record<string, number> };
  const plan = await planImport(trx, {
    territoryId: imp.territory_id,
    kind: imp.kind as repo.ImportKind,
    content: imp.content,
    options: imp.options as never,
  });
  if (plan.problemCount > 0) {
    await repo.updateImport(trx, importId, {
      status: 'dry_run_failed',
      problems: plan.problems,
      problem_count: plan.problemCount,
      summary: summaryOf(plan),
    });
    return { ok: false, problemCount: plan.problemCount };
  }
  await applyPlan(
    trx,
    copy,
    plan,
    { territoryId: imp.territory_id, importId, authorId: imp.created_by },
    progress,
  );
  const summary = summaryOf(plan);
  await repo.updateImport(trx, importId, {
    status: 'committed',
    rows_done: plan.rowsTotal,
    summary,
    committed: true,
  });
  await repo.recordImportAudit(trx, {
    territoryId: imp.territory_id,
    actorUserId: imp.created_by,
    importId,
    requestId: imp.request_id,
    after: { kind: imp.kind, filename: imp.filename, sha256: imp.sha256, summary },
  });
  return { ok: true, summary };
}
