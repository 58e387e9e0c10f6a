import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApp, type TestContext } from '../helpers/app.ts';
import { countRows } from '../helpers/db.ts';
import {
  makeCompany,
  makeTerritory,
  makeUser,
  makeZone,
  square,
  type TestUser,
} from '../helpers/factories.ts';

let t: TestContext;
let admin: TestUser;
beforeAll(async () => {
  t = await startTestApp();
  admin = await makeUser(t.database.db, { role: 'admin' });
});
afterAll(async () => t?.close());

const count = (table: 'territory' | 'zone' | 'audit_log') => countRows(t.database.db, table);

describe('territories', () => {
  it('creates, reads, lists with pagination and renames a territory, with audit', async () => {
    const created = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/territories',
      payload: { slug: 'dijon-metropole', name: 'Dijon Métropole' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.body_).toMatchObject({ slug: 'dijon-metropole', name: 'Dijon Métropole' });
    const id = created.body_.id as string;

    for (let i = 0; i < 3; i++) await makeTerritory(t.app, admin.token);
    const page1 = await call(t.app, admin.token, { method: 'GET', url: '/v1/territories?limit=2' });
    expect(page1.body_.items).toHaveLength(2);
    expect(page1.body_.nextCursor).toBeTruthy();
    const page2 = await call(t.app, admin.token, {
      method: 'GET',
      url: `/v1/territories?limit=2&cursor=${page1.body_.nextCursor as string}`,
    });
    const seen = [...page1.body_.items, ...page2.body_.items].map((x: { id: string }) => x.id);
    expect(new Set(seen).size).toBe(seen.length);

    const renamed = await call(t.app, admin.token, {
      method: 'PATCH',
      url: `/v1/territories/${id}`,
      payload: { name: 'Dijon' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.body_.name).toBe('Dijon');
    const audit = await t.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity_id', '=', id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
    expect(audit[1]!.before).toMatchObject({ name: 'Dijon Métropole' });
    expect(audit[1]!.after).toMatchObject({ name: 'Dijon' });
    expect(audit[1]!.actor_user_id).toBe(admin.id);
  });

  it('refuses a duplicate slug (409), a bad slug (400 with the field) and a bad cursor (400)', async () => {
    const before = await count('territory');
    const dup = await makeTerritory(t.app, admin.token);
    const again = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/territories',
      payload: { slug: dup.slug, name: 'Xavier' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    const bad = await call(t.app, admin.token, {
      method: 'POST',
      url: '/v1/territories',
      payload: { slug: 'Pas Bon', name: 'Xavier' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body_.errors[0].path).toBe('body.slug');
    const cursor = await call(t.app, admin.token, {
      method: 'GET',
      url: '/v1/territories?cursor=nope',
    });
    expect(cursor.statusCode).toBe(400);
    expect(await count('territory')).toBe(before + 1);
  });
});

describe('zones (GeoJSON)', () => {
  it('stores a Polygon as a MultiPolygon, attaches companies inside it, and returns a FeatureCollection', async () => {
    const territory = await makeTerritory(t.app, admin.token);
    const officer = await makeUser(t.database.db, {
      role: 'officer',
      territoryIds: [territory.id],
    });
    const inside = await makeCompany(t.app, officer.token, territory.id, {
      location: { type: 'Point', coordinates: [5.031, 47.351] },
    });
    const outside = await makeCompany(t.app, officer.token, territory.id, {
      location: { type: 'Point', coordinates: [5.2, 47.5] },
    });
    expect(inside.zoneId).toBeNull();

    const zone = await makeZone(t.app, officer.token, territory.id, {
      name: 'Cap Nord',
      geometry: square(5.03, 47.35),
    });
    expect(zone.geometry.type).toBe('MultiPolygon');
    expect(zone.properties).toMatchObject({ name: 'Cap Nord', companyCount: 1 });
    expect(zone.properties.areaKm2).toBeGreaterThan(0.5);

    const insideAfter = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/companies/${inside.id as string}`,
    });
    expect(insideAfter.body_).toMatchObject({ zoneId: zone.id, zoneName: 'Cap Nord' });
    const outsideAfter = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/companies/${outside.id as string}`,
    });
    expect(outsideAfter.body_.zoneId).toBeNull();

    const fc = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/territories/${territory.id as string}/zones`,
    });
    expect(fc.body_.type).toBe('FeatureCollection');
    expect(fc.body_.features.map((f: { id: string }) => f.id)).toEqual([zone.id]);

    // Redrawing the zone away from the company detaches it.
    const moved = await call(t.app, officer.token, {
      method: 'PATCH',
      url: `/v1/zones/${zone.id as string}`,
      payload: { type: 'Feature', geometry: square(5.5, 47.0) },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.body_.properties.companyCount).toBe(0);

    const del = await call(t.app, officer.token, {
      method: 'DELETE',
      url: `/v1/zones/${zone.id as string}`,
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await call(t.app, officer.token, { method: 'GET', url: `/v1/zones/${zone.id as string}` }))
        .statusCode,
    ).toBe(404);
  });

  it('refuses a self-intersecting polygon with 422 and writes nothing', async () => {
    const territory = await makeTerritory(t.app, admin.token);
    const before = { zones: await count('zone'), audit: await count('audit_log') };
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [5.0, 47.0],
          [5.1, 47.1],
          [5.1, 47.0],
          [5.0, 47.1],
          [5.0, 47.0],
        ],
      ],
    };
    const res = await call(t.app, admin.token, {
      method: 'POST',
      url: `/v1/territories/${territory.id as string}/zones`,
      payload: { type: 'Feature', properties: { name: 'Nœud papillon' }, geometry: bowtie },
    });
    expect(res.statusCode).toBe(422);
    expect(res.body_.code).toBe('invalid_geometry');
    expect(res.body_.detail).toMatch(/Self-intersection/i);
    expect(await count('zone')).toBe(before.zones);
    expect(await count('audit_log')).toBe(before.audit);
  });

  it('refuses structurally invalid GeoJSON with 400 and the field path', async () => {
    const territory = await makeTerritory(t.app, admin.token);
    const cases = [
      {
        type: 'Feature',
        properties: { name: 'Ouvert' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [5, 47],
              [5.1, 47],
              [5.1, 47.1],
              [5.05, 47.2],
            ],
          ],
        },
      },
      {
        type: 'Feature',
        properties: { name: 'Trop court' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [5, 47],
              [5.1, 47],
              [5, 47],
            ],
          ],
        },
      },
      {
        type: 'Feature',
        properties: { name: 'Point' },
        geometry: { type: 'Point', coordinates: [5, 47] },
      },
      { type: 'Feature', properties: { name: 'Hors limites' }, geometry: square(200, 47) },
      { type: 'Feature', properties: {}, geometry: square(5, 47) },
    ];
    for (const payload of cases) {
      const res = await call(t.app, admin.token, {
        method: 'POST',
        url: `/v1/territories/${territory.id as string}/zones`,
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload.properties)).toBe(400);
      expect(res.body_.errors.length).toBeGreaterThan(0);
      expect(res.body_.errors[0].path).toMatch(/^body\./);
    }
  });

  it('refuses a duplicate zone name in a territory (409)', async () => {
    const territory = await makeTerritory(t.app, admin.token);
    await makeZone(t.app, admin.token, territory.id, { name: 'Grand Sud' });
    const res = await call(t.app, admin.token, {
      method: 'POST',
      url: `/v1/territories/${territory.id as string}/zones`,
      payload: {
        type: 'Feature',
        properties: { name: 'Grand Sud' },
        geometry: square(5.02, 47.29),
      },
    });
    expect(res.statusCode).toBe(409);
  });
});
