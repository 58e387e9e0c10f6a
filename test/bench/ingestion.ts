// Diagnostic ingestion: flows written per second through the whole API path
// (HTTP inject → zod validation → catalogue and unit checks → transaction with
// audit) against a bare multi-row INSERT of the same flow rows.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp } from '../../services/api/src/app.ts';
import { loadConfig } from '../../services/core/src/config.ts';
import { createDatabase } from '../../services/core/src/db/database.ts';
import { migrate } from '../../services/core/src/db/migrate.ts';
import { createRedis } from '../../services/core/src/redis.ts';
import { completeSiret } from '../../shared/siret.ts';
import { benchAdminToken, benchBaselineInsert } from './bench.repo.ts';

const DIAGNOSTICS = Number(process.env.BENCH_DIAGNOSTICS ?? 200);
const FLOWS_PER_DIAGNOSTIC = 50;

const maintenance = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `symbiose_bench_${randomBytes(4).toString('hex')}`;
const url = new URL(maintenance);
url.pathname = `/${name}`;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: maintenance });
  await c.connect();
  await c.query(sql);
  await c.end();
}

const flowTemplates: {
  kind: string;
  resourceCode: string;
  quantity: number;
  unit: string;
  period: string;
}[] = [
  { kind: 'input', resourceCode: 'ENE.ELEC', quantity: 1200, unit: 'MWh', period: 'year' },
  { kind: 'input', resourceCode: 'ENE.GAS.NAT', quantity: 40000, unit: 'kWh', period: 'month' },
  { kind: 'waste', resourceCode: '150103', quantity: 2, unit: 't', period: 'month' },
  { kind: 'waste', resourceCode: '150101', quantity: 350, unit: 'kg', period: 'week' },
  { kind: 'waste', resourceCode: '140603', quantity: 800, unit: 'kg', period: 'year' },
];
const flows = Array.from({ length: FLOWS_PER_DIAGNOSTIC }, (_, i) => ({
  ...flowTemplates[i % flowTemplates.length]!,
  label: `Flux ${i}`,
}));

export async function benchIngestion(): Promise<void> {
  await admin(`CREATE DATABASE ${name}`);
  try {
    await migrate(url.toString());
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      LOG_LEVEL: 'silent',
      QUEUE_PREFIX: 'bench',
    });
    const db = createDatabase(config.DATABASE_URL, 4);
    const redis = createRedis(config.REDIS_URL);
    const app = await buildApp(config, { db, redis });
    await app.ready();

    const token = await benchAdminToken(db);
    const headers = { authorization: `Bearer ${token}` };
    const territory = (
      await app.inject({
        method: 'POST',
        url: '/v1/territories',
        headers,
        payload: { slug: 'bench', name: 'Bench' },
      })
    ).json<{ id: string }>();
    const companies: string[] = [];
    for (let i = 0; i < DIAGNOSTICS; i++) {
      const res = await app.inject({
        method: 'POST',
        url: `/v1/territories/${territory.id}/companies`,
        headers,
        payload: {
          siret: completeSiret(`8${String(i).padStart(8, '0')}0000`),
          name: `Bench ${i}`,
          nafCode: '16.24Z',
        },
      });
      companies.push(res.json<{ id: string }>().id);
    }

    // Baseline: the same number of flow rows, bare INSERTs, one transaction per diagnostic.
    const t0 = performance.now();
    for (let i = 0; i < DIAGNOSTICS; i++)
      await benchBaselineInsert(db, territory.id, companies[i]!, flows);
    const baselineMs = performance.now() - t0;

    const t1 = performance.now();
    for (let i = 0; i < DIAGNOSTICS; i++) {
      const res = await app.inject({
        method: 'POST',
        url: `/v1/companies/${companies[i]}/diagnostics`,
        headers,
        payload: { flows },
      });
      if (res.statusCode !== 201)
        throw new Error(`ingestion failed: ${res.statusCode} ${res.body}`);
    }
    const apiMs = performance.now() - t1;

    const rows = DIAGNOSTICS * FLOWS_PER_DIAGNOSTIC;
    const rate = (ms: number) => Math.round((rows / ms) * 1000);
    console.log(
      `diagnostic ingestion: ${DIAGNOSTICS} diagnostics × ${FLOWS_PER_DIAGNOSTIC} flows = ${rows} flow rows`,
    );
    console.log(`  baseline (bare INSERT, same rows):   ${rate(baselineMs)} flows/s`);
    console.log(`  API (validate, convert, audit, tx):  ${rate(apiMs)} flows/s`);
    console.log(
      `  ratio API / baseline: ${(baselineMs / apiMs).toFixed(2)} (1.00 = as fast as a bare insert)`,
    );

    await app.close();
    await db.destroy();
    redis.disconnect();
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
