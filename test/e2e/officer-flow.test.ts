// An officer, in a real browser against the real API, database and worker: logs in,
// creates a company (inline SIRET and NAF checks), enters a diagnostic with several
// flows from the keyboard, validates it, runs matching and sees a proposal appear.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { call, type Json } from '../helpers/app.ts';
import {
  TEST_PASSWORD,
  makeCompany,
  makeDiagnostic,
  makeSiret,
  makeTerritory,
  makeUser,
  makeZone,
  square,
} from '../helpers/factories.ts';
import { launchBrowser, login, shot, startServer, type Browser, type Server } from './browser.ts';

let s: Server;
let b: Browser;
let page: Page;
let officer: { email: string; token: string };
let territory: Json;
let repairer: Json;
const companyName = `Menuiserie Dupont ${Date.now()}`;
const siret = makeSiret();

beforeAll(async () => {
  s = await startServer();
  const { app, database } = s.t;
  const admin = await makeUser(database.db, { role: 'admin' });
  territory = await makeTerritory(app, admin.token, { name: 'Val de Saône' });
  officer = await makeUser(database.db, {
    role: 'officer',
    territoryIds: [territory.id],
    email: `chargee-${Date.now()}@example.test`,
  });
  await makeZone(app, officer.token, territory.id, {
    name: 'ZA des Tilleuls',
    geometry: square(5.03, 47.35, 0.01),
  });
  // The counterpart the matching should find: a pallet repairer next door.
  repairer = await makeCompany(app, officer.token, territory.id, {
    name: 'Atelier Palettes Solidaires',
    nafCode: '16.24Z',
    location: { type: 'Point', coordinates: [5.032, 47.351] },
  });
  await makeDiagnostic(app, officer.token, repairer.id, {
    validate: true,
    flows: [
      {
        kind: 'input',
        resourceCode: 'LOG.PAL.BROKEN',
        quantity: 5000,
        unit: 'unit',
        period: 'year',
      },
    ],
  });
  b = await launchBrowser();
  page = b.page;
}, 120_000);

afterEach(async (ctx) => {
  // A failing step leaves its page for a person to look at.
  if (ctx.task.result?.state === 'fail' && page) {
    await shot(page, `echec-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  }
});

afterAll(async () => {
  await b?.close();
  await s?.close();
});

/** Picks a resource in the flow table's combobox from the keyboard: type, ↓ until the option, Entrée. */
async function pickResource(row: number, text: string, option: RegExp) {
  const box = page.getByRole('combobox', { name: `Ressource, ligne ${row}` });
  await box.fill(text);
  await page.getByRole('option', { name: option }).first().waitFor();
  const active = page.locator('[role="option"][aria-selected="true"]');
  for (let i = 0; i < 12 && !option.test((await active.textContent()) ?? ''); i++) {
    await box.press('ArrowDown');
  }
  expect(await active.textContent()).toMatch(option);
  await box.press('Enter');
  await expect.poll(() => box.inputValue()).toMatch(option);
}

describe('officer in the browser', { timeout: 180_000 }, () => {
  it('serves the application under /app/ and logs the officer in', async () => {
    await login(page, s.base, officer.email, TEST_PASSWORD);
    await page.getByRole('heading', { name: /Tableau de bord — Val de Saône/ }).waitFor();
    expect(page.url()).toBe(`${s.base}/app/`);
    await page.getByRole('region', { name: /Carte des zones/ }).waitFor();
    // The basemap (Natural Earth), the zone and the company are drawn as SVG paths.
    await page.locator('.map[data-basemap="ready"]').waitFor();
    await expect.poll(() => page.locator('.map path').count()).toBeGreaterThan(3);
    await expect(
      page.locator('dl.kpis div', { hasText: 'Entreprises' }).locator('dd').textContent(),
    ).resolves.toBe('1');
    await shot(page, '01-tableau-de-bord');
  });

  it('creates a company with inline SIRET and NAF checks', async () => {
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Entreprises' })
      .click();
    await page.getByRole('heading', { name: 'Entreprises', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Nouvelle entreprise' }).click();

    const siretBox = page.getByLabel('SIRET');
    await siretBox.fill('12345678901234');
    await siretBox.blur();
    await page.getByText('clé de contrôle invalide').waitFor();
    expect(await siretBox.getAttribute('aria-invalid')).toBe('true');
    await siretBox.fill(
      `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`,
    );
    await expect.poll(() => page.getByText('clé de contrôle invalide').count()).toBe(0);

    await page.getByLabel('Raison sociale').fill(companyName);
    const naf = page.getByLabel('Code NAF');
    await naf.fill('99.99Z');
    await page.getByText('code NAF inconnu').waitFor();
    await naf.fill('16.23Z');
    await page.getByText(/✓ Fabrication de charpentes/).waitFor();
    await page.getByLabel('Latitude').fill('47,3502');
    await page.getByLabel('Longitude').fill('5.0305');
    await page.getByLabel('Structure de l’économie sociale et solidaire').check();
    await shot(page, '02-nouvelle-entreprise');
    await page.getByRole('button', { name: 'Enregistrer' }).click();

    await page.getByRole('heading', { name: companyName, level: 1 }).waitFor();
    await page.getByText('ZA des Tilleuls').waitFor();
    const list = await call(s.t.app, officer.token, {
      method: 'GET',
      url: `/v1/territories/${territory.id}/companies?q=${encodeURIComponent(companyName)}`,
    });
    expect(list.body_.items).toHaveLength(1);
    expect(list.body_.items[0]).toMatchObject({ siret, nafCode: '16.23Z', isEss: true });

    // The list finds it by SIRET; the ESS filter keeps or hides it.
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Entreprises' })
      .click();
    await page.getByLabel('Recherche (nom ou SIRET)').fill(siret);
    await page.getByRole('link', { name: companyName }).waitFor();
    await expect.poll(() => page.getByRole('table').getByRole('row').count()).toBe(2);
    await page.getByLabel('Économie sociale et solidaire').selectOption('false');
    await expect.poll(() => page.getByRole('link', { name: companyName }).count()).toBe(0);
    await page.getByLabel('Économie sociale et solidaire').selectOption('true');
    await page.getByRole('link', { name: companyName }).waitFor();
    await shot(page, '02b-liste-entreprises');
    await page.getByRole('link', { name: companyName }).click();
    await page.getByRole('heading', { name: companyName, level: 1 }).waitFor();

    // Edit: the form comes back filled in; the change is saved with PATCH.
    await page.getByRole('link', { name: 'Modifier' }).click();
    await page.getByRole('heading', { name: `Modifier ${companyName}` }).waitFor();
    expect(await page.getByLabel('Code NAF').inputValue()).toBe('16.23Z');
    await page.getByLabel('Adresse').fill('12 rue des Tilleuls, 21000 Dijon');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('heading', { name: companyName, level: 1 }).waitFor();
    await page.getByText('12 rue des Tilleuls, 21000 Dijon').waitFor();
  });

  it('enters a diagnostic with several flows from the keyboard, saves the draft and validates it', async () => {
    await page.getByRole('link', { name: 'Saisir un diagnostic' }).click();
    await page.getByRole('heading', { name: /Diagnostic —/ }).waitFor();

    // Line 1: broken pallets given away (the repairer needs them).
    await page.getByRole('combobox', { name: 'Type, ligne 1' }).selectOption('output');
    await pickResource(1, 'palette à réparer', /Palette usagée à réparer/);
    // After a choice, focus is on the label; Entrée moves cell to cell.
    const label1 = page.getByRole('textbox', { name: 'Libellé, ligne 1' });
    await expect
      .poll(() => label1.evaluate((el: any) => el === el.ownerDocument.activeElement))
      .toBe(true);
    await page.keyboard.type('Palettes cassées du quai');
    await page.keyboard.press('Enter');
    await page.keyboard.type('abc');
    await page.keyboard.press('Enter');
    // Client-side check, shown in the cell.
    await page.getByText('nombre positif attendu').waitFor();
    await page.getByRole('textbox', { name: 'Quantité, ligne 1' }).fill('1200');
    expect(await page.getByRole('combobox', { name: 'Unité, ligne 1' }).inputValue()).toBe('unit');

    // Line 2: wooden packaging waste, per month.
    await page.getByRole('combobox', { name: 'Type, ligne 2' }).selectOption('waste');
    await pickResource(2, 'emballages en bois', /15 01 03/);
    await page.keyboard.type('Caisses bois');
    await page.keyboard.press('Enter');
    await page.keyboard.type('2');
    await page.getByRole('combobox', { name: 'Unité, ligne 2' }).selectOption('t');
    await page.getByRole('combobox', { name: 'Période, ligne 2' }).selectOption('month');

    // Ctrl+Entrée adds line 3: electricity bought.
    await page.getByRole('textbox', { name: 'Coût annuel en euros, ligne 2' }).focus();
    await page.keyboard.press('Control+Enter');
    await page.getByRole('combobox', { name: 'Ressource, ligne 3' }).waitFor();
    await page.getByRole('combobox', { name: 'Type, ligne 3' }).selectOption('input');
    await pickResource(3, 'électricité', /^ENE\.ELEC\W+Électricité/);
    await page.getByRole('textbox', { name: 'Quantité, ligne 3' }).fill('850');
    await page.getByRole('combobox', { name: 'Unité, ligne 3' }).selectOption('MWh');
    await page.getByRole('textbox', { name: 'Coût annuel en euros, ligne 3' }).fill('127 500');

    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    await page.getByText(/Version 1 · brouillon/).waitFor();
    await expect.poll(() => page.getByText('modifications non enregistrées').count()).toBe(0);
    await shot(page, '03-diagnostic-brouillon');

    await page.getByRole('button', { name: 'Valider le diagnostic' }).click();
    await page.getByText('Diagnostic validé.', { exact: false }).waitFor();
    await page.getByText(/Version 1 · validé/).waitFor();

    const company = (
      await call(s.t.app, officer.token, {
        method: 'GET',
        url: `/v1/territories/${territory.id}/companies?q=${encodeURIComponent(companyName)}`,
      })
    ).body_.items[0];
    const diags = await call(s.t.app, officer.token, {
      method: 'GET',
      url: `/v1/companies/${company.id}/diagnostics`,
    });
    expect(diags.body_.items).toHaveLength(1);
    expect(diags.body_.items[0]).toMatchObject({ status: 'validated', flowCount: 3 });
    const d = await call(s.t.app, officer.token, {
      method: 'GET',
      url: `/v1/diagnostics/${diags.body_.items[0].id}`,
    });
    expect(
      d.body_.flows.map((f: Json) => [f.kind, f.resourceCode, f.quantity, f.unit, f.period]),
    ).toEqual([
      ['output', 'LOG.PAL.BROKEN', 1200, 'unit', 'year'],
      ['waste', '150103', 2, 't', 'month'],
      ['input', 'ENE.ELEC', 850, 'MWh', 'year'],
    ]);
    expect(d.body_.flows[2].costEurPerYear).toBe(127500);
  });

  it('shows an API validation error inline and keeps the draft unchanged', async () => {
    // A draft whose flow the API refuses: a unit of another dimension (typed by hand in the API).
    const company = (
      await call(s.t.app, officer.token, {
        method: 'GET',
        url: `/v1/territories/${territory.id}/companies?q=${encodeURIComponent(companyName)}`,
      })
    ).body_.items[0];
    await page.goto(`${s.base}/app/entreprises/${company.id}/diagnostic`);
    await page.getByRole('heading', { name: /Diagnostic —/ }).waitFor();
    // The new version starts from the validated flows. A quantity over the API's bound
    // (1e12) passes the browser's checks; the API answers 400 with the field path.
    await page.getByRole('textbox', { name: 'Quantité, ligne 3' }).fill('5000000000000');
    await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
    await page.getByRole('alert').waitFor();
    const qty3 = page.getByRole('textbox', { name: 'Quantité, ligne 3' });
    await expect.poll(() => qty3.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await qty3.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/1000000000000/);
    expect(await page.getByRole('alert').textContent()).toContain('flows.2.quantity');
    // The other cells are not flagged.
    expect(
      await page.getByRole('textbox', { name: 'Quantité, ligne 1' }).getAttribute('aria-invalid'),
    ).toBeNull();
    await shot(page, '04-diagnostic-erreur-api');
    const diags = await call(s.t.app, officer.token, {
      method: 'GET',
      url: `/v1/companies/${company.id}/diagnostics`,
    });
    expect(diags.body_.items.map((x: Json) => x.status)).toEqual(['validated']);
  });

  it('launches a match run with a progress bar and sees the proposal appear', async () => {
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Synergies' })
      .click();
    await page.getByRole('heading', { name: 'Synergies', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Lancer une passe complète' }).click();
    await page.getByRole('progressbar', { name: 'Avancement de la passe' }).waitFor();
    await page.getByText(/Passe terminée : \d+ propositions/).waitFor({ timeout: 60_000 });
    expect(
      await page.getByRole('progressbar', { name: 'Avancement de la passe' }).getAttribute('value'),
    ).toBe('100');

    const table = page.getByRole('table', { name: 'Propositions de synergie' });
    const row = table.getByRole('row').filter({ hasText: 'Palette usagée à réparer' }).filter({
      hasText: companyName,
    });
    await row.first().waitFor();
    expect(await row.first().textContent()).toContain('Atelier Palettes Solidaires');
    await shot(page, '05-synergies');

    // Filters: the mutualisation filter hides it.
    await page.getByLabel('Type').selectOption('mutualisation');
    await expect.poll(() => row.count()).toBe(0);
    await page.getByLabel('Type').selectOption('substitution');
    await row.first().waitFor();

    await row.first().getByRole('link').click();
    await page.getByRole('heading', { name: /Substitution — Palette usagée à réparer/ }).waitFor();
    await page.getByRole('heading', { name: /Score : / }).waitFor();
    await page.getByRole('rowheader', { name: 'Distance' }).waitFor();
    await page.getByRole('heading', { name: 'Gains estimés' }).waitFor();
    await page.getByLabel('Nouvel état').waitFor();
    await shot(page, '06-synergie');

    const listed = await call(s.t.app, officer.token, {
      method: 'GET',
      url: `/v1/territories/${territory.id}/synergies?resourceCode=LOG.PAL.BROKEN`,
    });
    expect(
      listed.body_.items.some((x: Json) =>
        x.participants.some((p: Json) => p.companyId === repairer.id),
      ),
    ).toBe(true);
  });

  it('a user of the new company logs in and reads its validated diagnostic', async () => {
    const company = (
      await call(s.t.app, officer.token, {
        method: 'GET',
        url: `/v1/territories/${territory.id}/companies?q=${encodeURIComponent(companyName)}`,
      })
    ).body_.items[0];
    const user = await makeUser(s.t.database.db, {
      role: 'company',
      companyId: company.id,
      email: `contact-${Date.now()}@example.test`,
    });
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await login(page, s.base, user.email, TEST_PASSWORD);
    await page.getByRole('heading', { name: `Mes propositions — ${companyName}` }).waitFor();
    // The company's menu has no officer pages.
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    expect(await nav.getByRole('link').allTextContents()).toEqual([
      'Mes propositions',
      'Mon diagnostic',
    ]);
    await nav.getByRole('link', { name: 'Mon diagnostic' }).click();
    await page.getByRole('heading', { name: 'Mon diagnostic' }).waitFor();
    await page.getByRole('cell', { name: /Palette usagée à réparer/ }).waitFor();
    expect(await page.getByRole('row').count()).toBe(4);
    await shot(page, '07-portail-diagnostic');
  });

  it('keeps the API as it was: /v1 needs a token, unknown files under /app/ are 404', async () => {
    const res = await fetch(`${s.base}/v1/me`);
    expect(res.status).toBe(401);
    expect((await fetch(`${s.base}/app/assets/nope.js`)).status).toBe(404);
    const deep = await fetch(`${s.base}/app/entreprises/quelque-chose`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
  });
});
