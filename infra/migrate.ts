// Applies migrations and loads reference data into DATABASE_URL; prints what it did.
import { loadConfig } from '../services/core/src/config.ts';
import { migrate } from '../services/core/src/db/migrate.ts';

const config = loadConfig();
const referenceData = !process.argv.includes('--no-reference-data');
try {
  const result = await migrate(config.DATABASE_URL, { referenceData });
  const db = new URL(config.DATABASE_URL).pathname.slice(1);
  if (result.applied.length === 0)
    console.log(`✔ migrations: ${db} is at version ${result.version}`);
  else console.log(`→ migrations applied to ${db}: ${result.applied.join(', ')}`);
  if (result.referenceData) {
    const r = result.referenceData;
    console.log(
      `✔ reference data: ${r.naf} NAF codes, ${r.ewc} EWC rows, ${r.catalogue} catalogue resources, ` +
        `${r.synonyms} synonyms, ${r.emissionFactors} emission factors, ${r.rules} compatibility rules`,
    );
  }
} catch (err) {
  console.error(`✘ migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
