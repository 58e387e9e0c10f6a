// npm run kb:check — validates the knowledge base (data/rules/*.yaml against
// the catalogue, the EWC list and the emission factors) and prints its counts.
import { validateKnowledgeBase } from '../shared/knowledge/validate.ts';
import {
  readCatalogueRows,
  readCsv,
  readEmissionFactorKeys,
  readResourceIndex,
  readRuleFiles,
} from '../services/core/src/reference/files.ts';

const [files, resources, emissionFactorKeys, catalogue] = await Promise.all([
  readRuleFiles(),
  readResourceIndex(),
  readEmissionFactorKeys(),
  readCatalogueRows(),
]);
const { problems, stats } = validateKnowledgeBase({ files, resources, emissionFactorKeys });

const countSynonyms = (rows: Record<string, string>[]) =>
  rows.reduce(
    (n, r) => n + (r.synonyms_fr ? r.synonyms_fr.split('|').filter(Boolean).length : 0),
    0,
  );
const ewcSynonyms = await readCsv('ewc-synonyms.csv');
console.log(
  `catalogue: ${catalogue.length} resources (+ ${[...resources.keys()].length - catalogue.length} EWC rows), ` +
    `${countSynonyms(catalogue)} catalogue synonyms, ${countSynonyms(ewcSynonyms)} EWC synonyms on ${ewcSynonyms.length} entries`,
);
console.log(`rules: ${stats.rules} in ${files.length} files, ${stats.sources} distinct sources`);
for (const [family, n] of Object.entries(stats.byFamily).sort())
  console.log(`  ${family.padEnd(24)} ${n}`);
if (problems.length > 0) {
  console.error(`\n✘ ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p.file} ${p.ruleId ?? ''} ${p.path}: ${p.message}`);
  process.exit(1);
}
console.log('✔ knowledge base is valid');
