// npm run bench [-- name…] — speed and memory targets, each printed as a ratio
// against a baseline measured in the same run on the same machine (never as
// timed tests). Names: ingestion, matching, imports, indicators, load (see load.ts for its settings).
import { benchImports } from './imports.ts';
import { benchIndicators } from './indicators.ts';
import { benchIngestion } from './ingestion.ts';
import { benchLoad } from './load.ts';
import { benchMatching } from './matching.ts';

const benches: Record<string, () => Promise<void>> = {
  ingestion: benchIngestion,
  matching: benchMatching,
  imports: benchImports,
  indicators: benchIndicators,
  load: benchLoad,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  await run();
}
