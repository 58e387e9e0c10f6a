// Checks the knowledge-base files (pure: the caller reads the files). Every
// problem is reported with its file, rule and field, so a reviewer can fix
// them all at once.
import { Rule, RuleFile, type ResourceMatcher } from './rules.ts';

export interface ResourceInfo {
  canonicalUnit: string;
  selectable: boolean;
  hazardous: boolean;
}

export interface RuleFileInput {
  /** File name, e.g. `heat_energy.yaml`; its stem must be the rules' family. */
  path: string;
  content: unknown;
}

export interface KnowledgeProblem {
  file: string;
  ruleId?: string;
  path: string;
  message: string;
}

export interface KnowledgeStats {
  rules: number;
  byFamily: Record<string, number>;
  sources: number;
}

function matcherProblems(
  m: ResourceMatcher,
  side: string,
  resources: Map<string, ResourceInfo>,
): { problems: { path: string; message: string }[]; units: Set<string>; hazardous: boolean } {
  const problems: { path: string; message: string }[] = [];
  const units = new Set<string>();
  let hazardous = false;
  m.codes.forEach((code, i) => {
    const r = resources.get(code);
    if (!r) problems.push({ path: `${side}.codes.${i}`, message: `code inconnu : ${code}` });
    else if (!r.selectable)
      problems.push({
        path: `${side}.codes.${i}`,
        message: `${code} est une rubrique : utilisez prefixes`,
      });
    else {
      units.add(r.canonicalUnit);
      hazardous ||= r.hazardous;
    }
  });
  m.prefixes.forEach((prefix, i) => {
    const numeric = /^\d+$/.test(prefix);
    let found = 0;
    for (const [code, r] of resources) {
      const hit = numeric
        ? code.startsWith(prefix)
        : code === prefix || code.startsWith(`${prefix}.`);
      if (hit && r.selectable) {
        found++;
        units.add(r.canonicalUnit);
        hazardous ||= r.hazardous;
      }
    }
    if (numeric && prefix.length !== 2 && prefix.length !== 4) {
      problems.push({
        path: `${side}.prefixes.${i}`,
        message: `un préfixe déchet a 2 ou 4 chiffres : ${prefix}`,
      });
    } else if (found === 0)
      problems.push({
        path: `${side}.prefixes.${i}`,
        message: `préfixe sans ressource : ${prefix}`,
      });
  });
  return { problems, units, hazardous };
}

const signature = (r: Rule) =>
  JSON.stringify([
    [...r.supply.codes].sort(),
    [...r.supply.prefixes].sort(),
    [...r.demand.codes].sort(),
    [...r.demand.prefixes].sort(),
  ]);

export function validateKnowledgeBase(input: {
  files: RuleFileInput[];
  resources: Map<string, ResourceInfo>;
  emissionFactorKeys: Set<string>;
}): { rules: Rule[]; problems: KnowledgeProblem[]; stats: KnowledgeStats } {
  const problems: KnowledgeProblem[] = [];
  const rules: Rule[] = [];
  const ids = new Map<string, string>();
  const signatures = new Map<string, string>();
  const sources = new Set<string>();

  for (const file of input.files) {
    const family = file.path.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
    const parsedFile = RuleFile.safeParse(file.content);
    if (!parsedFile.success) {
      problems.push({
        file: file.path,
        path: '',
        message: 'le fichier doit contenir « rules: [...] »',
      });
      continue;
    }
    parsedFile.data.rules.forEach((raw, index) => {
      const rawId = (raw as { id?: unknown })?.id;
      const label = typeof rawId === 'string' ? rawId : `#${index}`;
      const report = (path: string, message: string) =>
        problems.push({ file: file.path, ruleId: label, path, message });
      const parsed = Rule.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) report(issue.path.join('.'), issue.message);
        return;
      }
      const rule = parsed.data;
      if (rule.family !== family)
        report(
          'family',
          `la famille « ${rule.family} » doit être celle du fichier (« ${family} »)`,
        );
      const seenIn = ids.get(rule.id);
      if (seenIn) report('id', `identifiant déjà utilisé dans ${seenIn}`);
      ids.set(rule.id, file.path);
      const sig = signature(rule);
      const dup = signatures.get(sig);
      if (dup) report('supply', `même offre et même demande que la règle ${dup}`);
      signatures.set(sig, rule.id);

      const supply = matcherProblems(rule.supply, 'supply', input.resources);
      const demand = matcherProblems(rule.demand, 'demand', input.resources);
      for (const p of [...supply.problems, ...demand.problems]) report(p.path, p.message);
      if (supply.hazardous && !rule.conditions.hazardousRequiresAuthorisation) {
        report(
          'conditions.hazardousRequiresAuthorisation',
          'un déchet dangereux ne va qu’à un receveur autorisé',
        );
      }

      // Units: one canonical unit per side; a conversion exactly when they differ.
      if (supply.units.size > 1)
        report('supply', `unités canoniques mélangées : ${[...supply.units].join(', ')}`);
      if (demand.units.size > 1)
        report('demand', `unités canoniques mélangées : ${[...demand.units].join(', ')}`);
      const [su] = supply.units;
      const [du] = demand.units;
      if (su && du && supply.units.size === 1 && demand.units.size === 1) {
        if (su !== du && !rule.conversion)
          report('conversion', `offre en ${su}, demande en ${du} : conversion ${du}/${su} requise`);
        if (rule.conversion && rule.conversion.unit !== `${du}/${su}`) {
          report('conversion.unit', `attendu ${du}/${su}, trouvé ${rule.conversion.unit}`);
        }
      }

      if (rule.gain.displaces !== undefined) {
        const d = input.resources.get(rule.gain.displaces);
        if (!d || !d.selectable)
          report('gain.displaces', `ressource inconnue : ${rule.gain.displaces}`);
      }
      rule.gain.emissionFactors.forEach((k, i) => {
        if (!input.emissionFactorKeys.has(k))
          report(`gain.emissionFactors.${i}`, `facteur d’émission inconnu : ${k}`);
      });
      for (const s of [...rule.sources, ...(rule.conversion ? [rule.conversion.source] : [])]) {
        sources.add(`${s.title}|${s.year}`);
      }
      rules.push(rule);
    });
  }

  const byFamily: Record<string, number> = {};
  for (const r of rules) byFamily[r.family] = (byFamily[r.family] ?? 0) + 1;
  return { rules, problems, stats: { rules: rules.length, byFamily, sources: sources.size } };
}
