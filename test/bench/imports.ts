// Spreadsheet import of flows: rows per second through the whole import path
// (HTTP upload → decode and parse the CSV → dry run of every row against the
// catalogue, the units and the territory → stored file → commit: planned
// again, then written in one transaction, the flows through COPY), against
// a bare COPY of the same flow rows into the flow table, in the same run.
import { benchAdminToken } from './bench.repo.ts';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { buildApp } from '../../services/api/src/app.ts';
import { loadConfig } from '../../services/core/src/config.ts';
import { createDatabase } from '../../services/core/src/db/database.ts';
import { migrate } from '../../services/core/src/db/migrate.ts';
import { createRedis } from '../../services/core/src/redis.ts';
import { completeSiret } from '../../shared/siret.ts';
import { benchBaselineCopy, benchBaselineDiagnostics } from './bench.repo.ts';

const FLOWS = Number(process.env.BENCH_IMPORT_FLOWS ?? 100_000);
const PER_COMPANY = 50;

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

// Resource, unit, period, canonical yearly quantity factor, canonical unit.
const templates = [
  ['input', 'ENE.ELEC', 'MWh', 'an', 1, 'MWh'],
  ['input', 'ENE.GAS.NAT', 'kWh', 'mois', 0.012, 'MWh'],
  ['waste', '150103', 't', 'mois', 12, 't'],
  ['waste', '150101', 'kg', 'semaine', 0.052, 't'],
  ['waste', '140603', 'kg', 'an', 0.001, 't'],
] as const;
const KIND_FR = { input: 'entrant', waste: 'déchet' } as const;

export async function benchImports(): Promise<void> {
  await admin(`CREATE DATABASE ${name}`);
  try {
    await migrate(url.toString());
    const config = loadConfig({
      DATABASE_URL: url.toString(),
      LOG_LEVEL: 'silent',
      QUEUE_PREFIX: 'bench',
      // Commit in the request, so that the figure is the import path itself, not queue latency.
      IMPORT_SYNC_MAX_ROWS: String(FLOWS * 2),
    });
    const db = createDatabase(config.DATABASE_URL, 4);
    const redis = createRedis(config.REDIS_URL);
    const app = await buildApp(config, { db, redis });
    await app.ready();
    const token = await benchAdminToken(db);
    const headers = { authorization: `Bearer ${token}` };
    const territory = async (slug: string) =>
      (
        await app.inject({
          method: 'POST',
          url: '/v1/territories',
          headers,
          payload: { slug, name: slug },
        })
      ).json<{ id: string }>().id;
    const importFile = async (territoryId: string, kind: string, csv: string) => {
      const up = await app.inject({
        method: 'POST',
        url: `/v1/territories/${territoryId}/imports?kind=${kind}`,
        headers: { ...headers, 'content-type': 'text/csv' },
        payload: Buffer.from(csv, 'utf8'),
      });
      if (up.statusCode !== 201 || up.json<{ status: string }>().status !== 'ready')
        throw new Error(`upload failed: ${up.statusCode} ${up.body.slice(0, 500)}`);
      const c = await app.inject({
        method: 'POST',
        url: `/v1/imports/${up.json<{ id: string }>().id}/commit`,
        headers,
      });
      if (c.statusCode !== 200)
        throw new Error(`commit failed: ${c.statusCode} ${c.body.slice(0, 500)}`);
    };

    const companies = Math.ceil(FLOWS / PER_COMPANY);
    const sirets = Array.from({ length: companies }, (_, i) =>
      completeSiret(`6${String(i).padStart(12, '0')}`),
    );
    const companiesCsv = [
      'siret;raison_sociale;code_naf',
      ...sirets.map((s, i) => `${s};Bench ${i};16.24Z`),
    ].join('\n');
    const flowRows = Array.from({ length: FLOWS }, (_, i) => {
      const [kind, code, unit, period, factor, canonical] = templates[i % templates.length]!;
      return {
        siret: sirets[Math.floor(i / PER_COMPANY)]!,
        position: i % PER_COMPANY,
        kind,
        code,
        unit,
        period,
        factor,
        canonical,
        label: `Flux ${i}`,
        quantity: 10 + (i % 97),
      };
    });
    const flowsCsv = [
      'siret;date_visite;type_flux;code_ressource;libellé;quantité;unité;période',
      ...flowRows.map(
        (f) =>
          `${f.siret};2024-03-15;${KIND_FR[f.kind]};${f.code};${f.label};${f.quantity};${f.unit};${f.period}`,
      ),
    ].join('\n');

    // Baseline: the same flow rows, ready-made, COPY'd into the flow table of another territory.
    const baseTerritory = await territory('bench-copy');
    await importFile(baseTerritory, 'companies', companiesCsv);
    const baseCompanies = (
      await db
        .selectFrom('company')
        .select(['id', 'siret'])
        .where('territory_id', '=', baseTerritory)
        .execute()
    ).sort((a, b) => a.siret.localeCompare(b.siret));
    const baseDiagnostics = await benchBaselineDiagnostics(
      db,
      baseTerritory,
      baseCompanies.map((c) => c.id),
    );
    const copyCsv = flowRows
      .map((f, i) => {
        const c = Math.floor(i / PER_COMPANY);
        const category = f.kind === 'waste' ? 'waste' : 'energy';
        return `${baseTerritory},${baseDiagnostics[c]},${baseCompanies[c]!.id},${f.position},${f.kind},${category},${f.code},${f.label},${f.quantity},${f.unit},year,${f.quantity * f.factor},${f.canonical},false,territory`;
      })
      .join('\n');
    const t0 = performance.now();
    await benchBaselineCopy(config.DATABASE_URL, `${copyCsv}\n`);
    const copyMs = performance.now() - t0;

    // The import path: companies first (not timed), then the flows file, timed from upload to commit.
    const importTerritory = await territory('bench-import');
    await importFile(importTerritory, 'companies', companiesCsv);
    const t1 = performance.now();
    await importFile(importTerritory, 'diagnostics', flowsCsv);
    const importMs = performance.now() - t1;
    const written = await db
      .selectFrom('flow')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('territory_id', '=', importTerritory)
      .executeTakeFirstOrThrow();
    if (Number(written.n) !== FLOWS)
      throw new Error(`import wrote ${written.n} flows, expected ${FLOWS}`);

    const rate = (ms: number) => Math.round((FLOWS / ms) * 1000);
    console.log(
      `flow import: ${FLOWS} flow rows (${companies} companies × ${PER_COMPANY}), CSV ${(flowsCsv.length / 1e6).toFixed(1)} MB`,
    );
    console.log(`  baseline (bare COPY of the same rows):          ${rate(copyMs)} rows/s`);
    console.log(
      `  import (upload, dry run, commit, all checks):   ${rate(importMs)} rows/s  (target ≥ 20000)`,
    );
    console.log(
      `  ratio import / COPY: ${(copyMs / importMs).toFixed(2)} (1.00 = as fast as a bare COPY)`,
    );

    await app.close();
    await db.destroy();
    redis.disconnect();
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}
