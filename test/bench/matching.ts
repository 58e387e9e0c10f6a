// Matching engine: speed and memory, each figure printed as a ratio against a
// baseline measured in the same run (a benchmark, never a timed test).
//
//  1. engine vs naive all-pairs on a regional territory (~10k flows): the two
//     must give identical proposals (keys, scores, order); ratio naive/engine.
//  2. full run at national scale (default 100k companies, ~1M flows, one
//     territory): `loadSnapshot` alone vs the whole `executeMatchRun`, both in
//     a fresh worker-like child process; ratio run/load (target ≤ 2×) and the
//     child's peak RSS vs its RSS before loading (target ≤ 1.5 GiB); then the
//     same full run again with nothing changed (little to write).
//  3. incremental rematch: `runIncremental(prepared, [company])` on the
//     in-memory national snapshot for ~50 random companies (p50/p95, target
//     ≤ 250 ms), plus end-to-end `executeMatchRun` of rematch runs, against
//     the load of a one-company snapshot and a `SELECT 1` round trip.
//
// Sizes (env): BENCH_PAIRWISE_COMPANIES (1250, ≈10k flows), BENCH_COMPANIES
// (100000, ≈1M flows), BENCH_INCREMENTAL_SAMPLES (50), BENCH_E2E_REMATCHES (8),
// BENCH_INCREMENTAL_BUDGET_S (180: no new sample after that),
// BENCH_RUN_TIMEOUT_S (300: a child process is killed and reported beyond),
// BENCH_SEED. On a 2-core machine the national scale takes minutes: data
// generation and loading alone take about a minute per 100k companies.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { requestMatchRun } from '../../services/api/src/matching/matching.repo.ts';
import { createDatabase, type Database } from '../../services/core/src/db/database.ts';
import { migrate } from '../../services/core/src/db/migrate.ts';
import {
  executeMatchRun,
  loadSnapshot,
  SnapshotCache,
} from '../../services/worker/src/matching/match-run.ts';
import { PreparedSnapshot, runIncremental, runMatching } from '../../shared/matching/engine.ts';
import { runMatchingNaive } from '../../shared/matching/naive.ts';
import type { MatchResult, Snapshot } from '../../shared/matching/types.ts';
import {
  countSynergies,
  countZoneMismatches,
  loadSyntheticDataset,
  selectOne,
} from './synthetic.repo.ts';
import {
  AURA_AREAS,
  generateDataset,
  loadReferenceData,
  rngOf,
  type ReferenceData,
} from './synthetic.ts';

const env = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
  return v;
};
const PAIRWISE_COMPANIES = env('BENCH_PAIRWISE_COMPANIES', 1250);
const COMPANIES = env('BENCH_COMPANIES', 100_000);
const INCREMENTAL_SAMPLES = env('BENCH_INCREMENTAL_SAMPLES', 50);
const INCREMENTAL_BUDGET_S = env('BENCH_INCREMENTAL_BUDGET_S', 180);
const E2E_REMATCHES = env('BENCH_E2E_REMATCHES', 8);
const RUN_TIMEOUT_S = env('BENCH_RUN_TIMEOUT_S', 300);
const SEED = env('BENCH_SEED', 20240601);

const INCREMENTAL_TARGET_MS = 250;
const RUN_LOAD_TARGET = 2;
const RSS_TARGET_MIB = 1.5 * 1024;

const SELF = fileURLToPath(import.meta.url);
const MiB = 2 ** 20;

// ---------------------------------------------------------------- helpers

const ms = (x: number) => (x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`);
const secs = (x: number) => `${(x / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;
const ratio = (x: number) => `${x.toFixed(2)}×`;
const num = (x: unknown) => (typeof x === 'number' ? String(x) : '?');
const verdict = (ok: boolean) => (ok ? 'within target' : 'OVER TARGET');

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

/** Resident set of a process from /proc (bytes): current and peak (high-water mark). */
function procMemory(pid: number | 'self'): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  } catch {
    return null;
  }
}

function fmtCounts(r: MatchResult) {
  const subs = r.proposals.filter((p) => p.type === 'substitution').length;
  return `${r.proposals.length} proposals (${subs} substitutions, ${r.proposals.length - subs} mutualisations)`;
}

// ---------------------------------------------------------------- 1. engine vs naive

function benchPairwise(ref: ReferenceData) {
  const ds = generateDataset(ref, {
    companies: PAIRWISE_COMPANIES,
    seed: SEED + 1,
    areas: AURA_AREAS,
    slug: 'bench-aura',
    name: 'Auvergne-Rhône-Alpes (synthétique)',
  });
  const s = ds.snapshot;
  console.log(
    `\n[1] engine vs naive all-pairs — regional territory: ${s.companies.length} companies, ` +
      `${s.flows.length} flows, ${ds.zones.length} zones, ${s.rules.length} rules`,
  );
  runMatching(s); // warm-up (JIT)
  const engineTimes: number[] = [];
  let engine: MatchResult | undefined;
  for (let i = 0; i < 3; i++) {
    const [r, t] = time(() => runMatching(s));
    engine = r;
    engineTimes.push(t);
  }
  const [naive, naiveMs] = time(() => runMatchingNaive(s));
  const engineMs = quantile(engineTimes, 0.5);
  const e = engine!.proposals;
  const n = naive.proposals;
  let firstDiff = -1;
  for (let i = 0; i < Math.max(e.length, n.length); i++) {
    if (e[i]?.key !== n[i]?.key || e[i]?.score !== n[i]?.score) {
      firstDiff = i;
      break;
    }
  }
  if (firstDiff >= 0) {
    throw new Error(
      `engine and naive differ: ${e.length} vs ${n.length} proposals; first difference at ` +
        `#${firstDiff}: engine ${e[firstDiff]?.key ?? '—'} (${e[firstDiff]?.score ?? '—'}) vs ` +
        `naive ${n[firstDiff]?.key ?? '—'} (${n[firstDiff]?.score ?? '—'})`,
    );
  }
  const whole = JSON.stringify(engine) === JSON.stringify(naive);
  console.log(`  engine: ${fmtCounts(engine!)}`);
  console.log(
    `  identical: yes (same ${e.length} keys and scores, same order; whole results incl. ` +
      `explanations, gains, insights: ${whole ? 'identical' : 'DIFFERENT'})`,
  );
  console.log(`  engine (median of 3): ${ms(engineMs)}    naive all-pairs: ${ms(naiveMs)}`);
  console.log(`  ratio naive / engine: ${ratio(naiveMs / engineMs)}`);
}

// ---------------------------------------------------------------- child processes

interface ChildReport {
  ok: boolean;
  events: Record<string, unknown>[];
  peakRss: number;
  /** The child's own baseline (RSS after start-up, before loading). */
  baselineRss: number | null;
  wallMs: number;
  error: string | null;
}

/**
 * Runs this file in a fresh Node process (the worker's situation: nothing
 * loaded yet), samples its RSS from /proc every 100 ms, and collects the JSON
 * lines it prints. Killed after `timeoutS`.
 */
async function runChild(args: string[], timeoutS: number): Promise<ChildReport> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--matching-child', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  const events: Record<string, unknown>[] = [];
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (line.startsWith('{')) events.push(JSON.parse(line) as Record<string, unknown>);
      else if (line.trim()) console.log(`  [child] ${line}`);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-4000);
  });
  let peakRss = 0;
  const sampler = setInterval(() => {
    const m = child.pid ? procMemory(child.pid) : null;
    // An exiting process has no Vm* lines any more (NaN): keep the last figures.
    if (m) peakRss = Math.max(peakRss, m.rss || 0, m.hwm || 0);
  }, 100);
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutS * 1000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  clearTimeout(killer);
  const done = events.find((e) => e.event === 'done');
  if (done && typeof done.hwm === 'number') peakRss = Math.max(peakRss, done.hwm);
  const start = events.find((e) => e.event === 'start');
  const failed = events.find((e) => e.event === 'error');
  const failure = typeof failed?.message === 'string' ? failed.message : null;
  return {
    ok: code === 0 && done !== undefined,
    events,
    peakRss,
    baselineRss: typeof start?.rss === 'number' ? start.rss : null,
    wallMs: performance.now() - t0,
    error: timedOut
      ? `killed after the ${timeoutS} s time limit (BENCH_RUN_TIMEOUT_S)`
      : code === 0
        ? null
        : `exit code ${code}: ${failure ?? crashSummary(err)}`,
  };
}

/** The telling line of a crashed child's stderr (V8's fatal error, or the last error line). */
function crashSummary(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim());
  return (
    lines.find((l) => l.includes('FATAL ERROR')) ??
    lines.findLast((l) => /error/i.test(l)) ??
    lines.filter(Boolean).slice(-3).join(' | ')
  );
}

function emit(event: string, data: Record<string, unknown> = {}) {
  process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
}

/** Entry point of the child process: `load`, `run` or `rematch`. */
async function childMain(argv: string[]) {
  const [mode, url, ...rest] = argv;
  const db = createDatabase(url!, 4);
  try {
    await selectOne(db);
    const t0 = performance.now();
    const at = () => performance.now() - t0;
    emit('start', { rss: process.memoryUsage().rss });
    if (mode === 'load') {
      const [territoryId, repeat] = rest;
      for (let i = 0; i < Number(repeat ?? 1); i++) {
        const t = performance.now();
        const s = await loadSnapshot(db, territoryId!, {});
        emit('load', {
          ms: performance.now() - t,
          companies: s.companies.length,
          flows: s.flows.length,
        });
      }
    } else if (mode === 'incremental') {
      await childIncremental(db, rest[0]!, Number(rest[1] ?? 0));
    } else if (mode === 'run' || mode === 'rematch') {
      // A worker's cache: the first rematch prepares the territory, the next ones reuse it.
      const cache = new SnapshotCache();
      for (const runId of rest) {
        const t = performance.now();
        const marks: Record<string, number> = {};
        const hits = cache.hits;
        const r = await executeMatchRun(
          db,
          runId,
          async (p) => {
            marks[`p${p}`] = performance.now() - t;
            emit('progress', { runId, percent: p, ms: marks[`p${p}`] });
          },
          cache,
        );
        marks.cached = cache.hits > hits ? 1 : 0;
        emit('run', {
          runId,
          ms: performance.now() - t,
          marks,
          result: r,
          at: at(),
        });
      }
    } else {
      throw new Error(`unknown child mode ${mode}`);
    }
    emit('done', {
      hwm: procMemory('self')?.hwm ?? 0,
      rss: process.memoryUsage().rss,
    });
  } catch (e) {
    const err = e as Error & { code?: string; detail?: string };
    emit('error', {
      message: [err.message, err.code, err.detail].filter(Boolean).join(' — ').slice(0, 500),
    });
    throw e;
  } finally {
    await db.destroy();
  }
}

// ---------------------------------------------------------------- 2 and 3. national scale

async function admin(maintenance: string, statement: string) {
  const c = new pg.Client({ connectionString: maintenance });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

async function newRun(db: Database, territoryId: string, scope: string[]) {
  return db.transaction().execute((trx) =>
    requestMatchRun(trx, {
      territoryId,
      trigger: scope.length > 0 ? 'diagnostic_validated' : 'manual',
      scopeCompanyIds: scope,
      params: {},
      requestedBy: null,
      requestId: `bench-${randomBytes(4).toString('hex')}`,
    }),
  );
}

async function baselines(db: Database, ref: ReferenceData) {
  // A second territory with a single company: the smallest snapshot there is.
  const one = generateDataset(ref, {
    companies: 1,
    seed: SEED + 2,
    areas: ['Dijon'],
    slug: 'bench-one',
    name: 'Une entreprise',
    undiagnosedShare: 0,
    draftShare: 0,
  });
  await loadSyntheticDataset(db, one);
  const selectTimes: number[] = [];
  for (let i = 0; i < 50; i++) selectTimes.push((await timeAsync(() => selectOne(db)))[1]);
  const oneTimes: number[] = [];
  for (let i = 0; i < 20; i++)
    oneTimes.push((await timeAsync(() => loadSnapshot(db, one.territory.id, {})))[1]);
  return {
    selectMs: quantile(selectTimes, 0.5),
    oneCompanyMs: quantile(oneTimes, 0.5),
    oneFlows: one.snapshot.flows.length,
  };
}

/** Child side of [3]: the national snapshot in memory, `runIncremental` per sampled company. */
async function childIncremental(db: Database, territoryId: string, samples: number) {
  const s: Snapshot = await loadSnapshot(db, territoryId, {});
  const withFlows = [...new Set(s.flows.map((f) => f.companyId))].sort();
  const rng = rngOf(SEED + 3);
  const sample: string[] = [];
  const n = Math.min(samples, withFlows.length);
  const picked = new Set<number>();
  while (sample.length < n) {
    const i = Math.floor(rng() * withFlows.length);
    if (picked.has(i)) continue;
    picked.add(i);
    sample.push(withFlows[i]!);
  }
  const flowsOf = new Map<string, typeof s.flows>();
  for (const f of s.flows) {
    const list = flowsOf.get(f.companyId);
    if (list) list.push(f);
    else flowsOf.set(f.companyId, [f]);
  }
  emit('snapshot', {
    companies: s.companies.length,
    flows: s.flows.length,
    samples: n,
  });
  if (n === 0) return;
  // The worker's way: the territory prepared once, then each change applied
  // as an overlay and rematched. The change: the company's flows re-declared
  // under new ids (a new diagnostic version), quantities up 10 %.
  const [prep, prepareMs] = time(() => new PreparedSnapshot(s));
  // Every flow's top list and every group's parts, once (what a worker's
  // first rematches fill lazily).
  const warmMs = time(() => prep.warmTops())[1];
  const partsMs = time(() => prep.warmParts())[1];
  emit('prepared', { ms: prepareMs, warmMs, partsMs });
  let version = 0;
  const rematch = (id: string) => {
    const before = flowsOf.get(id) ?? [];
    version++;
    const after = before.map((f) => ({
      ...f,
      id: `${f.id.slice(0, 24)}${String(version).padStart(12, '0')}`,
      quantityPerYear: f.quantityPerYear === null ? null : f.quantityPerYear * 1.1,
    }));
    prep.setCompanyFlows(new Map([[id, after]]));
    flowsOf.set(id, after);
    return runIncremental(prep, [id], { previousFlows: before });
  };
  rematch(sample[0]!); // warm-up (JIT)
  const t0 = performance.now();
  for (const id of sample.slice(1)) {
    // A time budget, so that a slow engine still gives figures (on fewer samples).
    if (performance.now() - t0 > INCREMENTAL_BUDGET_S * 1000) break;
    const [r, ms] = time(() => rematch(id));
    emit('incremental', { scoped: ms, proposals: r.proposals.length });
  }
}

async function benchIncrementalInMemory(url: string, territoryId: string, baselineMs: number) {
  const child = await runChild(
    ['incremental', url, territoryId, String(INCREMENTAL_SAMPLES)],
    RUN_TIMEOUT_S,
  );
  const snap = child.events.find((e) => e.event === 'snapshot');
  const samples = child.events.filter((e) => e.event === 'incremental');
  console.log(
    `\n[3] incremental rematch of one company — pure engine on the in-memory national ` +
      `snapshot (${num(snap?.companies)} companies, ${num(snap?.flows)} flows), ` +
      `${samples.length} of ${num(snap?.samples)} random companies done`,
  );
  const line = (label: string, times: number[]) => {
    if (times.length === 0) return;
    const p50 = quantile(times, 0.5);
    const p95 = quantile(times, 0.95);
    console.log(
      `  ${label}: p50 ${ms(p50)}, p95 ${ms(p95)} (target ≤ ${INCREMENTAL_TARGET_MS} ms: ` +
        `${verdict(p95 <= INCREMENTAL_TARGET_MS)}); p95 / baseline = ${ratio(p95 / baselineMs)}`,
    );
  };
  const prepared = child.events.find((e) => e.event === 'prepared');
  if (prepared) {
    console.log(
      `  prepared snapshot (both sides indexed, once per territory and worker): ${secs(prepared.ms as number)}; ` +
        `top lists of every flow filled in ${secs(prepared.warmMs as number)}, parts of every ` +
        `mutualisation group in ${secs(prepared.partsMs as number)}`,
    );
  }
  line(
    'runIncremental(prepared, [id], { previousFlows }) after the change as an overlay',
    samples.map((e) => e.scoped as number),
  );
  if (samples.length > 0)
    console.log(
      `  proposals per rematch (worker call): ` +
        `${Math.round(samples.reduce((a, e) => a + (e.proposals as number), 0) / samples.length)} on average; ` +
        `peak RSS of that process ${mib(child.peakRss)}`,
    );
  if (!child.ok) console.log(`  DID NOT FINISH after ${secs(child.wallMs)} — ${child.error}`);
}

/**
 * The same full run again on the matched territory, nothing changed (what a
 * nightly or rule-change re-run mostly is): every proposal is already stored,
 * so little is written. Reported beside the first run, not instead of it.
 */
async function benchFullRerun(db: Database, url: string, territoryId: string, loadMs: number) {
  const again = await runChild(['run', url, await newRun(db, territoryId, [])], RUN_TIMEOUT_S);
  const r = again.events.find((e) => e.event === 'run');
  if (!again.ok || !r) {
    console.log(`  executeMatchRun (full, again): DID NOT FINISH — ${again.error}`);
    return;
  }
  const marks = r.marks as Record<string, number>;
  const counts = (r.result as { counts?: Record<string, number> }).counts ?? {};
  const runMs = r.ms as number;
  console.log(
    `  executeMatchRun (full, again, nothing changed): ${secs(runMs)} — snapshot ` +
      `${secs(marks.p30 ?? NaN)}, engine ${secs((marks.p70 ?? NaN) - (marks.p30 ?? NaN))}, writing ` +
      `${secs(runMs - (marks.p70 ?? NaN))}; ${counts.created ?? '?'} created, ${counts.stale ?? '?'} stale; ` +
      `ratio run / load: ${ratio(runMs / loadMs)} (target ≤ ${RUN_LOAD_TARGET}×: ` +
      `${verdict(runMs / loadMs <= RUN_LOAD_TARGET)}); peak RSS ${mib(again.peakRss)}`,
  );
}

/** Generates the national data set and loads it; keeps only what the later sections need. */
async function prepareNational(db: Database, ref: ReferenceData) {
  const [ds, genMs] = time(() =>
    generateDataset(ref, {
      companies: COMPANIES,
      seed: SEED,
      slug: 'bench-national',
    }),
  );
  const st = ds.stats;
  console.log(
    `  synthetic data: ${st.companies} companies (${st.inZone} in ${st.zones} zones, ` +
      `${st.unlocated} unlocated), ${st.validatedDiagnostics} validated diagnostics, ` +
      `${st.snapshotFlows} current flows (${(st.snapshotFlows / st.validatedDiagnostics).toFixed(1)} ` +
      `per diagnosed company; ${Object.entries(st.flowsByKind)
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}), ${st.allFlows} flow rows with drafts and history — generated in ${secs(genMs)}`,
  );
  const [, insertMs] = await timeAsync(() => loadSyntheticDataset(db, ds));
  const rows = st.companies + st.allFlows;
  console.log(
    `  loaded into PostgreSQL in ${secs(insertMs)} (${Math.round((rows / insertMs) * 1000)} rows/s); ` +
      `zone check (ST_Covers vs generator): ${await countZoneMismatches(db, ds.territory.id)} mismatches`,
  );
  return {
    territoryId: ds.territory.id,
    companies: ds.snapshot.companies.length,
    flows: ds.snapshot.flows.length,
    diagnosed: ds.companies.filter((c) => c.diagnosticStatus === 'validated').map((c) => c.snap.id),
  };
}

async function benchNational(ref: ReferenceData) {
  const maintenance =
    process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `symbiose_bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(maintenance);
  url.pathname = `/${name}`;
  console.log(
    `\n[2] full run at national scale — ${COMPANIES} companies in one territory ` +
      `(BENCH_COMPANIES; the default 100k takes minutes on a 2-core machine)`,
  );
  await admin(maintenance, `CREATE DATABASE ${name}`);
  let db: Database | undefined;
  try {
    await migrate(url.toString());
    db = createDatabase(url.toString(), 4);
    const ds = await prepareNational(db, ref);

    const base = await baselines(db, ref);
    console.log(
      `  baselines: SELECT 1 round trip ${ms(base.selectMs)}; loadSnapshot of a one-company ` +
        `territory (${base.oneFlows} flows, all rules and factors) ${ms(base.oneCompanyMs)}`,
    );

    // Load alone, twice, in a fresh process (the second load has warm caches).
    const load = await runChild(['load', url.toString(), ds.territoryId, '2'], RUN_TIMEOUT_S);
    const loads = load.events.filter((e) => e.event === 'load');
    if (!load.ok || loads.length === 0) throw new Error(`snapshot load failed: ${load.error}`);
    const loadMs = Math.min(...loads.map((e) => e.ms as number));
    const loaded = loads[0]!;
    if (loaded.companies !== ds.companies || loaded.flows !== ds.flows)
      throw new Error(
        `loaded snapshot differs from the generated one: ${String(loaded.companies)} companies / ` +
          `${String(loaded.flows)} flows vs ${ds.companies} / ${ds.flows}`,
      );
    console.log(
      `  loadSnapshot: ${loads.map((e) => secs(e.ms as number)).join(', then ')} ` +
        `(${String(loaded.companies)} companies, ${String(loaded.flows)} flows); peak RSS of the ` +
        `loading process ${mib(load.peakRss)}`,
    );

    // The whole run, in a fresh worker-like process.
    const runId = await newRun(db, ds.territoryId, []);
    const run = await runChild(['run', url.toString(), runId], RUN_TIMEOUT_S);
    const baseRss = run.baselineRss ?? 0;
    const r = run.events.find((e) => e.event === 'run');
    if (run.ok && r) {
      const marks = r.marks as Record<string, number>;
      const counts = (r.result as { counts?: Record<string, number> }).counts ?? {};
      const runMs = r.ms as number;
      console.log(
        `  executeMatchRun (full): ${secs(runMs)} — snapshot ${secs(marks.p30 ?? NaN)}, engine ` +
          `${secs((marks.p70 ?? NaN) - (marks.p30 ?? NaN))}, writing ${secs(runMs - (marks.p70 ?? NaN))}; ` +
          `${counts.proposals ?? '?'} proposals (${counts.substitutions ?? '?'} substitutions, ` +
          `${counts.mutualisations ?? '?'} mutualisations)`,
      );
      const stored = await countSynergies(db, ds.territoryId);
      console.log(`  stored: ${stored.synergies} synergies, ${stored.participants} participants`);
      console.log(
        `  ratio run / load: ${ratio(runMs / loadMs)} (target ≤ ${RUN_LOAD_TARGET}×: ` +
          `${verdict(runMs / loadMs <= RUN_LOAD_TARGET)})`,
      );
    } else {
      const phase: Record<number, string> = {
        5: 'loading the snapshot',
        30: 'in the engine (snapshot loaded)',
        70: 'writing the proposals (engine done)',
        100: 'finishing',
      };
      const reached = run.events
        .filter((e) => e.event === 'progress')
        .map((e) => `${String(e.percent)} % at ${secs(e.ms as number)}`)
        .join(', ');
      const last = run.events.findLast((e) => e.event === 'progress')?.percent as
        number | undefined;
      console.log(
        `  executeMatchRun (full): DID NOT FINISH after ${secs(run.wallMs)}, ` +
          `${last === undefined ? 'before starting' : (phase[last] ?? `at ${last} %`)} — ${run.error}` +
          (reached ? ` (progress: ${reached})` : ''),
      );
      console.log(
        `  ratio run / load: > ${ratio(run.wallMs / loadMs)} (target ≤ ${RUN_LOAD_TARGET}×: OVER TARGET)`,
      );
    }
    console.log(
      `  worker peak RSS: ${mib(run.peakRss)} (baseline before loading ${mib(baseRss)}, ` +
        `+${mib(run.peakRss - baseRss)}); peak / target 1.5 GiB = ${ratio(run.peakRss / (RSS_TARGET_MIB * MiB))} ` +
        `(${verdict(run.peakRss <= RSS_TARGET_MIB * MiB)})`,
    );
    if (run.ok) await benchFullRerun(db, url.toString(), ds.territoryId, loadMs);

    await benchIncrementalInMemory(url.toString(), ds.territoryId, base.oneCompanyMs);
    console.log(
      `  baselines of the ratios: one-company snapshot load ${ms(base.oneCompanyMs)} ` +
        `(SELECT 1: ${ms(base.selectMs)})`,
    );

    if (E2E_REMATCHES > 0) {
      const rng = rngOf(SEED + 4);
      const diagnosed = ds.diagnosed;
      const runIds: string[] = [];
      for (let i = 0; i < E2E_REMATCHES && diagnosed.length > 0; i++) {
        const c = diagnosed[Math.floor(rng() * diagnosed.length)]!;
        runIds.push(await newRun(db, ds.territoryId, [c]));
      }
      const rem = await runChild(['rematch', url.toString(), ...runIds], RUN_TIMEOUT_S);
      const done = rem.events.filter((e) => e.event === 'run');
      const warm: number[] = [];
      for (const e of done) {
        const marks = e.marks as Record<string, number>;
        const t = e.ms as number;
        if (marks.cached) warm.push(t);
        console.log(
          `  end-to-end rematch (executeMatchRun, scope of 1 company, ` +
            `${marks.cached ? 'territory prepared' : 'cold worker: prepares the territory'}): ${ms(t)} — snapshot ` +
            `${ms(marks.p30 ?? NaN)}, engine ${ms((marks.p70 ?? NaN) - (marks.p30 ?? NaN))}, ` +
            `writing ${ms(t - (marks.p70 ?? NaN))}; vs target ${INCREMENTAL_TARGET_MS} ms: ` +
            `${ratio(t / INCREMENTAL_TARGET_MS)}; vs one-company load: ${ratio(t / base.oneCompanyMs)}`,
        );
      }
      if (warm.length > 0) {
        const p95 = quantile(warm, 0.95);
        console.log(
          `  end-to-end rematch on a prepared territory: p50 ${ms(quantile(warm, 0.5))}, p95 ${ms(p95)} ` +
            `(target ≤ ${INCREMENTAL_TARGET_MS} ms: ${verdict(p95 <= INCREMENTAL_TARGET_MS)}); ` +
            `p95 / one-company load = ${ratio(p95 / base.oneCompanyMs)}`,
        );
      }
      if (!rem.ok) {
        const reached = rem.events
          .filter((e) => e.event === 'progress')
          .map((e) => `${num(e.percent)} % at ${ms(e.ms as number)}`)
          .join(', ');
        console.log(
          `  end-to-end rematch: DID NOT FINISH after ${secs(rem.wallMs)} — ${rem.error}` +
            (reached ? ` (progress of the last run: ${reached})` : ''),
        );
      }
    }
  } finally {
    await db?.destroy();
    await admin(maintenance, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

export async function benchMatching(): Promise<void> {
  const ref = await loadReferenceData();
  if (PAIRWISE_COMPANIES > 0) benchPairwise(ref);
  if (COMPANIES > 0) await benchNational(ref);
}

if (process.argv[1] === SELF && process.argv[2] === '--matching-child') {
  await childMain(process.argv.slice(3));
}
