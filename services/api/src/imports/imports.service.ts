import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { AppError, notFound } from '../../../../shared/errors.ts';
import {
  CATEGORY_LABEL,
  COMPANY_COLUMNS,
  COMPANY_SHEET,
  CONFIDENTIALITY_LABEL,
  FLOW_COLUMNS,
  FLOW_SHEET,
  KIND_LABEL,
  PERIOD_LABEL,
  SYNERGY_COLUMNS,
  SYNERGY_SHEET,
} from '../../../../shared/imports/columns.ts';
import type {
  ExportParams,
  ImportUploadQuery,
  TemplateParams,
} from '../../../../shared/schemas/imports.ts';
import { copyingTransaction, type Database, type Executor } from '../../../core/src/db/database.ts';
import * as repo from '../../../core/src/db/imports.repo.ts';
import { enqueueOutbox } from '../../../core/src/db/outbox.repo.ts';
import { commitImport } from '../../../core/src/imports/commit.ts';
import { planImport, summaryOf } from '../../../core/src/imports/plan.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireOfficerOf } from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import { requireTerritoryOfficer } from '../territories/territories.service.ts';
import { CONTENT_TYPE, toCsv, toXlsx, type CellValue, type SheetData } from './imports.files.ts';

type Row = NonNullable<Awaited<ReturnType<typeof repo.findImport>>>;

export function toImport(r: Row) {
  return {
    id: r.id,
    territoryId: r.territory_id,
    kind: r.kind as repo.ImportKind,
    format: r.format as 'csv' | 'xlsx' | 'geojson',
    filename: r.filename,
    sha256: r.sha256,
    options: r.options as Record<string, unknown>,
    status: r.status as repo.ImportStatus,
    rowsTotal: r.rows_total,
    rowsDone: r.rows_done,
    progress:
      r.status === 'committed'
        ? 100
        : r.rows_total > 0
          ? Math.min(100, Math.floor((r.rows_done / r.rows_total) * 100))
          : 0,
    problemCount: r.problem_count,
    problems: r.problems as never,
    summary: r.summary as Record<string, number>,
    source: r.source,
    licence: r.licence,
    error: r.error,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    committedAt: r.committed_at?.toISOString() ?? null,
  };
}

/** Upload and dry run: a file-level fault answers 422 and stores nothing. */
export async function uploadImport(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  q: z.infer<typeof ImportUploadQuery>,
  content: Buffer,
) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  if (q.kind !== 'sirene' && (q.communes || q.zoneId))
    throw new AppError(
      'validation_failed',
      'Les filtres communes et zoneId valent pour SIRENE seulement',
    );
  const options = {
    ...(q.communes ? { communes: q.communes.split(',') } : {}),
    ...(q.zoneId ? { zoneId: q.zoneId } : {}),
  };
  const plan = await planImport(db, { territoryId, kind: q.kind, content, options });
  const row = await repo.insertImport(db, {
    territory_id: territoryId,
    kind: q.kind,
    format: plan.format,
    filename: q.filename ?? null,
    sha256: createHash('sha256').update(content).digest('hex'),
    options,
    status: plan.problemCount > 0 ? 'dry_run_failed' : 'ready',
    rows_total: plan.rowsTotal,
    problems: plan.problems,
    problem_count: plan.problemCount,
    source: plan.source,
    licence: plan.licence,
    content,
    created_by: ctx.principal.kind === 'user' ? ctx.principal.id : null,
    request_id: ctx.requestId,
  });
  await repo.updateImport(db, row.id, { summary: summaryOf(plan) });
  const result = toImport((await repo.findImport(db, row.id))!);
  await recordAudit(db, ctx, {
    territoryId,
    action: 'upload',
    entity: 'import',
    entityId: row.id,
    after: {
      kind: result.kind,
      filename: result.filename,
      sha256: result.sha256,
      status: result.status,
      problemCount: result.problemCount,
    },
  });
  return result;
}

async function getForOfficer(db: Executor, ctx: RequestContext, id: string) {
  const r = await repo.findImport(db, id);
  if (!r) throw notFound('Import');
  requireOfficerOf(ctx.principal, r.territory_id, 'Import');
  return r;
}

export async function getImport(db: Executor, ctx: RequestContext, id: string) {
  return toImport(await getForOfficer(db, ctx, id));
}

export async function listImports(db: Executor, ctx: RequestContext, territoryId: string) {
  await requireTerritoryOfficer(db, ctx, territoryId);
  return { items: (await repo.listImports(db, territoryId, 100)).map(toImport) };
}

/**
 * Commits an import: small files at once (200), large ones through the
 * outbox and the worker (202, follow GET /imports/{id}). All or nothing.
 */
export async function commit(
  db: Database,
  ctx: RequestContext,
  id: string,
  syncMaxRows: number,
): Promise<{ status: 200 | 202; body: ReturnType<typeof toImport> }> {
  const outcome = await copyingTransaction(db, async (trx, copy) => {
    const current = await getForOfficer(trx, ctx, id);
    const status = await repo.lockImport(trx, id);
    if (status === 'committed') return { status: 200 as const };
    if (status === 'committing') return { status: 202 as const };
    if (status === 'dry_run_failed') return { problems: current.problem_count };
    if (current.rows_total > syncMaxRows) {
      await repo.updateImport(trx, id, { status: 'committing', rows_done: 0, error: null });
      await enqueueOutbox(trx, {
        territoryId: current.territory_id,
        topic: 'import.commit',
        payload: { importId: id },
        requestId: ctx.requestId,
      });
      return { status: 202 as const };
    }
    const done = await commitImport(trx, copy, id);
    return done.ok ? { status: 200 as const } : { problems: done.problemCount };
  });
  if ('problems' in outcome)
    throw new AppError(
      'import_has_problems',
      `${outcome.problems} ligne(s) en erreur : rien n’a été écrit. Corrigez le fichier et déposez-le à nouveau.`,
    );
  return { status: outcome.status, body: toImport((await repo.findImport(db, id))!) };
}

// ---------------------------------------------------------------- templates and exports

const yesNo = (b: boolean) => (b ? 'oui' : 'non');

async function companySheet(db: Executor, territoryId: string): Promise<SheetData> {
  const rows = await repo.companiesForExport(db, territoryId);
  return {
    name: COMPANY_SHEET,
    columns: COMPANY_COLUMNS,
    rows: rows.map((c): CellValue[] => [
      c.siret,
      c.name,
      c.naf_code,
      c.headcount_band,
      c.address,
      c.lon,
      c.lat,
      yesNo(c.is_ess),
      yesNo(c.consent_share_identity),
      yesNo(c.consent_share_flows),
      c.source,
      c.source_licence,
    ]),
  };
}

async function flowSheet(db: Executor, territoryId: string): Promise<SheetData> {
  const rows = await repo.flowsForExport(db, territoryId);
  return {
    name: FLOW_SHEET,
    columns: FLOW_COLUMNS,
    rows: rows.map((f): CellValue[] => [
      f.siret,
      f.visited_at,
      KIND_LABEL[f.kind as keyof typeof KIND_LABEL],
      CATEGORY_LABEL[f.category as keyof typeof CATEGORY_LABEL],
      f.resource_code,
      f.label,
      f.quantity,
      f.unit,
      f.period ? PERIOD_LABEL[f.period as keyof typeof PERIOD_LABEL] : null,
      f.cost_eur_per_year,
      yesNo(f.hazardous),
      CONFIDENTIALITY_LABEL[f.confidentiality as keyof typeof CONFIDENTIALITY_LABEL],
      f.availability,
    ]),
  };
}

async function synergySheet(db: Executor, territoryId: string): Promise<SheetData> {
  const rows = await repo.synergiesForExport(db, territoryId);
  const gain = (g: Record<string, unknown> | null, k: string) =>
    typeof g?.[k] === 'number' ? g[k] : null;
  return {
    name: SYNERGY_SHEET,
    columns: SYNERGY_COLUMNS,
    rows: rows.map((s): CellValue[] => [
      s.id,
      s.type,
      s.status,
      s.resource_code,
      s.resource_label,
      s.score,
      s.distance_km,
      s.quantity_per_year,
      s.unit,
      s.theme,
      s.participants,
      gain(s.estimated_gains, 'tonnesDivertedPerYear'),
      gain(s.estimated_gains, 'tco2eAvoidedPerYear'),
      gain(s.estimated_gains, 'eurPerYear'),
      yesNo(s.stale),
    ]),
  };
}

export interface FileOut {
  filename: string;
  contentType: string;
  body: Buffer;
}

/**
 * Companies, flows or synergies of a territory, with the import headers:
 * an export imports back into an empty territory as the same data. The XLSX
 * export of flows carries both sheets (entreprises, flux).
 */
export async function exportData(
  db: Executor,
  ctx: RequestContext,
  p: z.infer<typeof ExportParams>,
  format: 'csv' | 'xlsx',
): Promise<FileOut> {
  const t = await requireTerritoryOfficer(db, ctx, p.territoryId);
  let sheets: SheetData[];
  if (p.entity === 'companies') sheets = [await companySheet(db, p.territoryId)];
  else if (p.entity === 'flows')
    sheets =
      format === 'xlsx'
        ? [await companySheet(db, p.territoryId), await flowSheet(db, p.territoryId)]
        : [await flowSheet(db, p.territoryId)];
  else sheets = [await synergySheet(db, p.territoryId)];
  const name = { companies: COMPANY_SHEET, flows: FLOW_SHEET, synergies: SYNERGY_SHEET }[p.entity];
  return {
    filename: `${t.slug}-${name}.${format}`,
    contentType: CONTENT_TYPE[format],
    body: format === 'csv' ? toCsv(sheets[0]!) : await toXlsx(sheets),
  };
}

/** Empty template: the headers, and in XLSX a help sheet describing each column. */
export async function template(
  p: z.infer<typeof TemplateParams>,
  format: 'csv' | 'xlsx',
): Promise<FileOut> {
  const company: SheetData = { name: COMPANY_SHEET, columns: COMPANY_COLUMNS, rows: [] };
  const flows: SheetData = { name: FLOW_SHEET, columns: FLOW_COLUMNS, rows: [] };
  const sheets = p.kind === 'companies' ? [company] : [company, flows];
  const name = p.kind === 'companies' ? COMPANY_SHEET : FLOW_SHEET;
  return {
    filename: `modele-${name}.${format}`,
    contentType: CONTENT_TYPE[format],
    body: format === 'csv' ? toCsv(sheets[sheets.length - 1]!) : await toXlsx(sheets, true),
  };
}
