import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import { AppError, forbidden, notFound } from '../../../../shared/errors.ts';
import {
  OBJECTIVE_METRIC_LABELS_FR,
  type ObjectiveMetric,
} from '../../../../shared/indicators/objectives.ts';
import type {
  ConventionInput,
  ConventionReport,
  ReportQuery,
} from '../../../../shared/schemas/conventions.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { requireOfficerOf, seesTerritory } from '../auth/access.ts';
import type { Principal, RequestContext } from '../auth/principal.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import * as repo from './conventions.repo.ts';

type Input = z.infer<typeof ConventionInput>;
type Report = z.infer<typeof ConventionReport>;

/** Conventions are the officers' business: partners pull indicators, company users see neither. */
export function requireConventionReader(p: Principal, territoryId: string): void {
  if (!seesTerritory(p, territoryId)) throw notFound('Convention');
  if (p.role !== 'admin' && p.role !== 'officer')
    throw forbidden('Conventions et rapports réservés aux chargés de mission du territoire');
}

type Row = NonNullable<Awaited<ReturnType<typeof repo.findConvention>>>;

const toSummary = (c: Row) => ({
  id: c.id,
  territoryId: c.territory_id,
  title: c.title,
  reference: c.reference,
  partners: c.partners,
  startsOn: c.starts_on,
  endsOn: c.ends_on,
  createdAt: c.created_at.toISOString(),
  updatedAt: c.updated_at.toISOString(),
});

async function toConvention(db: Executor, c: Row) {
  const tree = await repo.loadTree(db, c.id);
  return {
    ...toSummary(c),
    description: c.description,
    actions: tree.actions.map((a) => ({
      id: a.id,
      title: a.title,
      description: a.description,
      objectives: tree.objectives
        .filter((o) => o.action_id === a.id)
        .map((o) => ({
          id: o.id,
          label: o.label,
          metric: o.metric as ObjectiveMetric,
          target: o.target,
          unit: o.unit,
          startsOn: o.starts_on,
          endsOn: o.ends_on,
          zoneId: o.zone_id,
          manualValue: o.manual_value,
        })),
      budget: tree.lines
        .filter((l) => l.action_id === a.id)
        .map((l) => ({
          id: l.id,
          year: l.year,
          label: l.label,
          amountEur: Number(l.amount_eur),
          funding: tree.funding
            .filter((f) => f.budget_line_id === l.id)
            .map((f) => ({ funder: f.funder, amountEur: Number(f.amount_eur) })),
        })),
    })),
  };
}

/** Checks the body against itself and the territory before anything is written. */
async function validate(db: Executor, territoryId: string, input: Input) {
  const errors: { path: string; message: string }[] = [];
  if (input.startsOn > input.endsOn)
    errors.push({ path: 'body.endsOn', message: 'la fin précède le début' });
  for (const [i, a] of input.actions.entries()) {
    for (const [j, o] of a.objectives.entries()) {
      const path = `body.actions.${i}.objectives.${j}`;
      const s = o.startsOn ?? input.startsOn;
      const e = o.endsOn ?? input.endsOn;
      if (s > e) errors.push({ path: `${path}.endsOn`, message: 'la fin précède le début' });
      if (o.metric !== 'manual' && o.manualValue !== null)
        errors.push({
          path: `${path}.manualValue`,
          message: 'valeur saisie réservée à metric = manual',
        });
      if (o.zoneId !== null) {
        const z = await repo.zoneOf(db, o.zoneId);
        if (!z || z.territory_id !== territoryId)
          errors.push({ path: `${path}.zoneId`, message: 'zone inconnue dans ce territoire' });
      }
    }
    for (const [j, l] of a.budget.entries()) {
      const path = `body.actions.${i}.budget.${j}`;
      const funded = l.funding.reduce((s, f) => s + f.amountEur, 0);
      if (funded > l.amountEur + 0.005)
        errors.push({
          path: `${path}.funding`,
          message: 'les parts des financeurs dépassent la dépense',
        });
      const funders = l.funding.map((f) => f.funder);
      if (new Set(funders).size !== funders.length)
        errors.push({ path: `${path}.funding`, message: 'un financeur apparaît deux fois' });
    }
  }
  if (errors.length > 0) throw new AppError('unprocessable', 'Convention incohérente', errors);
}

async function writeChildren(
  db: Executor,
  territoryId: string,
  conventionId: string,
  input: Input,
) {
  for (const [i, a] of input.actions.entries()) {
    const actionId = await repo.insertAction(db, {
      convention_id: conventionId,
      territory_id: territoryId,
      position: i,
      title: a.title,
      description: a.description,
    });
    for (const [j, o] of a.objectives.entries()) {
      await repo.insertObjective(db, {
        action_id: actionId,
        convention_id: conventionId,
        territory_id: territoryId,
        position: j,
        label: o.label,
        metric: o.metric,
        target: o.target,
        unit: o.unit,
        starts_on: o.startsOn ?? input.startsOn,
        ends_on: o.endsOn ?? input.endsOn,
        zone_id: o.zoneId,
        manual_value: o.manualValue,
      });
    }
    for (const [j, l] of a.budget.entries()) {
      await repo.insertBudgetLine(
        db,
        {
          convention_id: conventionId,
          action_id: actionId,
          territory_id: territoryId,
          year: l.year,
          position: j,
          label: l.label,
          amount_eur: l.amountEur,
        },
        l.funding,
      );
    }
  }
}

const fields = (input: Input) => ({
  title: input.title,
  reference: input.reference,
  partners: input.partners,
  starts_on: input.startsOn,
  ends_on: input.endsOn,
  description: input.description,
});

export async function createConvention(
  db: Executor,
  ctx: RequestContext,
  territoryId: string,
  input: Input,
) {
  requireOfficerOf(ctx.principal, territoryId);
  await validate(db, territoryId, input);
  const id = await repo.insertConvention(db, {
    territory_id: territoryId,
    ...fields(input),
    created_by: ctx.principal.kind === 'user' ? ctx.principal.id : null,
  });
  await writeChildren(db, territoryId, id, input);
  const out = await toConvention(db, (await repo.findConvention(db, id))!);
  await recordAudit(db, ctx, {
    territoryId,
    action: 'create',
    entity: 'convention',
    entityId: id,
    after: out,
  });
  return out;
}

export async function listConventions(db: Executor, ctx: RequestContext, territoryId: string) {
  requireConventionReader(ctx.principal, territoryId);
  return { items: (await repo.listConventions(db, territoryId)).map(toSummary) };
}

async function readable(db: Executor, ctx: RequestContext, id: string) {
  const c = await repo.findConvention(db, id);
  if (!c) throw notFound('Convention');
  requireConventionReader(ctx.principal, c.territory_id);
  return c;
}

export async function getConvention(db: Executor, ctx: RequestContext, id: string) {
  return toConvention(db, await readable(db, ctx, id));
}

export async function replaceConvention(
  db: Executor,
  ctx: RequestContext,
  id: string,
  input: Input,
) {
  const c = await repo.lockConvention(db, id);
  if (!c) throw notFound('Convention');
  requireOfficerOf(ctx.principal, c.territory_id, 'Convention');
  await validate(db, c.territory_id, input);
  const before = await toConvention(db, c);
  await repo.updateConvention(db, id, fields(input));
  await repo.deleteChildren(db, id);
  await writeChildren(db, c.territory_id, id, input);
  const after = await toConvention(db, (await repo.findConvention(db, id))!);
  await recordAudit(db, ctx, {
    territoryId: c.territory_id,
    action: 'update',
    entity: 'convention',
    entityId: id,
    before,
    after,
  });
  return after;
}

export async function deleteConvention(db: Executor, ctx: RequestContext, id: string) {
  const c = await repo.lockConvention(db, id);
  if (!c) throw notFound('Convention');
  requireOfficerOf(ctx.principal, c.territory_id, 'Convention');
  const before = await toConvention(db, c);
  await repo.deleteConvention(db, id);
  await recordAudit(db, ctx, {
    territoryId: c.territory_id,
    action: 'delete',
    entity: 'convention',
    entityId: id,
    before,
  });
}

// ---------------------------------------------------------------- report

const cents = (n: number) => Math.round(n * 100) / 100;
const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);

/** The report's window: a calendar year (annual) or the convention's start to a date. */
export function reportWindow(
  c: { starts_on: string; ends_on: string },
  q: Pick<z.infer<typeof ReportQuery>, 'type' | 'year' | 'asOf'>,
  today = new Date().toISOString().slice(0, 10),
) {
  if (q.type === 'annual') {
    const year = q.year ?? Number(minDate(maxDate(today, c.starts_on), c.ends_on).slice(0, 4));
    const start = maxDate(`${year}-01-01`, c.starts_on);
    const end = minDate(`${year}-12-31`, c.ends_on);
    if (start > end)
      throw new AppError('validation_failed', 'Année hors de la convention', [
        {
          path: 'querystring.year',
          message: `la convention court du ${c.starts_on} au ${c.ends_on}`,
        },
      ]);
    return { start, end, year };
  }
  const end = minDate(maxDate(q.asOf ?? today, c.starts_on), c.ends_on);
  return { start: c.starts_on, end, year: null };
}

function sumFunding(items: { funder: string; amountEur: number }[]) {
  const m = new Map<string, number>();
  for (const f of items) m.set(f.funder, (m.get(f.funder) ?? 0) + f.amountEur);
  return [...m]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([funder, amountEur]) => ({ funder, amountEur: cents(amountEur) }));
}

const KEY_METRICS: Exclude<ObjectiveMetric, 'manual'>[] = [
  'companies_engaged',
  'diagnostics_conducted',
  'synergies_proposed',
  'synergies_implemented',
  'working_groups_active',
  'working_group_meetings',
  'tonnes_diverted_estimated',
  'tonnes_diverted_realised',
  'tco2e_avoided_estimated',
  'tco2e_avoided_realised',
  'eur_saved_estimated',
  'eur_saved_realised',
];

export async function report(
  db: Executor,
  ctx: RequestContext,
  id: string,
  q: z.infer<typeof ReportQuery>,
): Promise<Report> {
  const c = await readable(db, ctx, id);
  const conv = await toConvention(db, c);
  const w = reportWindow(c, q);
  const objectives = [];
  for (const a of conv.actions) {
    for (const o of a.objectives) {
      const until = minDate(o.endsOn, w.end);
      let actual: number | null;
      if (o.metric === 'manual') actual = o.manualValue;
      else if (until < o.startsOn) actual = 0;
      else
        actual = await repo.objectiveActual(db, {
          territoryId: c.territory_id,
          metric: o.metric,
          from: o.startsOn,
          to: until,
          zoneId: o.zoneId,
        });
      actual = actual === null ? null : Math.round(actual * 1e6) / 1e6;
      objectives.push({
        id: o.id,
        actionTitle: a.title,
        label: o.label,
        metric: o.metric,
        metricLabel: OBJECTIVE_METRIC_LABELS_FR[o.metric].label,
        target: o.target,
        unit: o.unit,
        startsOn: o.startsOn,
        endsOn: o.endsOn,
        measuredUntil: until < o.startsOn ? o.startsOn : until,
        zoneId: o.zoneId,
        actual,
        progress:
          actual === null || o.target === 0 ? null : Math.round((actual / o.target) * 1000) / 1000,
        source: o.metric === 'manual' ? ('manual' as const) : ('computed' as const),
      });
    }
  }
  const lines = conv.actions.flatMap((a) => a.budget.map((l) => ({ ...l, actionTitle: a.title })));
  const years = [...new Set(lines.map((l) => l.year))].sort((a, b) => a - b);
  const yearsOut = years.map((year) => {
    const ls = lines.filter((l) => l.year === year);
    const planned = cents(ls.reduce((s, l) => s + l.amountEur, 0));
    const funders = sumFunding(ls.flatMap((l) => l.funding));
    const funded = cents(funders.reduce((s, f) => s + f.amountEur, 0));
    return {
      year,
      lines: ls.map((l) => ({
        actionTitle: l.actionTitle,
        label: l.label,
        amountEur: l.amountEur,
        funding: l.funding,
        unfundedEur: cents(l.amountEur - l.funding.reduce((s, f) => s + f.amountEur, 0)),
      })),
      plannedEur: planned,
      funders,
      fundedEur: funded,
      unfundedEur: cents(planned - funded),
    };
  });
  const plannedEur = cents(yearsOut.reduce((s, y) => s + y.plannedEur, 0));
  const fundedEur = cents(yearsOut.reduce((s, y) => s + y.fundedEur, 0));
  const keyIndicators = [];
  for (const metric of KEY_METRICS) {
    const value = await repo.objectiveActual(db, {
      territoryId: c.territory_id,
      metric,
      from: w.start,
      to: w.end,
      zoneId: null,
    });
    const l = OBJECTIVE_METRIC_LABELS_FR[metric];
    keyIndicators.push({
      metric,
      label: l.label,
      unit: l.unit,
      value: Math.round(value * 1e6) / 1e6,
    });
  }
  return {
    convention: toSummary(c),
    type: q.type,
    periodStart: w.start,
    periodEnd: w.end,
    generatedAt: new Date().toISOString(),
    objectives,
    budget: {
      years: yearsOut,
      funders: sumFunding(lines.flatMap((l) => l.funding)),
      plannedEur,
      fundedEur,
      unfundedEur: cents(plannedEur - fundedEur),
      reportYear: w.year === null ? null : (yearsOut.find((y) => y.year === w.year) ?? null),
    },
    keyIndicators,
  };
}

// ---------------------------------------------------------------- CSV and HTML

export function reportCsv(r: Report, decimal: 'point' | 'comma'): string {
  const french = decimal === 'comma';
  const num = (n: number | null) =>
    n === null ? '' : french ? String(n).replace('.', ',') : String(n);
  const rows: string[][] = [
    ['section', 'action', 'libelle', 'annee', 'financeur', 'cible', 'reel', 'unite', 'montant_eur'],
  ];
  for (const o of r.objectives)
    rows.push([
      'objectif',
      o.actionTitle,
      o.label,
      '',
      '',
      num(o.target),
      num(o.actual),
      o.unit ?? '',
      '',
    ]);
  for (const y of r.budget.years) {
    for (const l of y.lines) {
      rows.push([
        'budget_ligne',
        l.actionTitle,
        l.label,
        String(y.year),
        '',
        '',
        '',
        '',
        num(l.amountEur),
      ]);
      for (const f of l.funding)
        rows.push([
          'financement_ligne',
          l.actionTitle,
          l.label,
          String(y.year),
          f.funder,
          '',
          '',
          '',
          num(f.amountEur),
        ]);
    }
    rows.push([
      'budget_total_annee',
      '',
      'Total prévu',
      String(y.year),
      '',
      '',
      '',
      '',
      num(y.plannedEur),
    ]);
    for (const f of y.funders)
      rows.push([
        'financeur_annee',
        '',
        'Part du financeur',
        String(y.year),
        f.funder,
        '',
        '',
        '',
        num(f.amountEur),
      ]);
  }
  rows.push(['budget_total', '', 'Total prévu', '', '', '', '', '', num(r.budget.plannedEur)]);
  for (const f of r.budget.funders)
    rows.push([
      'financeur_total',
      '',
      'Part du financeur',
      '',
      f.funder,
      '',
      '',
      '',
      num(f.amountEur),
    ]);
  for (const k of r.keyIndicators)
    rows.push(['indicateur', '', k.label, '', '', '', num(k.value), k.unit, '']);
  return stringify(rows, { delimiter: french ? ';' : ',', bom: french });
}

export function escapeHtml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const fr = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const eur = new Intl.NumberFormat('fr-FR', {
  style: 'currency',
  currency: 'EUR',
  maximumFractionDigits: 2,
});
const dateFr = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

/** A printable page (A4, no script, every value escaped). */
export function reportHtml(r: Report): string {
  const e = escapeHtml;
  const n = (v: number | null) => (v === null ? '—' : e(fr.format(v)));
  const m = (v: number) => e(eur.format(v));
  const title = `${r.type === 'annual' ? 'Bilan annuel' : 'Point d’étape'} — ${r.convention.title}`;
  const objectives = r.objectives
    .map(
      (o) =>
        `<tr><td>${e(o.actionTitle)}</td><td>${e(o.label)}<br><small>${e(o.metricLabel)}${o.source === 'manual' ? ' (saisie)' : ''}, du ${dateFr(o.startsOn)} au ${dateFr(o.measuredUntil)}</small></td><td class="n">${n(o.target)} ${e(o.unit ?? '')}</td><td class="n">${n(o.actual)}</td><td class="n">${o.progress === null ? '—' : e(fr.format(o.progress * 100)) + ' %'}</td></tr>`,
    )
    .join('\n');
  const funders = [...new Set(r.budget.years.flatMap((y) => y.funders.map((f) => f.funder)))];
  const budgetRows = r.budget.years
    .map((y) => {
      const share = (f: string) => y.funders.find((x) => x.funder === f)?.amountEur ?? 0;
      return `<tr><td>${y.year}</td><td class="n">${m(y.plannedEur)}</td>${funders.map((f) => `<td class="n">${m(share(f))}</td>`).join('')}<td class="n">${m(y.unfundedEur)}</td></tr>`;
    })
    .join('\n');
  const totalShare = (f: string) => r.budget.funders.find((x) => x.funder === f)?.amountEur ?? 0;
  const lines = r.budget.years
    .flatMap((y) =>
      y.lines.map(
        (l) =>
          `<tr><td>${y.year}</td><td>${e(l.label)}</td><td class="n">${m(l.amountEur)}</td><td>${l.funding.map((f) => `${e(f.funder)} : ${m(f.amountEur)}`).join('<br>')}</td></tr>`,
      ),
    )
    .join('\n');
  const indicators = r.keyIndicators
    .map((k) => `<tr><td>${e(k.label)}</td><td class="n">${n(k.value)} ${e(k.unit)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>${e(title)}</title>
<style>
@page { size: A4; margin: 15mm; }
body { font-family: system-ui, sans-serif; font-size: 11pt; color: #111; max-width: 60rem; margin: auto; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.5em; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
th, td { border: 1px solid #bbb; padding: 3px 6px; vertical-align: top; }
th { background: #eee; text-align: left; } td.n { text-align: right; white-space: nowrap; }
tr { page-break-inside: avoid; } small { color: #555; }
</style></head><body>
<h1>${e(title)}</h1>
<p>${r.convention.reference ? `Référence : ${e(r.convention.reference)}<br>` : ''}Partenaires : ${e(r.convention.partners.join(', ') || '—')}<br>
Convention du ${dateFr(r.convention.startsOn)} au ${dateFr(r.convention.endsOn)} — période du rapport : du ${dateFr(r.periodStart)} au ${dateFr(r.periodEnd)}<br>
<small>Édité le ${e(dateFr(r.generatedAt.slice(0, 10)))}</small></p>
<h2>Objectifs</h2>
<table><thead><tr><th>Action</th><th>Objectif</th><th>Cible</th><th>Réalisé</th><th>Avancement</th></tr></thead><tbody>
${objectives || '<tr><td colspan="5">Aucun objectif</td></tr>'}
</tbody></table>
<h2>Budget prévisionnel et parts des financeurs</h2>
<table><thead><tr><th>Année</th><th>Dépenses prévues</th>${funders.map((f) => `<th>${e(f)}</th>`).join('')}<th>Non financé</th></tr></thead><tbody>
${budgetRows}
<tr><th>Total</th><th class="n">${m(r.budget.plannedEur)}</th>${funders.map((f) => `<th class="n">${m(totalShare(f))}</th>`).join('')}<th class="n">${m(r.budget.unfundedEur)}</th></tr>
</tbody></table>
<h2>Détail des lignes budgétaires</h2>
<table><thead><tr><th>Année</th><th>Poste</th><th>Montant</th><th>Financement</th></tr></thead><tbody>
${lines || '<tr><td colspan="4">Aucune ligne</td></tr>'}
</tbody></table>
<h2>Indicateurs clés de la période</h2>
<table><tbody>
${indicators}
</tbody></table>
</body></html>
`;
}
