import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApp, type TestContext } from '../helpers/app.ts';
import { countRows } from '../helpers/db.ts';
import {
  makeCompany,
  makeSiret,
  makeTerritory,
  makeUser,
  makeZone,
  square,
  type TestUser,
} from '../helpers/factories.ts';

let t: TestContext;
let admin: TestUser;
let officer: TestUser;
let territoryId: string;
beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.database.db, { role: 'admin' });
  territoryId = (await makeTerritory(t.app, admin.token)).id;
  officer = await makeUser(t.database.db, { role: 'officer', territoryIds: [territoryId] });
});
afterAll(async () => t?.close());

const companyCount = () => countRows(t.database.db, 'company');

describe('companies', () => {
  it('registers a company: SIRET with spaces, compact NAF, zone derived from the location', async () => {
    const zone = await makeZone(t.app, officer.token, territoryId, {
      name: 'Vital’Est',
      geometry: square(5.08, 47.32),
    });
    const siret = makeSiret();
    const res = await call(t.app, officer.token, {
      method: 'POST',
      url: `/v1/territories/${territoryId}/companies`,
      payload: {
        siret: `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`,
        name: 'Boulangerie du Parc',
        nafCode: '1071a',
        headcountBand: '10-49',
        address: '3 rue des Artisans, 21000 Dijon',
        location: { type: 'Point', coordinates: [5.081, 47.321] },
        isEss: true,
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.body_).toMatchObject({
      siret,
      nafCode: '10.71A',
      nafLabel: expect.stringMatching(/pain et de pâtisserie/),
      zoneId: zone.id,
      zoneName: 'Vital’Est',
      isEss: true,
      location: { type: 'Point', coordinates: [5.081, 47.321] },
    });

    const moved = await call(t.app, officer.token, {
      method: 'PATCH',
      url: `/v1/companies/${res.body_.id as string}`,
      payload: { location: { type: 'Point', coordinates: [4.9, 47.1] } },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.body_.zoneId).toBeNull();
  });

  it('answers 422 for a SIRET failing Luhn and an unknown NAF, 409 for a duplicate SIRET, writing nothing', async () => {
    const before = await companyCount();
    const good = makeSiret();
    const badLuhn = `${good.slice(0, 13)}${(Number(good[13]) + 1) % 10}`;
    const luhn = await call(t.app, officer.token, {
      method: 'POST',
      url: `/v1/territories/${territoryId}/companies`,
      payload: { siret: badLuhn, name: 'A', nafCode: '16.24Z' },
    });
    expect(luhn.statusCode).toBe(422);
    expect(luhn.body_.code).toBe('invalid_siret');

    const naf = await call(t.app, officer.token, {
      method: 'POST',
      url: `/v1/territories/${territoryId}/companies`,
      payload: { siret: good, name: 'A', nafCode: '99.99Z' },
    });
    expect(naf.statusCode).toBe(422);
    expect(naf.body_.code).toBe('unknown_naf');
    expect(naf.body_.errors[0].path).toBe('body.nafCode');

    const short = await call(t.app, officer.token, {
      method: 'POST',
      url: `/v1/territories/${territoryId}/companies`,
      payload: { siret: '123', name: 'A', nafCode: '16.24Z' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.body_.errors[0].path).toBe('body.siret');
    expect(await companyCount()).toBe(before);

    await makeCompany(t.app, officer.token, territoryId, { siret: good });
    const dup = await call(t.app, officer.token, {
      method: 'POST',
      url: `/v1/territories/${territoryId}/companies`,
      payload: { siret: good, name: 'Doublon', nafCode: '16.24Z' },
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.body_.code).toBe('duplicate_siret');
    expect(await companyCount()).toBe(before + 1);

    // The same SIRET is allowed in another territory (one programme does not see another's).
    const other = await makeTerritory(t.app, admin.token);
    const elsewhere = await makeCompany(t.app, admin.token, other.id, { siret: good });
    expect(elsewhere.siret).toBe(good);
  });

  it('lists with filters (zone, NAF prefix, name search without accents) and cursor pagination', async () => {
    const territory = await makeTerritory(t.app, admin.token);
    const zone = await makeZone(t.app, admin.token, territory.id, { geometry: square(5.0, 47.0) });
    const names = [
      'Brasserie Étoile',
      'Scierie Martin',
      'Laiterie du Val',
      'Métallerie Roux',
      'Imprimerie Centrale',
    ];
    const nafs = ['11.05Z', '16.10A', '10.51A', '25.11Z', '18.12Z'];
    for (let i = 0; i < names.length; i++) {
      await makeCompany(t.app, admin.token, territory.id, {
        name: names[i],
        nafCode: nafs[i],
        location: { type: 'Point', coordinates: i < 3 ? [5.0, 47.0] : [6, 48] },
      });
    }
    const url = `/v1/territories/${territory.id as string}/companies`;
    const byZone = await call(t.app, admin.token, {
      method: 'GET',
      url: `${url}?zoneId=${zone.id as string}`,
    });
    expect(byZone.body_.items.map((c: { name: string }) => c.name)).toEqual([
      'Brasserie Étoile',
      'Laiterie du Val',
      'Scierie Martin',
    ]);
    const byNaf = await call(t.app, admin.token, { method: 'GET', url: `${url}?naf=10` });
    expect(byNaf.body_.items.map((c: { name: string }) => c.name)).toEqual(['Laiterie du Val']);
    const byName = await call(t.app, admin.token, { method: 'GET', url: `${url}?q=etoile` });
    expect(byName.body_.items.map((c: { name: string }) => c.name)).toEqual(['Brasserie Étoile']);

    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof call>> = await call(t.app, admin.token, {
        method: 'GET',
        url: `${url}?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(res.body_.items.length).toBeLessThanOrEqual(2);
      all.push(...res.body_.items.map((c: { name: string }) => c.name));
      cursor = res.body_.nextCursor as string | null;
    } while (cursor);
    expect(all).toEqual([...names].sort());

    const badLimit = await call(t.app, admin.token, { method: 'GET', url: `${url}?limit=5000` });
    expect(badLimit.statusCode).toBe(400);
    // Schema messages are French (zod's French locale, set once for the API).
    expect(badLimit.body_.errors[0]).toMatchObject({ path: 'querystring.limit' });
    expect(badLimit.body_.errors[0].message).toMatch(/^Trop grand/);
  });
});
