// Imports and exports on the real services: dry run with every row-level problem,
// all-or-nothing commit, idempotent re-import, export → import round trip,
// SIRENE filtered by a zone polygon or communes, GeoJSON zones, bad files, and
// the worker path with progress for large imports.
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_BATCH } from '../../services/core/src/imports/commit.ts';
import { createRedis } from '../../services/core/src/redis.ts';
import { buildJobRegistry } from '../../services/worker/src/jobs.ts';
import { buildWorker, type RunningWorker } from '../../services/worker/src/worker.ts';
import { completeSiret } from '../../shared/siret.ts';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { makeTerritory, makeUser, makeZone, type TestUser } from '../helpers/factories.ts';
import { waitFor } from '../helpers/wait.ts';

let t: TestContext;
let admin: TestUser;
let worker: RunningWorker;
let seq = 0;

beforeAll(async () => {
  // Files of more than 20 rows go through the worker in these tests.
  t = await startTestApp({ IMPORT_SYNC_MAX_ROWS: '20' });
  admin = await makeUser(t.database.db, { role: 'admin' });
  worker = buildWorker(t.config, {
    db: t.database.db,
    redis: createRedis(t.config.REDIS_URL),
    registry: buildJobRegistry({ db: t.database.db }),
  });
});
afterAll(async () => {
  await worker?.close();
  await t?.close();
});

/** A territory of its own and one of its officers. */
async function territory() {
  const tr = await makeTerritory(t.app, admin.token);
  const officer = await makeUser(t.database.db, {
    role: 'officer',
    territoryIds: [tr.id as string],
  });
  return { id: tr.id as string, officer };
}

const siret = (n: number) => completeSiret(`7${String(n).padStart(12, '0')}`);
const uniqSiret = () => siret(++seq * 1000 + Math.floor(Math.random() * 900));

async function upload(
  token: string,
  territoryId: string,
  kind: string,
  body: Buffer | string,
  opts: { type?: string; query?: string } = {},
) {
  return call(t.app, token, {
    method: 'POST',
    url: `/v1/territories/${territoryId}/imports?kind=${kind}${opts.query ? `&${opts.query}` : ''}`,
    headers: { 'content-type': opts.type ?? 'text/csv' },
    payload: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  });
}

const commit = (token: string, id: string) =>
  call(t.app, token, { method: 'POST', url: `/v1/imports/${id}/commit` });

async function uploadAndCommit(
  token: string,
  territoryId: string,
  kind: string,
  body: Buffer | string,
  type?: string,
) {
  const up = await upload(token, territoryId, kind, body, { type });
  expect(up.statusCode, up.body).toBe(201);
  expect(up.body_.status, JSON.stringify(up.body_.problems)).toBe('ready');
  const c = await commit(token, up.body_.id as string);
  expect(c.statusCode, c.body).toBe(200);
  expect(c.body_.status).toBe('committed');
  return c.body_;
}

async function count(
  table: 'company' | 'flow' | 'diagnostic' | 'zone' | 'data_import',
  territoryId: string,
) {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}
    where territory_id = ${territoryId}`.execute(t.database.db);
  return r.rows[0]!.n;
}

async function exportFile(token: string, territoryId: string, entity: string, format = 'csv') {
  const res = await t.app.inject({
    method: 'GET',
    url: `/v1/territories/${territoryId}/exports/${entity}?format=${format}`,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res;
}

const COMPANIES_HEADER =
  'siret;raison_sociale;code_naf;tranche_effectif;adresse;longitude;latitude;ess';
const FLOWS_HEADER =
  'siret;date_visite;type_flux;catégorie;code_ressource;libellé;quantité;unité;période;coût_eur_an;dangereux;confidentialité';

/** A territory of its own with one company already imported, and that company's SIRET. */
async function territoryWithCompany(name: string, naf: string) {
  const tr = await territory();
  const s = uniqSiret();
  await uploadAndCommit(
    tr.officer.token,
    tr.id,
    'companies',
    `${COMPANIES_HEADER}\n${s};${name};${naf};;;;;non`,
  );
  return { tr, s };
}

describe('dry run and all-or-nothing commit', () => {
  it('lists the exact problems of a companies file and writes nothing', async () => {
    const tr = await territory();
    const good = uniqSiret();
    const file = [
      'siret;raison_sociale;code_naf;adresse;longitude;latitude',
      `${good};Fromagerie du Val;10.51C;1 rue A;5.04;47.32`,
      '12345678901234;Mauvais SIRET;10.51C;;;',
      `${uniqSiret()};NAF inconnu;99.99Z;;;`,
      `${uniqSiret()};;16.24Z;;5.1;`,
      `${good};Doublon;1051C;;;`,
    ].join('\n');
    const up = await upload(tr.officer.token, tr.id, 'companies', file);
    expect(up.statusCode, up.body).toBe(201);
    expect(up.body_.status).toBe('dry_run_failed');
    const got = (up.body_.problems as Json[]).map((p) => [p.row, p.column, p.value, p.message]);
    expect(got).toEqual([
      [
        3,
        'siret',
        '12345678901234',
        'SIRET invalide : la clé de contrôle (Luhn) ne correspond pas',
      ],
      [4, 'code_naf', '99.99Z', 'code NAF inconnu dans la NAF rév. 2 : 99.99Z'],
      [5, 'raison_sociale', '', 'raison sociale manquante'],
      [5, 'latitude', '', 'latitude manquante (la longitude est donnée)'],
      [6, 'siret', good, 'SIRET en double dans le fichier (ligne 2)'],
    ]);
    expect(up.body_.problemCount).toBe(5);
    const c = await commit(tr.officer.token, up.body_.id as string);
    expect(c.statusCode).toBe(409);
    expect(c.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(c.body_.code).toBe('import_has_problems');
    expect(await count('company', tr.id)).toBe(0);
  });

  it('lists the exact problems of a flows file (codes, units, quantity, date) and writes nothing', async () => {
    const { tr, s } = await territoryWithCompany('Scierie', '16.10A');
    const file = [
      'siret;date_visite;type_flux;code_ressource;libellé;quantité;unité;période',
      `${s};2024-03-15;déchet;15 01 03;Palettes;2;t;mois`,
      `${s};2024-03-15;déchet;99 99 99;Inconnu;1;t;an`,
      `${s};2024-03-15;entrant;ENE.ELEC;Électricité;1200;t;an`,
      `${s};2024-03-15;déchet;15 01 01;Carton;;t;an`,
      `${s};31/02/2024;besoin;ENE.ELEC;;;;`,
      `${uniqSiret()};2024-03-15;sortant;ENE.ELEC;;;;`,
      `${s};2024-03-15;rebut;ENE.ELEC;;;;`,
    ].join('\n');
    const up = await upload(tr.officer.token, tr.id, 'diagnostics', file);
    expect(up.statusCode, up.body).toBe(201);
    expect(up.body_.status).toBe('dry_run_failed');
    const got = (up.body_.problems as Json[]).map((p) => [p.row, p.column, p.message]);
    expect(got).toEqual([
      [3, 'code_ressource', 'code déchet inconnu dans la liste européenne des déchets : 99 99 99'],
      [4, 'unité', expect.stringMatching(/^unité non convertible : l'unité « t »/)],
      [5, 'quantité', 'quantité manquante (une unité est donnée)'],
      [6, 'date_visite', 'date invalide : attendu AAAA-MM-JJ ou JJ/MM/AAAA'],
      [7, 'siret', expect.stringMatching(/^entreprise inconnue/)],
      [8, 'type_flux', 'type de flux inconnu : entrant, sortant, déchet ou besoin'],
    ]);
    const before = [await count('diagnostic', tr.id), await count('flow', tr.id)];
    expect((await commit(tr.officer.token, up.body_.id as string)).statusCode).toBe(409);
    expect([await count('diagnostic', tr.id), await count('flow', tr.id)]).toEqual(before);
    expect(before).toEqual([0, 0]);
  });
  it('numbers rows as the spreadsheet shows them, blank lines and quoted line breaks included', async () => {
    const tr = await territory();
    for (const [file, row] of [
      [`siret;raison_sociale;code_naf\n\n${uniqSiret()};A;10.51C\n\n${uniqSiret()};B;99.99Z\n`, 5],
      [
        `siret;raison_sociale;code_naf\r\n${uniqSiret()};"A\nsur deux lignes";10.51C\r\n${uniqSiret()};B;99.99Z\r\n`,
        4,
      ],
    ] as const) {
      const up = await upload(tr.officer.token, tr.id, 'companies', file);
      expect((up.body_.problems as Json[]).map((p) => [p.row, p.column])).toEqual([
        [row, 'code_naf'],
      ]);
    }
  });
});

describe('idempotent re-import and round trip', () => {
  const companiesFile = (a: string, b: string) =>
    [
      COMPANIES_HEADER,
      `${a};Fromagerie du Val;10.51C;10-49;1 rue des Prés, 21000 Dijon;5.0412345;47.3221;non`,
      `${b};"Menuiserie ""Bois & Fils""";16.23Z;1-9;;5.06;47.33;oui`,
    ].join('\n');
  const flowsFile = (a: string, b: string) =>
    [
      FLOWS_HEADER,
      `${a};2024-03-15;entrant;;ENE.ELEC;Électricité;1200;MWh;an;150000;non;territoire`,
      `${a};2024-03-15;déchet;;15 01 03;=Palettes cassées;2,5;t;mois;;non;privé`,
      `${a};2024-03-15;déchet;;14 06 03*;Solvants;800;kg;an;;;territoire`,
      `${b};15/03/2024;besoin;;ENE.ELEC;;;;;;;public`,
    ].join('\n');

  it('re-importing the same files creates and changes nothing', async () => {
    const tr = await territory();
    const [a, b] = [uniqSiret(), uniqSiret()];
    const first = await uploadAndCommit(tr.officer.token, tr.id, 'companies', companiesFile(a, b));
    expect(first.summary).toMatchObject({ companiesCreated: 2 });
    const flows1 = await uploadAndCommit(tr.officer.token, tr.id, 'diagnostics', flowsFile(a, b));
    expect(flows1.summary).toMatchObject({ diagnosticsCreated: 2, flowsCreated: 4 });
    const counts = [
      await count('company', tr.id),
      await count('diagnostic', tr.id),
      await count('flow', tr.id),
    ];
    expect(counts).toEqual([2, 2, 4]);

    const again = await uploadAndCommit(tr.officer.token, tr.id, 'companies', companiesFile(a, b));
    expect(again.summary).toMatchObject({
      companiesCreated: 0,
      companiesUpdated: 0,
      companiesUnchanged: 2,
    });
    const flows2 = await uploadAndCommit(tr.officer.token, tr.id, 'diagnostics', flowsFile(a, b));
    expect(flows2.summary).toMatchObject({
      diagnosticsCreated: 0,
      flowsCreated: 0,
      flowsUpdated: 0,
      flowsUnchanged: 4,
    });
    expect([
      await count('company', tr.id),
      await count('diagnostic', tr.id),
      await count('flow', tr.id),
    ]).toEqual(counts);

    // A corrected quantity updates the draft's flow in place.
    const corrected = flowsFile(a, b).replace(';1200;MWh;', ';1300;MWh;');
    const flows3 = await uploadAndCommit(tr.officer.token, tr.id, 'diagnostics', corrected);
    expect(flows3.summary).toMatchObject({ flowsCreated: 0, flowsUpdated: 1, flowsUnchanged: 3 });
    expect(await count('flow', tr.id)).toBe(4);
    const q = await sql<{ quantity_per_year: number; hazardous: boolean; resource_code: string }>`
      select quantity_per_year, hazardous, resource_code from flow where territory_id = ${tr.id}
      order by resource_code, quantity_per_year nulls first`.execute(t.database.db);
    expect(q.rows).toEqual([
      { quantity_per_year: 0.8, hazardous: true, resource_code: '140603' },
      { quantity_per_year: 30, hazardous: false, resource_code: '150103' },
      { quantity_per_year: null, hazardous: false, resource_code: 'ENE.ELEC' },
      { quantity_per_year: 1300, hazardous: false, resource_code: 'ENE.ELEC' },
    ]);
  });

  it('export → import into an empty territory gives the same data (CSV and XLSX)', async () => {
    const src = await territory();
    const [a, b] = [uniqSiret(), uniqSiret()];
    await uploadAndCommit(src.officer.token, src.id, 'companies', companiesFile(a, b));
    await uploadAndCommit(src.officer.token, src.id, 'diagnostics', flowsFile(a, b));
    const companiesCsv = (await exportFile(src.officer.token, src.id, 'companies')).rawPayload;
    const flowsCsv = (await exportFile(src.officer.token, src.id, 'flows')).rawPayload;
    // Text that a spreadsheet would run as a formula is escaped in the CSV.
    expect(flowsCsv.toString('utf8')).toContain(";'=Palettes cassées;");

    const dst = await territory();
    await uploadAndCommit(dst.officer.token, dst.id, 'companies', companiesCsv);
    await uploadAndCommit(dst.officer.token, dst.id, 'diagnostics', flowsCsv);
    expect(
      (await exportFile(dst.officer.token, dst.id, 'companies')).rawPayload.equals(companiesCsv),
    ).toBe(true);
    expect((await exportFile(dst.officer.token, dst.id, 'flows')).rawPayload.equals(flowsCsv)).toBe(
      true,
    );
    const label = await sql<{ label: string }>`select label from flow where territory_id = ${dst.id}
      and resource_code = '150103'`.execute(t.database.db);
    expect(label.rows[0]!.label).toBe('=Palettes cassées');

    // One XLSX workbook (entreprises + flux) into a third territory.
    const xlsx = (await exportFile(src.officer.token, src.id, 'flows', 'xlsx')).rawPayload;
    const third = await territory();
    await uploadAndCommit(
      third.officer.token,
      third.id,
      'diagnostics',
      xlsx,
      'application/octet-stream',
    );
    expect(
      (await exportFile(third.officer.token, third.id, 'companies')).rawPayload.equals(
        companiesCsv,
      ),
    ).toBe(true);
    expect(
      (await exportFile(third.officer.token, third.id, 'flows')).rawPayload.equals(flowsCsv),
    ).toBe(true);
  });

  it('serves templates with the French headers, and exports synergies', async () => {
    const tr = await territory();
    const csv = await t.app.inject({
      method: 'GET',
      url: '/v1/import-templates/diagnostics?format=csv',
      headers: { authorization: `Bearer ${tr.officer.token}` },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.replace(/^\ufeff/, '').trim()).toBe(`${FLOWS_HEADER};disponibilité`);
    const xlsx = await t.app.inject({
      method: 'GET',
      url: '/v1/import-templates/companies?format=xlsx',
      headers: { authorization: `Bearer ${tr.officer.token}` },
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['entreprises', 'aide']);
    const syn = await exportFile(tr.officer.token, tr.id, 'synergies');
    expect(syn.body.replace(/^\ufeff/, '').split('\r\n')[0]).toMatch(
      /^identifiant;type;statut;code_ressource/,
    );
  });
});

describe('flows written through COPY', () => {
  it('stores texts with tabs, backslashes, line breaks, quotes and \\N exactly as given', async () => {
    const { tr, s } = await territoryWithCompany('A', '16.24Z');
    const labels = ['a\tb', 'C:\\temp\\N', 'ligne 1\nligne 2', 'guillemets " et ; point-virgule'];
    const file = [
      'siret;date_visite;type_flux;code_ressource;libellé;quantité;unité;disponibilité',
      ...labels.map(
        (l, i) => `${s};2024-05-02;déchet;15 01 03;"${l.replace(/"/g, '""')}";${i + 1};t;"\\N"`,
      ),
      `${s};2024-05-02;déchet;15 01 01;;;;`,
    ].join('\n');
    await uploadAndCommit(tr.officer.token, tr.id, 'diagnostics', file);
    const r = await sql<{
      label: string | null;
      quantity: number | null;
      unit: string | null;
      availability: string | null;
      position: number;
    }>`select label, quantity, unit, availability, position from flow
       where territory_id = ${tr.id} order by position`.execute(t.database.db);
    expect(r.rows).toEqual([
      ...labels.map((label, i) => ({
        label,
        quantity: i + 1,
        unit: 't',
        availability: '\\N',
        position: i,
      })),
      { label: null, quantity: null, unit: null, availability: null, position: 4 },
    ]);
  });
});

describe('SIRENE establishments', () => {
  const header =
    'siren,nic,siret,etatAdministratifEtablissement,codeCommuneEtablissement,libelleCommuneEtablissement,' +
    'numeroVoieEtablissement,typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,' +
    'denominationUsuelleEtablissement,enseigne1Etablissement,trancheEffectifsEtablissement,' +
    'activitePrincipaleEtablissement,coordonneeLambertAbscisseEtablissement,coordonneeLambertOrdonneeEtablissement';
  // Lambert-93 of a point in the zone (≈ 5.051, 47.292) and of points outside it.
  const rows = (s: string[]) => [
    `${s[0]!.slice(0, 9)},${s[0]!.slice(9)},${s[0]},A,21231,DIJON,12,RUE,DES FORGES,21000,Fonderie Nord,,12,24.51Z,855000,6690000`,
    `${s[1]!.slice(0, 9)},${s[1]!.slice(9)},${s[1]},A,21231,DIJON,3,AV,DU LAC,21000,,Chez Paul,03,5610A,855200,6690100`,
    `${s[2]!.slice(0, 9)},${s[2]!.slice(9)},${s[2]},A,21166,CHENOVE,,,,21300,Hors zone,,NN,25.62A,850000,6680000`,
    `${s[3]!.slice(0, 9)},${s[3]!.slice(9)},${s[3]},F,21231,DIJON,,,,21000,Fermé,,,25.62A,855000,6690000`,
    `${s[4]!.slice(0, 9)},${s[4]!.slice(9)},${s[4]},A,21231,DIJON,,,,21000,Sans position,,,25.62A,[ND],[ND]`,
  ];

  it('keeps exactly the establishments inside the zone polygon, with source and licence', async () => {
    const tr = await territory();
    const zone = await makeZone(t.app, tr.officer.token, tr.id, {
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [5.04, 47.28],
            [5.07, 47.28],
            [5.07, 47.3],
            [5.04, 47.3],
            [5.04, 47.28],
          ],
        ],
      },
    });
    const s = Array.from({ length: 5 }, () => uniqSiret());
    const file = [header, ...rows(s)].join('\n');
    const up = await upload(tr.officer.token, tr.id, 'sirene', file, {
      query: `zoneId=${zone.id as string}`,
    });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.body_).toMatchObject({
      status: 'ready',
      licence: 'Licence Ouverte / Etalab 2.0',
      summary: { companiesCreated: 2, skippedClosed: 1, skippedOutside: 2 },
    });
    expect((await commit(tr.officer.token, up.body_.id as string)).statusCode).toBe(200);
    const got = await sql<{
      siret: string;
      name: string;
      naf_code: string;
      zone_id: string;
      source_licence: string;
      headcount_band: string;
      address: string;
    }>`
      select siret, name, naf_code, zone_id, source_licence, headcount_band, address from company
      where territory_id = ${tr.id} order by name`.execute(t.database.db);
    expect(got.rows).toEqual([
      {
        siret: s[1],
        name: 'Chez Paul',
        naf_code: '56.10A',
        zone_id: zone.id,
        source_licence: 'Licence Ouverte / Etalab 2.0',
        headcount_band: '1-9',
        address: '3 AV DU LAC, 21000 DIJON',
      },
      {
        siret: s[0],
        name: 'Fonderie Nord',
        naf_code: '24.51Z',
        zone_id: zone.id,
        source_licence: 'Licence Ouverte / Etalab 2.0',
        headcount_band: '10-49',
        address: '12 RUE DES FORGES, 21000 DIJON',
      },
    ]);
    // Re-importing finds them known.
    const again = await upload(tr.officer.token, tr.id, 'sirene', file, {
      query: `zoneId=${zone.id as string}`,
    });
    expect(again.body_.summary).toMatchObject({ companiesCreated: 0, skippedAlreadyKnown: 2 });
  });

  it('filters by commune code, and reports bad NAF codes', async () => {
    const tr = await territory();
    const s = Array.from({ length: 5 }, () => uniqSiret());
    const file = [
      header,
      ...rows(s),
      `${s[0]!.slice(0, 9)},00099,12345678900099,A,21231,DIJON,,,,,,,,XX.XXX,,`,
    ].join('\n');
    const bad = await upload(tr.officer.token, tr.id, 'sirene', file, { query: 'communes=21231' });
    expect(bad.body_.status).toBe('dry_run_failed');
    expect((bad.body_.problems as Json[]).map((p) => [p.row, p.column])).toEqual([
      [7, 'siret'],
      [7, 'activitePrincipaleEtablissement'],
    ]);
    const up = await upload(tr.officer.token, tr.id, 'sirene', [header, ...rows(s)].join('\n'), {
      query: 'communes=21231',
    });
    expect(up.body_.summary).toMatchObject({
      companiesCreated: 3,
      skippedClosed: 1,
      skippedOutside: 1,
    });
  });
});

describe('zones from GeoJSON', () => {
  it('creates zones, reports invalid polygons, and re-imports idempotently', async () => {
    const tr = await territory();
    const poly = (x: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [x, 47],
          [x + 0.01, 47],
          [x + 0.01, 47.01],
          [x, 47.01],
          [x, 47],
        ],
      ],
    });
    const fc = (features: Json[]) => JSON.stringify({ type: 'FeatureCollection', features });
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [5, 47],
          [5.01, 47.01],
          [5.01, 47],
          [5, 47.01],
          [5, 47],
        ],
      ],
    };
    const bad = await upload(
      tr.officer.token,
      tr.id,
      'zones',
      fc([
        { type: 'Feature', properties: { name: 'Cap Nord' }, geometry: poly(5) },
        { type: 'Feature', properties: { name: 'Nœud' }, geometry: bowtie },
        { type: 'Feature', properties: {}, geometry: poly(5.1) },
      ]),
      { type: 'application/geo+json' },
    );
    expect(bad.body_.status).toBe('dry_run_failed');
    expect((bad.body_.problems as Json[]).map((p) => [p.row, p.column])).toEqual([
      [2, 'geometry'],
      [3, 'properties.name'],
    ]);
    const good = fc([
      { type: 'Feature', properties: { name: 'Cap Nord' }, geometry: poly(5) },
      { type: 'Feature', properties: { nom: 'Grand Sud' }, geometry: poly(5.1) },
    ]);
    const done = await uploadAndCommit(tr.officer.token, tr.id, 'zones', good, 'application/json');
    expect(done.summary).toMatchObject({ zonesCreated: 2 });
    const again = await uploadAndCommit(tr.officer.token, tr.id, 'zones', good, 'application/json');
    expect(again.summary).toMatchObject({ zonesCreated: 0, zonesUnchanged: 2 });
    expect(await count('zone', tr.id)).toBe(2);
  });
});

describe('bad files: a clear error, nothing written', () => {
  it('refuses empty, headless, binary, UTF-16 files and missing columns with 422', async () => {
    const tr = await territory();
    const cases: [Buffer | string, string, string][] = [
      ['', 'invalid_file', 'Fichier vide'],
      ['\n\n', 'invalid_file', 'Fichier vide'],
      ['siret;raison_sociale;code_naf\n', 'invalid_file', 'Fichier sans aucune ligne'],
      ['siret;nom\n12;x\n', 'missing_columns', 'raison_sociale, code_naf'],
      [Buffer.from([0x00, 0x01, 0x02, 0xff, 0x10, 0x00]), 'invalid_file', 'Encodage non reconnu'],
      [Buffer.from('\ufeffsiret;raison_sociale;code_naf\n', 'utf16le'), 'invalid_file', 'UTF-16'],
      [Buffer.from('PK\u0003\u0004 pas un classeur'), 'invalid_file', 'Classeur XLSX illisible'],
      ['siret;raison_sociale;code_naf\n"ouvert;x;y\n', 'invalid_file', 'CSV illisible'],
    ];
    for (const [body, code, detail] of cases) {
      const res = await upload(tr.officer.token, tr.id, 'companies', body);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body_.code).toBe(code);
      expect(res.body_.detail).toContain(detail);
    }
    const zones = await upload(tr.officer.token, tr.id, 'zones', '{"type":"Feature"}', {
      type: 'application/json',
    });
    expect(zones.statusCode).toBe(422);
    expect(await count('data_import', tr.id)).toBe(0);
  });

  it('accepts Windows-1252 with commas and decimal commas', async () => {
    const tr = await territory();
    const s = uniqSiret();
    const text = `siret,raison_sociale,code_naf,longitude,latitude\n${s},Société Générale d'Éléments,10.51C,"5,04","47,32"\n`;
    const done = await uploadAndCommit(
      tr.officer.token,
      tr.id,
      'companies',
      iconv.encode(text, 'win1252'),
    );
    expect(done.summary).toMatchObject({ companiesCreated: 1 });
    const r = await sql<{
      name: string;
    }>`select name from company where territory_id = ${tr.id}`.execute(t.database.db);
    expect(r.rows[0]!.name).toBe('Société Générale d’Éléments'.replace('’', "'"));
  });

  it('refuses a body over 100 MB with 413 problem+json', async () => {
    const tr = await territory();
    const big = Buffer.alloc(100 * 1024 * 1024 + 1, 0x41);
    const res = await upload(tr.officer.token, tr.id, 'companies', big);
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body_.code).toBe('payload_too_large');
    expect(await count('data_import', tr.id)).toBe(0);
  });

  it('refuses formulas in XLSX cells as row-level problems, never evaluating them', async () => {
    const tr = await territory();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('entreprises');
    ws.addRow(['siret', 'raison_sociale', 'code_naf']);
    ws.addRow([uniqSiret(), 'Bonne', '10.51C']);
    ws.addRow([uniqSiret(), { formula: 'CONCATENATE("A","B")', result: 'AB' }, '10.51C']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const up = await upload(tr.officer.token, tr.id, 'companies', buf, {
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.body_.status).toBe('dry_run_failed');
    expect((up.body_.problems as Json[]).map((p) => [p.row, p.column, p.message])).toEqual([
      [3, 'raison_sociale', expect.stringMatching(/^formule refusée/)],
    ]);
    expect((await commit(tr.officer.token, up.body_.id as string)).statusCode).toBe(409);
    expect(await count('company', tr.id)).toBe(0);
  });
});

describe('large imports through the worker', () => {
  it('commits in the background (202) with progress, all rows at once', async () => {
    const tr = await territory();
    const sirets = Array.from({ length: 30 }, () => uniqSiret());
    const companies = [
      COMPANIES_HEADER,
      ...sirets.map((s, i) => `${s};Entreprise ${i};16.24Z;;;;;non`),
    ].join('\n');
    const up = await upload(tr.officer.token, tr.id, 'companies', companies);
    expect(up.body_).toMatchObject({ status: 'ready', rowsTotal: 30, rowsDone: 0 });
    const c = await commit(tr.officer.token, up.body_.id as string);
    expect(c.statusCode, c.body).toBe(202);
    expect(c.body_.status).toBe('committing');
    const done = await waitFor(async () => {
      const r = await call(t.app, tr.officer.token, {
        method: 'GET',
        url: `/v1/imports/${up.body_.id as string}`,
      });
      return r.body_.status === 'committed' ? r.body_ : null;
    });
    expect(done).toMatchObject({ rowsDone: 30, progress: 100, summary: { companiesCreated: 30 } });
    expect(await count('company', tr.id)).toBe(30);
    const audit = await sql<{ n: number }>`select count(*)::int as n from audit_log
      where entity = 'import' and entity_id = ${up.body_.id as string} and action = 'commit'`.execute(
      t.database.db,
    );
    expect(audit.rows[0]!.n).toBe(1);
  });

  it('writes flows over several COPY batches in one transaction, positions in file order', async () => {
    const tr = await territory();
    const sirets = [uniqSiret(), uniqSiret(), uniqSiret()];
    await uploadAndCommit(
      tr.officer.token,
      tr.id,
      'companies',
      [COMPANIES_HEADER, ...sirets.slice(0, 2).map((s, i) => `${s};E${i};16.24Z;;;;;non`)].join(
        '\n',
      ),
    );
    const n = FLOW_BATCH + 7;
    const flows = [
      'siret;date_visite;type_flux;code_ressource;libellé;quantité;unité;période',
      ...Array.from(
        { length: n },
        (_, i) => `${sirets[i % 2]};2024-06-01;entrant;ENE.ELEC;Compteur ${i};${i};MWh;an`,
      ),
    ];
    // A company unknown on the last row: nothing at all is written.
    const bad = await upload(
      tr.officer.token,
      tr.id,
      'diagnostics',
      [...flows, `${sirets[2]};2024-06-01;entrant;ENE.ELEC;X;1;MWh;an`].join('\n'),
    );
    expect(bad.body_.status).toBe('dry_run_failed');
    expect((await commit(tr.officer.token, bad.body_.id as string)).statusCode).toBe(409);
    expect(await count('flow', tr.id)).toBe(0);

    const up = await upload(tr.officer.token, tr.id, 'diagnostics', flows.join('\n'));
    expect(up.body_).toMatchObject({ status: 'ready', rowsTotal: n });
    const c = await commit(tr.officer.token, up.body_.id as string);
    expect(c.statusCode, c.body).toBe(202);
    const done = await waitFor(async () => {
      const r = await call(t.app, tr.officer.token, {
        method: 'GET',
        url: `/v1/imports/${up.body_.id as string}`,
      });
      return r.body_.status === 'committed' ? r.body_ : null;
    }, 60_000);
    expect(done).toMatchObject({
      rowsDone: n,
      progress: 100,
      summary: { diagnosticsCreated: 2, flowsCreated: n },
    });
    const r = await sql<{ siret: string; flows: number; first: string; positions_ok: boolean }>`
      select c.siret, count(*)::int as flows,
             (array_agg(f.label order by f.position))[1] as first,
             max(f.position) = count(*) - 1 as positions_ok
      from flow f join company c on c.id = f.company_id
      where f.territory_id = ${tr.id} group by c.siret order by c.siret`.execute(t.database.db);
    expect(r.rows).toEqual(
      sirets
        .slice(0, 2)
        .map((s, i) => ({
          siret: s,
          flows: Math.ceil((n - i) / 2),
          first: `Compteur ${i}`,
          positions_ok: true,
        }))
        .sort((a, b) => a.siret.localeCompare(b.siret)),
    );
  });
});
