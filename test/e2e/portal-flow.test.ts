// The synergy lifecycle, the company portal and working groups in a real browser,
// against the real API, database and worker (like officer-flow.test.ts).
//
// An officer moves a proposal to « À l’étude » (two steps: qualified, then under study);
// the supplier's user sees it with the counterpart anonymous (no name, SIRET, address or
// e-mail in the page) and asks for an introduction; the receiver's user sees that answer,
// asks too, and both then see each other's identity. Then the officer creates a working
// group, adds both companies, sees their pooled volumes and downloads the CSV, moves
// the synergy to « En cours », records its realised gains, and finds it in the follow-up
// list once its history is 100 days old.
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { call, type Json } from '../helpers/app.ts';
import {
  TEST_PASSWORD,
  makeCompany,
  makeDiagnostic,
  makeTerritory,
  makeUser,
  makeZone,
  square,
} from '../helpers/factories.ts';
import { waitFor } from '../helpers/wait.ts';
import { launchBrowser, login, shot, startServer, type Browser, type Server } from './browser.ts';

let s: Server;
let b: Browser;
let page: Page;
let officer: { email: string; token: string };
let supplierUser: { email: string };
let receiverUser: { email: string };
let supplier: Json;
let receiver: Json;
let synergy: Json;
const stamp = Date.now();
const supplierName = `Scierie du Val ${stamp}`;
const receiverName = `Atelier Palettes Solidaires ${stamp}`;
const receiverAddress = `${stamp % 1000} rue des Tilleuls, 21000 Dijon`;
const receiverEmail = `palettes-${stamp}@example.test`;
const groupName = `Palettes ZA des Tilleuls ${stamp}`;

beforeAll(async () => {
  s = await startServer();
  const { app, database } = s.t;
  const admin = await makeUser(database.db, { role: 'admin' });
  const territory = await makeTerritory(app, admin.token, { name: 'Val de Saône' });
  officer = await makeUser(database.db, {
    role: 'officer',
    territoryIds: [territory.id],
    email: `chargee-${stamp}@example.test`,
  });
  await makeZone(app, officer.token, territory.id, {
    name: 'ZA des Tilleuls',
    geometry: square(5.03, 47.35, 0.01),
  });
  supplier = await makeCompany(app, officer.token, territory.id, {
    name: supplierName,
    nafCode: '16.10A',
    address: '2 chemin de la Scierie, 21000 Dijon',
    location: { type: 'Point', coordinates: [5.03, 47.35] },
  });
  receiver = await makeCompany(app, officer.token, territory.id, {
    name: receiverName,
    nafCode: '16.24Z',
    address: receiverAddress,
    contactEmail: receiverEmail,
    location: { type: 'Point', coordinates: [5.032, 47.351] },
  });
  const pallets = (kind: string, quantity: number) => ({
    kind,
    resourceCode: 'LOG.PAL.BROKEN',
    quantity,
    unit: 'unit',
    period: 'year',
  });
  await makeDiagnostic(app, officer.token, receiver.id, {
    validate: true,
    flows: [pallets('input', 5000)],
  });
  await makeDiagnostic(app, officer.token, supplier.id, {
    validate: true,
    flows: [pallets('output', 1200)],
  });
  synergy = await waitFor(async () => {
    const r = await call(app, officer.token, {
      method: 'GET',
      url: `/v1/territories/${territory.id}/synergies?resourceCode=LOG.PAL.BROKEN`,
    });
    return r.body_.items?.[0] ?? null;
  }, 30_000);
  supplierUser = await makeUser(database.db, {
    role: 'company',
    companyId: supplier.id,
    email: `contact-${stamp}@example.test`,
  });
  receiverUser = await makeUser(database.db, {
    role: 'company',
    companyId: receiver.id,
    email: `atelier-${stamp}@example.test`,
  });
  b = await launchBrowser();
  page = b.page;
}, 120_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && page) {
    await shot(page, `echec-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
  }
});

afterAll(async () => {
  await b?.close();
  await s?.close();
});

const text = () => page.locator('body').innerText();

async function logout() {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('button', { name: 'Se connecter' }).waitFor();
}

/** Nothing that identifies `c` anywhere in the page (text or markup). */
async function expectAnonymous(c: Json) {
  const [shown, html] = [await text(), await page.content()];
  for (const secret of [c.name, c.siret, c.address, c.contactEmail].filter(Boolean)) {
    expect(shown).not.toContain(secret);
    expect(html).not.toContain(secret);
  }
}

describe('proposal lifecycle and company portal in the browser', { timeout: 180_000 }, () => {
  it('the officer moves the proposal to « À l’étude » and sees it in the history', async () => {
    await login(page, s.base, officer.email, TEST_PASSWORD);
    await page.getByRole('heading', { name: /Tableau de bord/ }).waitFor();
    await page.goto(`${s.base}/app/synergies/${synergy.id as string}`);
    await page.getByRole('heading', { name: /Substitution — Palette usagée à réparer/ }).waitFor();

    // Only the transitions the API allows are offered (from GET /v1/synergy-lifecycle).
    const state = page.getByLabel('Nouvel état');
    await expect
      .poll(() => state.locator('option').allTextContents())
      .toEqual(['Choisir…', 'Qualifiée', 'Rejetée', 'Abandonnée']);
    await state.selectOption('qualified');
    await page.getByRole('button', { name: 'Changer l’état' }).click();
    await page.getByText('État enregistré : Qualifiée.').waitFor();

    await state.selectOption('under_study');
    await page.getByLabel('Commentaire').fill('Visite commune prévue le 12');
    await page.getByRole('button', { name: 'Changer l’état' }).click();
    await page.getByText('État enregistré : À l’étude.').waitFor();
    await page.locator('.page-head .badge', { hasText: 'À l’étude' }).waitFor();
    const history = page.getByRole('list', { name: 'Historique' });
    await history.getByText(/Proposée → Qualifiée/).waitFor();
    await history.getByText(/Qualifiée → À l’étude/).waitFor();
    await history.getByText('« Visite commune prévue le 12 »').waitFor();

    const after = await call(s.t.app, officer.token, {
      method: 'GET',
      url: `/v1/synergies/${synergy.id as string}`,
    });
    expect(after.body_.status).toBe('under_study');

    // A rejection needs a reason from the API's list: the button waits for one.
    await state.selectOption('rejected');
    const submit = page.getByRole('button', { name: 'Changer l’état' });
    expect(await submit.isDisabled()).toBe(true);
    await page.getByLabel('Motif').selectOption('economic');
    expect(await submit.isDisabled()).toBe(false);
    await state.selectOption('');
    await shot(page, '08-synergie-a-l-etude');
    await logout();
  });

  it('the supplier sees the proposal with the counterpart anonymous, and asks for an introduction', async () => {
    await login(page, s.base, supplierUser.email, TEST_PASSWORD);
    await page
      .getByRole('heading', { name: new RegExp(`Mes propositions — ${supplierName}`) })
      .waitFor();
    const card = page.getByRole('article', { name: /Palette usagée à réparer/ });
    await card.waitFor();
    await card.getByText('Entreprise anonyme').waitFor();
    await card
      .getByRole('listitem')
      .filter({ hasText: /secteur « / })
      .waitFor();
    await card.locator('.badge', { hasText: 'À l’étude' }).waitFor();
    await card
      .getByRole('listitem')
      .filter({ hasText: /à < 1 km/ })
      .waitFor();
    await page.getByRole('heading', { name: /Notifications/ }).waitFor();
    await expectAnonymous(receiver);
    await shot(page, '09-portail-entreprise');

    await card.getByRole('button', { name: 'Demander une mise en relation' }).click();
    await card.getByText('Votre réponse : Mise en relation demandée').waitFor();
    // Only one side asked: the counterpart stays anonymous.
    await card.getByText(/s’afficheront quand l’autre entreprise/).waitFor();
    await expectAnonymous(receiver);

    // Declining needs a reason from the API's list.
    await card.getByRole('button', { name: 'Décliner' }).click();
    const reason = card.getByLabel('Motif du refus');
    await expect.poll(() => reason.locator('option').count()).toBeGreaterThan(5);
    expect(await card.getByRole('button', { name: 'Confirmer le refus' }).isDisabled()).toBe(true);
    await card.getByRole('button', { name: 'Décliner' }).click();

    await page.getByRole('link', { name: 'Mon diagnostic' }).click();
    await page.getByRole('heading', { name: 'Mon diagnostic' }).waitFor();
    await page.getByRole('cell', { name: /Palette usagée à réparer/ }).waitFor();
    await shot(page, '10-portail-apres-reponse');
    await logout();
  });

  it('the receiver asks too: both companies then see each other', async () => {
    await login(page, s.base, receiverUser.email, TEST_PASSWORD);
    await page
      .getByRole('heading', { name: new RegExp(`Mes propositions — ${receiverName}`) })
      .waitFor();
    const card = page.getByRole('article', { name: /Palette usagée à réparer/ });
    await card.getByText(/sa réponse : Mise en relation demandée/).waitFor();
    // The supplier's answer reached the receiver's notifications.
    await page.locator('.notifications li.unread').first().waitFor();
    await expectAnonymous(supplier);

    await card.getByRole('button', { name: 'Demander une mise en relation' }).click();
    await card.getByText(/Mise en relation faite/).waitFor();
    await card.getByText(supplierName).waitFor();
    await card.getByText(new RegExp(`SIRET ${supplier.siret as string}`)).waitFor();
    await shot(page, '11-portail-mise-en-relation');
    await logout();

    await login(page, s.base, supplierUser.email, TEST_PASSWORD);
    const mine = page.getByRole('article', { name: /Palette usagée à réparer/ });
    await mine.getByText(receiverName).waitFor();
    await mine.getByText(new RegExp(receiverAddress)).waitFor();
    await mine.getByText(new RegExp(receiverEmail)).waitFor();
    await logout();
  });

  it('the officer creates a working group, adds members, sees pooled volumes and downloads the CSV', async () => {
    await login(page, s.base, officer.email, TEST_PASSWORD);
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Groupes de travail' })
      .click();
    await page.getByRole('heading', { name: 'Groupes de travail', level: 1 }).waitFor();
    await page.getByText('Aucun groupe.').waitFor();
    await page.getByLabel('Nom du groupe').fill(groupName);
    await page.getByLabel('Thème').selectOption('pallets');
    await page.getByRole('button', { name: 'Créer le groupe' }).click();
    await page.getByRole('heading', { name: groupName, level: 1 }).waitFor();
    await page.getByText('Aucun membre pour l’instant.').waitFor();

    for (const name of [supplierName, receiverName]) {
      await page.getByLabel('Ajouter une entreprise').selectOption({ label: name });
      await page.getByRole('button', { name: 'Ajouter', exact: true }).click();
      await page.getByText(`${name} ajoutée au groupe.`).waitFor();
    }
    await page.getByRole('heading', { name: 'Membres (2)' }).waitFor();

    const volumes = page.getByRole('table', { name: 'Volumes mutualisables par ressource' });
    await volumes.getByRole('row', { name: /Entrant.*Palette usagée à réparer.*5\s000/ }).waitFor();
    await volumes.getByRole('row', { name: /Sortant.*Palette usagée à réparer.*1\s200/ }).waitFor();

    await page.getByLabel('Date de la réunion').fill('2026-11-20');
    await page.getByLabel('Objet').fill('Lancement');
    await page.getByRole('checkbox', { name: supplierName }).check();
    await page.getByRole('button', { name: 'Enregistrer la réunion' }).click();
    await page.getByText('Réunion enregistrée.').waitFor();
    await page.getByText(`Présents : ${supplierName}`).waitFor();
    await shot(page, '12-groupe-de-travail');

    // The CSV is fetched with the bearer token and saved from a Blob.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Télécharger le CSV/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^volumes-palettes-za-des-tilleuls-\d+\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv).toContain(supplierName);
    expect(csv).toContain(receiver.siret as string);

    await page.getByRole('link', { name: '← Groupes de travail' }).click();
    await page.getByRole('row', { name: new RegExp(`${groupName}.*Palettes.*2`) }).waitFor();
  });

  it('the officer records realised gains once in progress, and the follow-up lists it when silent', async () => {
    const id = synergy.id as string;
    await page.goto(`${s.base}/app/synergies/${id}`);
    await page.getByLabel('Nouvel état').selectOption('in_progress');
    await page.getByRole('button', { name: 'Changer l’état' }).click();
    await page.getByText(/^État enregistré : En cours/).waitFor();

    const gains = page.getByRole('form', { name: 'Gains réalisés' });
    await page.getByText('Pas encore de mesure').waitFor();
    expect(await gains.getByLabel('Unité').inputValue()).toBe('unit');
    await gains.getByLabel('Quantité échangée / an').fill('1 100');
    await gains.getByLabel('Économies (€ / an)').fill('abc');
    await gains.getByRole('button', { name: 'Enregistrer les gains réalisés' }).click();
    await gains.getByText('nombre attendu').waitFor();
    await gains.getByLabel('Économies (€ / an)').fill('3 500,5');
    await gains.getByLabel('Emplois créés').fill('1');
    await gains.getByLabel('Date de la mesure').fill('2026-11-02');
    await gains.getByRole('button', { name: 'Enregistrer les gains réalisés' }).click();
    await page.getByText('Gains réalisés enregistrés.').waitFor();
    await page.getByText(/Mesure du 2 nov\. 2026/).waitFor();
    await shot(page, '13-gains-realises');
    const after = await call(s.t.app, officer.token, { method: 'GET', url: `/v1/synergies/${id}` });
    expect(after.body_.status).toBe('in_progress');
    expect(after.body_.realisedGains).toMatchObject({
      quantityPerYear: 1100,
      unit: 'unit',
      eurPerYear: 3500.5,
      jobsCreated: 1,
      jobsKept: null,
      measuredAt: '2026-11-02',
    });

    // Nothing silent yet; then the whole history is moved 100 days back.
    await page
      .getByRole('navigation', { name: 'Navigation principale' })
      .getByRole('link', { name: 'Suivi' })
      .click();
    await page.getByText('Tout est à jour').waitFor();
    await sql`update synergy_event set at = at - interval '100 days' where synergy_id = ${id}`.execute(
      s.t.database.db,
    );
    await sql`update synergy set created_at = created_at - interval '100 days' where id = ${id}`.execute(
      s.t.database.db,
    );
    await page.reload();
    const row = page.getByRole('row', { name: /Palette usagée à réparer/ });
    await row.getByText(/^10[01] j$/).waitFor();
    await row.getByText(supplierName, { exact: false }).waitFor();
    await page.getByLabel('Sans nouvelles depuis').selectOption('180');
    await page.getByText('Tout est à jour').waitFor();
    await shot(page, '14-suivi');
  });
});
