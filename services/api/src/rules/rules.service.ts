import { normaliseResourceCode } from '../../../../shared/resource-code.ts';
import type { z } from 'zod';
import { AppError, notFound } from '../../../../shared/errors.ts';
import {
  effectiveRule,
  RuleOverride,
  ruleSetVersion,
} from '../../../../shared/knowledge/effective.ts';
import { matchesResource, Rule } from '../../../../shared/knowledge/rules.ts';
import { validateKnowledgeBase } from '../../../../shared/knowledge/validate.ts';
import type { RuleListQuery, RulePatch, RuleView } from '../../../../shared/schemas/rules.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { requireAdmin } from '../auth/access.ts';
import type { RequestContext } from '../auth/principal.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import * as repo from './rules.repo.ts';

type Row = Awaited<ReturnType<typeof repo.listRules>>[number];

function toView(row: Row): z.infer<typeof RuleView> {
  const override = RuleOverride.parse(row.override ?? {});
  return {
    ...effectiveRule(Rule.parse(row.definition), override),
    origin: row.origin as 'file' | 'admin',
    enabled: row.enabled && row.removed_at === null,
    removed: row.removed_at !== null,
    override,
    filePath: row.file_path,
    updatedAt: row.updated_at.toISOString(),
  };
}

const words = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

export async function listRules(db: Executor, q: z.infer<typeof RuleListQuery>) {
  const views = (await repo.listRules(db)).map(toView);
  const active = views.filter((r) => r.enabled);
  const after = decodeCursor<[string]>(q.cursor, 1)?.[0];
  const terms = q.q ? words(q.q).split(/\s+/) : [];
  const filtered = views.filter(
    (r) =>
      (!q.family || r.family === q.family) &&
      (q.enabled === undefined || r.enabled === q.enabled) &&
      (!q.supplyCode || matchesResource(r.supply, normaliseResourceCode(q.supplyCode))) &&
      (!q.demandCode || matchesResource(r.demand, normaliseResourceCode(q.demandCode))) &&
      terms.every((t) => words(`${r.labelFr} ${r.labelEn ?? ''} ${r.id}`).includes(t)) &&
      (after === undefined || r.id > after),
  );
  return {
    ...toPage(
      filtered.slice(0, q.limit + 1),
      q.limit,
      (r) => r,
      (r) => [r.id],
    ),
    ruleSetVersion: ruleSetVersion(active),
    activeRules: active.length,
  };
}

export async function getRule(db: Executor, id: string) {
  const row = await repo.findRule(db, id);
  if (!row) throw notFound('Règle');
  return toView(row);
}

/** An administrator adds a rule found in a meeting or a new study; it is checked like the files. */
export async function createRule(db: Executor, ctx: RequestContext, input: unknown) {
  requireAdmin(ctx.principal);
  const raw = input as { id?: unknown; family?: unknown };
  const { resources, factorKeys } = await repo.knowledgeReferences(db);
  const existing = (await repo.listRules(db)).map((r) => Rule.parse(r.definition));
  const family = typeof raw.family === 'string' ? raw.family : '';
  const { problems, rules } = validateKnowledgeBase({
    files: [
      {
        path: `${family}.yaml`,
        content: { rules: [...existing.filter((r) => r.family === family), input] },
      },
    ],
    resources: new Map(
      resources.map((r) => [
        r.code,
        { canonicalUnit: r.canonical_unit, selectable: r.selectable, hazardous: r.hazardous },
      ]),
    ),
    emissionFactorKeys: new Set(factorKeys),
  });
  const own = problems.filter(
    (p) =>
      p.ruleId === raw.id || p.ruleId === `#${existing.filter((r) => r.family === family).length}`,
  );
  const idTaken = existing.some((r) => r.id === raw.id);
  if (own.length > 0 || idTaken) {
    throw new AppError(
      idTaken ? 'conflict' : 'unprocessable',
      idTaken ? `Une règle « ${String(raw.id)} » existe déjà` : 'Règle invalide',
      own.map((p) => ({ path: p.path ? `body.${p.path}` : 'body', message: p.message })),
    );
  }
  const rule = rules[rules.length - 1]!;
  await repo.insertAdminRule(db, {
    id: rule.id,
    family: rule.family,
    definition: rule,
    userId: ctx.principal.kind === 'user' ? ctx.principal.id : null,
  });
  const view = await getRule(db, rule.id);
  await recordAudit(db, ctx, {
    territoryId: null,
    action: 'create',
    entity: 'compatibility_rule',
    entityId: rule.id,
    after: view,
  });
  return view;
}

/** Tune, disable, enable or reset a rule; the file definition itself is never rewritten. */
export async function patchRule(
  db: Executor,
  ctx: RequestContext,
  id: string,
  patch: z.infer<typeof RulePatch>,
) {
  requireAdmin(ctx.principal);
  const row = await repo.findRule(db, id);
  if (!row) throw notFound('Règle');
  const before = toView(row);
  const { enabled, reset, ...tuning } = patch;
  const override = reset ? {} : { ...before.override, ...tuning };
  await repo.updateRuleSettings(db, id, {
    override,
    enabled: enabled ?? row.enabled,
    userId: ctx.principal.kind === 'user' ? ctx.principal.id : null,
  });
  const after = await getRule(db, id);
  await recordAudit(db, ctx, {
    territoryId: null,
    action: 'update',
    entity: 'compatibility_rule',
    entityId: id,
    before,
    after,
  });
  return after;
}
