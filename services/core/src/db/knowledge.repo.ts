import type pg from 'pg';
import { validateKnowledgeBase } from '../../../../shared/knowledge/validate.ts';
import { readEmissionFactorKeys, readResourceIndex, readRuleFiles } from '../reference/files.ts';

export class KnowledgeBaseError extends Error {}

/**
 * Loads data/rules/*.yaml into compatibility_rule (on the caller's transaction).
 * The files are validated first: an invalid knowledge base stops the migration.
 * Administrators' overrides and enabled flags are kept; a rule removed from the
 * files is kept for history and marked removed.
 */
export async function loadRuleFiles(client: pg.ClientBase): Promise<number> {
  const [files, resources, emissionFactorKeys] = await Promise.all([
    readRuleFiles(),
    readResourceIndex(),
    readEmissionFactorKeys(),
  ]);
  const { rules, problems } = validateKnowledgeBase({ files, resources, emissionFactorKeys });
  if (problems.length > 0) {
    const lines = problems
      .slice(0, 20)
      .map((p) => `  ${p.file} ${p.ruleId ?? ''} ${p.path}: ${p.message}`);
    throw new KnowledgeBaseError(`invalid knowledge base (npm run kb:check):\n${lines.join('\n')}`);
  }
  const fileOf = new Map<string, string>();
  for (const f of files) {
    for (const r of (f.content as { rules: { id: string }[] }).rules) fileOf.set(r.id, f.path);
  }
  const rows = rules.map((r) => ({
    id: r.id,
    family: r.family,
    definition: r,
    file_path: fileOf.get(r.id) ?? null,
  }));
  await client.query(
    `INSERT INTO compatibility_rule (id, origin, family, definition, file_path)
     SELECT x.id, 'file', x.family, x.definition, x.file_path
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, family text, definition jsonb, file_path text)
     ON CONFLICT (id) DO UPDATE SET family = EXCLUDED.family, definition = EXCLUDED.definition,
       file_path = EXCLUDED.file_path, removed_at = NULL,
       updated_at = CASE WHEN compatibility_rule.definition IS DISTINCT FROM EXCLUDED.definition
                         THEN now() ELSE compatibility_rule.updated_at END
     WHERE compatibility_rule.origin = 'file'`,
    [JSON.stringify(rows)],
  );
  await client.query(
    `UPDATE compatibility_rule SET removed_at = now()
     WHERE origin = 'file' AND removed_at IS NULL AND NOT (id = ANY($1::text[]))`,
    [rules.map((r) => r.id)],
  );
  return rules.length;
}
