// Writes or checks the committed openapi.json against the routes (CI fails on drift).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../services/api/src/app.ts';
import { loadConfig } from '../services/core/src/config.ts';
import type { Database } from '../services/core/src/db/database.ts';
import type { Redis } from 'ioredis';

const target = fileURLToPath(new URL('../openapi.json', import.meta.url));
const mode = process.argv[2];
if (mode !== 'write' && mode !== 'check') {
  console.error('usage: tsx infra/openapi.ts write|check');
  process.exit(2);
}

// The document depends only on the routes: no database or Redis is contacted.
const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), {
  db: {} as Database,
  redis: {} as Redis,
});
await app.ready();
const generated = `${JSON.stringify(app.swagger(), null, 2)}\n`;
await app.close();

if (mode === 'write') {
  await writeFile(target, generated);
  console.log(
    `→ wrote openapi.json (${Object.keys((app.swagger() as { paths: object }).paths).length} paths)`,
  );
} else {
  const committed = await readFile(target, 'utf8').catch(() => '');
  if (committed !== generated) {
    console.error(
      '✘ openapi.json drifts from the routes: run `npm run openapi:write` and commit it',
    );
    process.exit(1);
  }
  console.log('✔ openapi.json matches the routes');
}
