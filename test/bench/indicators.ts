// Partner indicators at national scale (default 100k companies in one
// territory, 500k flows, 10k synergies with their history, 20 working groups):
// p50/p95 of GET /v1/indicators with a partner key through app.inject, against
// trivial requests measured in the same run — GET /health (no database) and a
// `SELECT 1` round trip — and the ratio. Target: p95 ≤ 50 ms. The one-off
// build of the territory's cells (first request after a change) is timed too.
//
// Sizes (env): BENCH_COMPANIES (100000), BENCH_SYNERGIES (10000),
// BENCH_INDICATOR_REQUESTS (400).
import { benchAdminToken } from './bench.repo.ts';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp } from '../../services/api/src/app.ts';
import { loadConfig } from '../../services/core/src/config.ts';
import { createDatabase } from '../../services/core/src/db/database.ts';
import { migrate } from '../../services/core/src/db/migrate.ts';
import { createRedis } from '../../services/core/src/redis.ts';
import { generateIndicatorData, selectOne } from './indicators.repo.ts';

const COMPANIES = Number(process.env.BENCH_COMPANIES ?? 100_000);
const SYNERGIES = Number(process.env.BENCH_SYNERGIES ?? 10_000);
const REQUESTS = Number(process.env.BENCH_INDICATOR_REQUESTS ?? 400);
const TARGET_P95_MS = 50;

const maintenance = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(q: string) {
  const c = new pg.Client({ connectionString: maintenance });
  await c.connect();
  await c.query(q);
  await c.end();
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

async function measure(n: number, run: (i: number) => Promise<void>) {
  for (let i = 0; i < Math.min(20, n); i++) await run(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run(i);
    times.push(performance.now() - t0);
  }
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

export async function benchIndicators(): Promise<void> {
  const name = `symbiose_bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(maintenance);
  url.pathname = `/${name}`;
  await admin(`CREATE DATABASE ${name}`);
  try {
    await migrate(url.toString());
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      LOG_LEVEL: 'silent',
      QUEUE_PREFIX: 'bench',
      PARTNER_RATE_LIMIT_MAX: '1000000',
    });
    const db = createDatabase(config.DATABASE_URL, 4);
    const redis = createRedis(config.REDIS_URL);
    const app = await buildApp(config, { db, redis });
    await app.ready();
    try {
      const territoryId = '00000000-0000-4000-8000-00000000b001';
      let t0 = performance.now();
      await generateIndicatorData(db, {
        territoryId,
        companies: COMPANIES,
        zones: 20,
        synergies: SYNERGIES,
        groups: 20,
      });
      console.log(
        `  data: ${COMPANIES} companies, ${COMPANIES * 5} flows, ${SYNERGIES} synergies, 20 zones, 20 groups — generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      const token = await benchAdminToken(db);
      const key = await app.inject({
        method: 'POST',
        url: '/v1/api-keys',
        headers: { authorization: `Bearer ${token}` },
        payload: { name: 'Observatoire', territoryIds: [territoryId] },
      });
      const partnerKey = key.json<{ key: string }>().key;
      const zoneId = (
        await db
          .selectFrom('zone')
          .select('id')
          .where('territory_id', '=', territoryId)
          .limit(1)
          .executeTakeFirstOrThrow()
      ).id;
      const headers = { authorization: `Bearer ${partnerKey}` };
      const queries = [
        `territoryId=${territoryId}&period=2025`,
        `territoryId=${territoryId}&period=2024-Q3`,
        `territoryId=${territoryId}&zoneId=${zoneId}&period=2025-05`,
        `territoryId=${territoryId}&period=2025&interval=quarter`,
      ];

      t0 = performance.now();
      const first = await app.inject({
        method: 'GET',
        url: `/v1/indicators?${queries[0]}`,
        headers,
      });
      if (first.statusCode !== 200)
        throw new Error(`indicators: ${first.statusCode} ${first.body}`);
      const cells = await db
        .selectFrom('indicator_cell')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      console.log(
        `  first request (builds ${cells.n} cells with secrecy): ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );

      const health = await measure(REQUESTS, async () => {
        const r = await app.inject({ method: 'GET', url: '/health' });
        if (r.statusCode !== 200) throw new Error('health');
      });
      const select1 = await measure(REQUESTS, () => selectOne(db));
      const indicators = await measure(REQUESTS, async (i) => {
        const r = await app.inject({
          method: 'GET',
          url: `/v1/indicators?${queries[i % queries.length]}`,
          headers,
        });
        if (r.statusCode !== 200) throw new Error(`indicators: ${r.statusCode}`);
      });
      const csv = await measure(Math.round(REQUESTS / 4), async () => {
        const r = await app.inject({
          method: 'GET',
          url: `/v1/indicators?${queries[0]}&format=csv`,
          headers,
        });
        if (r.statusCode !== 200) throw new Error(`csv: ${r.statusCode}`);
      });
      console.log(
        `  GET /health (baseline):          p50 ${ms(health.p50)}  p95 ${ms(health.p95)}`,
      );
      console.log(
        `  SELECT 1 round trip (baseline):  p50 ${ms(select1.p50)}  p95 ${ms(select1.p95)}`,
      );
      console.log(
        `  GET /v1/indicators (partner):    p50 ${ms(indicators.p50)}  p95 ${ms(indicators.p95)}`,
      );
      console.log(`  GET /v1/indicators CSV:          p50 ${ms(csv.p50)}  p95 ${ms(csv.p95)}`);
      console.log(
        `  ratio p95 indicators / health: ${(indicators.p95 / health.p95).toFixed(1)}×, / SELECT 1: ${(indicators.p95 / select1.p95).toFixed(1)}×`,
      );
      console.log(
        `  p95 ${ms(indicators.p95)} vs target ${TARGET_P95_MS} ms: ${indicators.p95 <= TARGET_P95_MS ? 'within target' : 'OVER TARGET'}`,
      );
    } finally {
      await app.close();
      await db.destroy();
      redis.disconnect();
    }
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
