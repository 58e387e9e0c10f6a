// Browser tests: the real API listening on a port, the real worker, and Debian's
// Chromium driven by playwright-core (no downloaded browser build).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createRedis } from '../../services/core/src/redis.ts';
import { buildJobRegistry } from '../../services/worker/src/jobs.ts';
import { buildWorker, type RunningWorker } from '../../services/worker/src/worker.ts';
import { WEB_DIST } from '../../services/api/src/web/web.routes.ts';
import { startTestApp, type TestContext } from '../helpers/app.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

export interface Server {
  t: TestContext;
  base: string;
  close: () => Promise<void>;
}

/** API + worker on a fresh database, listening on a free port of 127.0.0.1. */
export async function startServer(): Promise<Server> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error('web/dist is missing: run `npm run web:build` (npm test does it)');
  }
  const t = await startTestApp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = t.app.server.address() as AddressInfo;
  const worker: RunningWorker = buildWorker(t.config, {
    db: t.database.db,
    redis: createRedis(t.config.REDIS_URL),
    registry: buildJobRegistry({ db: t.database.db }),
  });
  return {
    t,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      await worker.close();
      await t.close();
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close: () => Promise<void>;
}

/** Headless Chromium with a fresh profile, no network beyond the page's own origin. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: run \`npm test\` (it installs Debian's chromium) or apt-get install -y chromium`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'symbiose-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
    viewport: { width: 1360, height: 900 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Full-page screenshot into test-results/screenshots/ (for a person to look at). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Logs in through the login form. */
export async function login(page: Page, base: string, email: string, password: string) {
  await page.goto(`${base}/`);
  await page.getByLabel('Adresse électronique').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}
