// Load on loopback: the API runs as its own process (as in production), autocannon drives
// it from this one. Scenarios: diagnostic ingestion (POST, 10 flows), synergy listing,
// partner indicators (the indicators route when the app has one, else the partner's
// territory read) — each at increasing concurrency, every figure also given as a ratio
// against GET /health measured at the same concurrency in the same run. Then a soak:
// mixed load for BENCH_SOAK_S seconds (default 300) with the API's resident memory and
// heap sampled every 10 s from its own /metrics.
//
// Env: BENCH_LOAD_S (seconds per step, default 8), BENCH_LOAD_LEVELS (default 1,4,16,64),
//      BENCH_SOAK_S (default 300; 0 skips the soak).
import { benchAdminToken } from './bench.repo.ts';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { createDatabase } from '../../services/core/src/db/database.ts';
import { migrate } from '../../services/core/src/db/migrate.ts';
import { completeSiret } from '../../shared/siret.ts';

const STEP_S = Number(process.env.BENCH_LOAD_S ?? 8);
const LEVELS = (process.env.BENCH_LOAD_LEVELS ?? '1,4,16,64').split(',').map(Number);
const SOAK_S = Number(process.env.BENCH_SOAK_S ?? 300);
const COMPANIES = 200;
const SYNERGIES = 2000;

const root = fileURLToPath(new URL('../..', import.meta.url));
const maintenance = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `symbiose_bench_load_${randomBytes(4).toString('hex')}`;
const dbUrl = new URL(maintenance);
dbUrl.pathname = `/${dbName}`;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: maintenance });
  await c.connect();
  await c.query(sql);
  await c.end();
}

interface Step {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
}

async function fire(opts: autocannon.Options): Promise<Step> {
  const r = await autocannon({ ...opts, duration: opts.duration ?? STEP_S });
  const p95 = (r.latency as unknown as Record<string, number>).p95 ?? r.latency.p97_5;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p95,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
  };
}

async function scrape(base: string, token: string): Promise<{ rss: number; heap: number }> {
  const text = await (
    await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  ).text();
  const pick = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return Number(line?.split(' ').pop() ?? NaN);
  };
  return {
    rss: pick('symbiose_process_resident_memory_bytes'),
    heap: pick('symbiose_nodejs_heap_size_used_bytes'),
  };
}

export async function benchLoad(): Promise<void> {
  await admin(`CREATE DATABASE ${dbName}`);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const metricsToken = randomBytes(16).toString('hex');
  const api = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: dbUrl.toString(),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      QUEUE_PREFIX: `bench-load-${randomBytes(3).toString('hex')}`,
      METRICS_TOKEN: metricsToken,
      DB_POOL_MAX: '10',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const db = createDatabase(dbUrl.toString(), 4);
  try {
    await migrate(dbUrl.toString());
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        if (i > 300) throw new Error('API did not start');
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    // ---- seed: an admin, a territory, companies, synergies, a partner key
    const token = await benchAdminToken(db, 24);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; key?: string };
    };
    const territory = await post('/v1/territories', { slug: 'bench-load', name: 'Bench load' });
    const companies: string[] = [];
    for (let i = 0; i < COMPANIES; i++) {
      const c = await post(`/v1/territories/${territory.id}/companies`, {
        siret: completeSiret(`7${String(i).padStart(8, '0')}0000`),
        name: `Charge ${i}`,
        nafCode: '16.24Z',
        location: { type: 'Point', coordinates: [5 + (i % 20) * 0.01, 47 + i * 0.0005] },
      });
      companies.push(c.id);
    }
    const seed = new pg.Client({ connectionString: dbUrl.toString() });
    await seed.connect();
    await seed.query(
      `WITH s AS (
         INSERT INTO synergy (territory_id, key, type, resource_code, score)
         SELECT $1, 'bench-' || g, 'mutualisation', 'ENE.ELEC', random()
         FROM generate_series(1, $2::int) g
         RETURNING id
       )
       INSERT INTO synergy_participant (synergy_id, territory_id, role, company_id, position)
       SELECT s.id, $1, 'member', ($3::uuid[])[1 + (row_number() OVER () % $4::int)], 0 FROM s`,
      [territory.id, SYNERGIES, companies, companies.length],
    );
    await seed.end();
    const partner = await post('/v1/api-keys', {
      name: 'Bench partner',
      territoryIds: [territory.id],
    });

    // The partner route: the indicators operation when the app has one, else a territory read.
    const spec = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const indicatorsPath = Object.keys(spec.paths).find(
      (p) => /indicator/i.test(p) && spec.paths[p]!.get && /\{territoryId\}|\{id\}/.test(p),
    );
    const partnerPath = indicatorsPath
      ? indicatorsPath.replace(/\{(territoryId|id)\}/, territory.id)
      : `/v1/territories/${territory.id}`;

    const flows = Array.from({ length: 10 }, (_, i) => ({
      kind: i % 2 ? 'input' : 'waste',
      resourceCode: i % 2 ? 'ENE.ELEC' : '150103',
      quantity: 10 + i,
      unit: i % 2 ? 'MWh' : 't',
      period: 'year',
      label: `Flux ${i}`,
    }));
    let next = 0;
    const scenarios: Record<string, (c: number) => autocannon.Options> = {
      health: (c) => ({ url: `${base}/health`, connections: c }),
      ingestion: (c) => ({
        url: base,
        connections: c,
        requests: [
          {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ flows }),
            setupRequest: (req) => ({
              ...req,
              path: `/v1/companies/${companies[next++ % companies.length]!}/diagnostics`,
            }),
          },
        ],
      }),
      synergies: (c) => ({
        url: `${base}/v1/territories/${territory.id}/synergies?limit=50`,
        headers: { authorization: `Bearer ${token}` },
        connections: c,
      }),
      partner: (c) => ({
        url: `${base}${partnerPath}`,
        headers: { authorization: `Bearer ${partner.key!}` },
        connections: c,
      }),
    };

    console.log(
      `load: API process on loopback, ${STEP_S} s per step; partner route ${partnerPath.replace(territory.id, '{id}')}`,
    );
    console.log(
      'scenario    conc     req/s   p50 ms  p95 ms  p99 ms  errors non2xx   ratio req/s · p99 vs /health',
    );
    const results: Record<string, Step[]> = {};
    for (const c of LEVELS) {
      const baseline = await fire(scenarios.health!(c));
      for (const [name, make] of Object.entries(scenarios)) {
        const s = name === 'health' ? baseline : await fire(make(c));
        (results[name] ??= []).push(s);
        console.log(
          `${name.padEnd(11)} ${String(c).padStart(4)} ${s.rps.toFixed(0).padStart(9)} ${String(s.p50).padStart(8)} ${String(s.p95).padStart(7)} ${String(s.p99).padStart(7)} ${String(s.errors).padStart(7)} ${String(s.non2xx).padStart(6)}   ${(s.rps / baseline.rps).toFixed(3)} · ${(s.p99 / Math.max(baseline.p99, 1)).toFixed(1)}×`,
        );
      }
    }
    // Saturation: the first level where throughput grows by less than 10 %.
    for (const [name, steps] of Object.entries(results)) {
      let saturated = LEVELS.length;
      for (let i = 1; i < steps.length; i++) {
        if (steps[i]!.rps < steps[i - 1]!.rps * 1.1) {
          saturated = i;
          break;
        }
      }
      const below = steps.slice(0, saturated);
      const bad = below.reduce((n, s) => n + s.errors + s.non2xx, 0);
      console.log(
        `  ${name}: saturates at ${saturated < LEVELS.length ? `${LEVELS[saturated]} connections` : `> ${LEVELS.at(-1)} connections`}; errors below saturation: ${bad}${bad === 0 ? ' (ok)' : ' (FAIL)'}`,
      );
    }

    if (SOAK_S > 0) {
      console.log(
        `soak: ${SOAK_S} s of mixed load (4 connections per scenario), memory every 10 s`,
      );
      const samples: { t: number; rss: number; heap: number }[] = [];
      const t0 = Date.now();
      samples.push({ t: 0, ...(await scrape(base, metricsToken)) });
      const sampler = setInterval(() => {
        void scrape(base, metricsToken).then((m) =>
          samples.push({ t: Math.round((Date.now() - t0) / 1000), ...m }),
        );
      }, 10_000);
      const runs = await Promise.all(
        ['ingestion', 'synergies', 'partner', 'health'].map((n) =>
          fire({ ...scenarios[n]!(4), duration: SOAK_S }),
        ),
      );
      clearInterval(sampler);
      samples.push({
        t: Math.round((Date.now() - t0) / 1000),
        ...(await scrape(base, metricsToken)),
      });
      const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
      console.log('  t(s)   rss MB  heap MB');
      for (const s of samples)
        console.log(
          `  ${String(s.t).padStart(4)} ${mb(s.rss).padStart(8)} ${mb(s.heap).padStart(8)}`,
        );
      // Heap and RSS saw-tooth with garbage collection: compare the floors (minimum after
      // collection) of the first and second halves after warm-up, not two arbitrary points.
      const warmT = Math.min(60, SOAK_S / 3);
      const steady = samples.filter((x) => x.t >= warmT);
      const mid = Math.ceil(steady.length / 2);
      const floor = (xs: typeof samples, k: 'rss' | 'heap') => Math.min(...xs.map((x) => x[k]));
      const [first, second] = [steady.slice(0, mid), steady.slice(mid)];
      if (second.length > 0) {
        console.log(
          `  floors after warm-up (t ≥ ${warmT}s), first half → second half: rss ${mb(floor(first, 'rss'))} → ${mb(floor(second, 'rss'))} MB, heap ${mb(floor(first, 'heap'))} → ${mb(floor(second, 'heap'))} MB; peaks rss ${mb(Math.max(...steady.map((x) => x.rss)))} MB`,
        );
      }
      const total = runs.reduce((n, r) => n + r.requests, 0);
      const errs = runs.reduce((n, r) => n + r.errors + r.non2xx, 0);
      console.log(`  soak requests: ${total}, errors + non-2xx: ${errs}`);
    }
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
    await db.destroy();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}
