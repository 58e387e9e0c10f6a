// Working groups on the real services: members, meetings, linked synergies,
// suggestions from the engine, pooled volumes against a hand-computed fixture
// (JSON and CSV), and what company users may read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeMatchRun } from '../../services/worker/src/matching/match-run.ts';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import { countRows } from '../helpers/db.ts';
import {
  makeCompany,
  makeDiagnostic,
  makeTerritory,
  makeUser,
  makeWorld,
} from '../helpers/factories.ts';

let t: TestContext;
let w: Awaited<ReturnType<typeof makeWorld>>;
let foreignCompanyId: string;
let m1: Json, m2: Json, m3: Json, m4: Json, outsider: Json;
let m1User: { token: string };

const flow = (
  kind: string,
  resourceCode: string,
  quantity: number,
  unit: string,
  period = 'year',
) => ({
  kind,
  resourceCode,
  quantity,
  unit,
  period,
});

beforeAll(async () => {
  t = await startTestApp();
  w = await makeWorld(t.app, t.database.db);
  const tid = w.territory.id as string;
  const other = await makeTerritory(t.app, w.admin.token);
  foreignCompanyId = (await makeCompany(t.app, w.admin.token, other.id as string)).id as string;

  m1 = await makeCompany(t.app, w.officer.token, tid, { name: 'A — Fonderie' });
  m2 = await makeCompany(t.app, w.officer.token, tid, { name: 'B — Laiterie' });
  m3 = await makeCompany(t.app, w.officer.token, tid, { name: 'C — Menuiserie' });
  m4 = await makeCompany(t.app, w.officer.token, tid, { name: 'D — Sans diagnostic validé' });
  outsider = await makeCompany(t.app, w.officer.token, tid, { name: 'E — Hors groupe' });
  m1User = await makeUser(t.database.db, { role: 'company', companyId: m1.id as string });

  // M1: an older validated version (superseded), the current one, and a newer draft.
  await makeDiagnostic(t.app, w.officer.token, m1.id, {
    validate: true,
    flows: [flow('input', 'ENE.ELEC', 999, 'MWh')],
  });
  await makeDiagnostic(t.app, w.officer.token, m1.id, {
    validate: true,
    flows: [
      flow('input', 'ENE.ELEC', 1200, 'MWh'),
      flow('input', 'ENE.GAS.NAT', 30, 'MWh', 'month'),
      flow('output', 'ENE.ELEC', 50, 'MWh'),
      flow('waste', '150103', 2, 't', 'month'),
    ],
  });
  await makeDiagnostic(t.app, w.officer.token, m1.id, {
    flows: [flow('input', 'ENE.ELEC', 7777, 'MWh')],
  });
  await makeDiagnostic(t.app, w.officer.token, m2.id, {
    validate: true,
    flows: [flow('input', 'ENE.ELEC', 500, 'MWh'), flow('input', 'ENE.GAS.NAT', 1_000_000, 'kWh')],
  });
  await makeDiagnostic(t.app, w.officer.token, m3.id, {
    validate: true,
    flows: [
      flow('input', 'ENE.ELEC', 250.5, 'MWh'),
      flow('input', 'LOG.PAL.EUR', 100, 'unit', 'month'),
    ],
  });
  await makeDiagnostic(t.app, w.officer.token, m4.id, {
    flows: [flow('input', 'ENE.ELEC', 4444, 'MWh')],
  });
  await makeDiagnostic(t.app, w.officer.token, outsider.id, {
    validate: true,
    flows: [flow('input', 'ENE.ELEC', 10_000, 'MWh')],
  });
});
afterAll(async () => t?.close());

const tid = () => w.territory.id as string;
const api = (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: Json,
  token = w.officer.token,
) => call(t.app, token, { method, url: `/v1${url}`, ...(payload ? { payload } : {}) });

async function makeGroup(theme: string, name: string): Promise<Json> {
  const res = await api('POST', `/territories/${tid()}/working-groups`, { theme, name });
  expect(res.statusCode, res.body).toBe(201);
  return res.body_;
}
async function addMembers(groupId: string, companies: Json[]) {
  for (const c of companies) {
    const res = await api('PUT', `/working-groups/${groupId}/members/${c.id as string}`);
    expect(res.statusCode, res.body).toBe(200);
  }
}

describe('pooled volumes', () => {
  let energy: Json;
  beforeAll(async () => {
    energy = await makeGroup('energy_purchasing', 'Achats groupés gaz et électricité 2027');
    await addMembers(energy.id, [m1, m2, m3, m4]);
  });

  it('sums the electricity and gas bought by the members, from their latest validated diagnostic', async () => {
    const res = await api('GET', `/working-groups/${energy.id as string}/pooled-volumes`);
    expect(res.statusCode, res.body).toBe(200);
    // Hand-computed: electricity 1200 + 500 + 250.5 MWh (not M1's superseded 999 nor its
    // draft 7777, not its 50 MWh output, not M4's draft, not the outsider's 10,000);
    // gas 30 MWh × 12 + 1,000,000 kWh = 360 + 1000 MWh.
    expect(res.body_.totals).toEqual([
      {
        kind: 'input',
        resourceCode: 'ENE.ELEC',
        resourceLabel: 'Électricité',
        unit: 'MWh',
        quantityPerYear: 1950.5,
        companies: 3,
      },
      {
        kind: 'input',
        resourceCode: 'ENE.GAS.NAT',
        resourceLabel: 'Gaz naturel',
        unit: 'MWh',
        quantityPerYear: 1360,
        companies: 2,
      },
    ]);
    expect(
      (res.body_.lines as Json[]).map((l) => [l.companyName, l.resourceCode, l.quantityPerYear]),
    ).toEqual([
      ['A — Fonderie', 'ENE.ELEC', 1200],
      ['A — Fonderie', 'ENE.GAS.NAT', 360],
      ['B — Laiterie', 'ENE.ELEC', 500],
      ['B — Laiterie', 'ENE.GAS.NAT', 1000],
      ['C — Menuiserie', 'ENE.ELEC', 250.5],
    ]);
    expect(res.body_.membersWithoutValidatedDiagnostic).toEqual([m4.id]);
    expect(res.body_.ruleFr).toMatch(/électricité/);
  });

  it('exports them as CSV for the tender: French headers, ";" and decimal commas by default', async () => {
    const res = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/working-groups/${energy.id as string}/pooled-volumes?format=csv`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename=".+\.csv"/);
    expect(res.body.startsWith('\ufeff')).toBe(true);
    const lines = res.body.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Entreprise;SIRET;Sens du flux;Code ressource;Ressource;Quantité par an;Unité;Diagnostic du',
    );
    expect(lines).toContain(
      `C — Menuiserie;${m3.siret as string};Entrant;ENE.ELEC;Électricité;250,5;MWh;2023-03-14`,
    );
    expect(lines).toContain('Total (3 entreprises);;Entrant;ENE.ELEC;Électricité;1950,5;MWh;');
    expect(lines).toContain('Total (2 entreprises);;Entrant;ENE.GAS.NAT;Gaz naturel;1360;MWh;');
    expect(lines).toHaveLength(1 + 5 + 2);

    const comma = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/working-groups/${energy.id as string}/pooled-volumes?separator=comma`,
      headers: { accept: 'text/csv' },
    });
    expect(comma.headers['content-type']).toMatch(/^text\/csv/);
    expect(comma.body).toContain('Total (3 entreprises),,Entrant,ENE.ELEC,Électricité,1950.5,MWh,');
  });

  it('counts pallets bought and pallet waste for a pallets group', async () => {
    const pallets = await makeGroup('pallets', 'Palettes');
    await addMembers(pallets.id, [m1, m3]);
    const res = await api('GET', `/working-groups/${pallets.id as string}/pooled-volumes`);
    expect(
      (res.body_.totals as Json[]).map((x) => [
        x.kind,
        x.resourceCode,
        x.unit,
        x.quantityPerYear,
        x.companies,
      ]),
    ).toEqual([
      ['waste', '150103', 't', 24, 1],
      ['input', 'LOG.PAL.EUR', 'unit', 1200, 1],
    ]);
  });

  it('counts the resources of the linked synergies for other themes', async () => {
    const custom = await makeGroup('custom', 'Bois et emballages');
    await addMembers(custom.id, [m1, m2]);
    const empty = await api('GET', `/working-groups/${custom.id as string}/pooled-volumes`);
    expect(empty.body_.totals).toEqual([]);
    const s = await api('POST', `/territories/${tid()}/synergies`, {
      type: 'substitution',
      resourceCode: '150103',
      participants: [
        { role: 'supplier', companyId: m1.id },
        { role: 'receiver', companyId: m3.id },
      ],
    });
    expect(s.statusCode, s.body).toBe(201);
    const linked = await api(
      'PUT',
      `/working-groups/${custom.id as string}/synergies/${s.body_.id as string}`,
    );
    expect(linked.statusCode, linked.body).toBe(200);
    // A substitution brings no member (only an accepted mutualisation does).
    expect((linked.body_.members as Json[]).map((m) => m.companyId).sort()).toEqual(
      [m1.id, m2.id].sort(),
    );
    const res = await api('GET', `/working-groups/${custom.id as string}/pooled-volumes`);
    expect(res.body_.totals).toEqual([
      {
        kind: 'waste',
        resourceCode: '150103',
        resourceLabel: expect.any(String),
        unit: 't',
        quantityPerYear: 24,
        companies: 1,
      },
    ]);
  });
});

describe('members, meetings and groups', () => {
  it('adds members of the territory only (422 otherwise, nothing written), removes them', async () => {
    const g = await makeGroup('shared_services', 'Services mutualisés');
    await addMembers(g.id, [m1, m1]); // twice: one member
    const before = await countRows(t.database.db, 'working_group_member');
    for (const id of [foreignCompanyId, '00000000-0000-4000-8000-000000000000']) {
      const res = await api('PUT', `/working-groups/${g.id as string}/members/${id}`);
      expect(res.statusCode).toBe(422);
      expect(res.body_.code).toBe('unprocessable');
    }
    expect(await countRows(t.database.db, 'working_group_member')).toBe(before);
    const got = await api('GET', `/working-groups/${g.id as string}`);
    expect(got.body_).toMatchObject({
      theme: 'shared_services',
      themeLabelFr: 'Services mutualisés',
      memberCount: 1,
      members: [{ companyId: m1.id, source: 'manual', siret: m1.siret }],
    });
    expect(
      (await api('DELETE', `/working-groups/${g.id as string}/members/${m1.id as string}`))
        .statusCode,
    ).toBe(204);
    expect(
      (await api('DELETE', `/working-groups/${g.id as string}/members/${m1.id as string}`))
        .statusCode,
    ).toBe(404);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', g.id as string)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'add_member', 'remove_member']);
  });

  it('records meetings with attendees (companies and free names) and minutes', async () => {
    const g = await makeGroup('pallets', 'Palettes — réunions');
    const res = await api('POST', `/working-groups/${g.id as string}/meetings`, {
      heldOn: '2026-10-02',
      title: 'Lancement',
      attendeeCompanyIds: [m1.id, m3.id],
      attendeeNames: ['Chambre de commerce — Mme Martin'],
      minutes: 'Tour de table des volumes de palettes.',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body_).toMatchObject({
      heldOn: '2026-10-02',
      attendees: [
        { companyId: m1.id, companyName: 'A — Fonderie' },
        { companyId: m3.id, companyName: 'C — Menuiserie' },
      ],
      attendeeNames: ['Chambre de commerce — Mme Martin'],
    });
    await api('POST', `/working-groups/${g.id as string}/meetings`, { heldOn: '2026-11-20' });
    const list = await api('GET', `/working-groups/${g.id as string}/meetings`);
    expect((list.body_.items as Json[]).map((m) => m.heldOn)).toEqual(['2026-11-20', '2026-10-02']);
    expect((await api('GET', `/working-groups/${g.id as string}`)).body_.lastMeetingOn).toBe(
      '2026-11-20',
    );
    const before = await countRows(t.database.db, 'working_group_meeting');
    const foreign = await api('POST', `/working-groups/${g.id as string}/meetings`, {
      heldOn: '2026-12-01',
      attendeeCompanyIds: [foreignCompanyId],
    });
    expect(foreign.statusCode).toBe(422);
    const badDate = await api('POST', `/working-groups/${g.id as string}/meetings`, {
      heldOn: '01/12/2026',
    });
    expect(badDate.statusCode).toBe(400);
    expect(await countRows(t.database.db, 'working_group_meeting')).toBe(before);
  });

  it('renames and closes a group, lists the territory’s groups by theme and status', async () => {
    const g = await makeGroup('equipment', 'Équipements');
    const patched = await api('PATCH', `/working-groups/${g.id as string}`, {
      name: 'Équipements partagés',
      status: 'closed',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.body_).toMatchObject({ name: 'Équipements partagés', status: 'closed' });
    const list = await api('GET', `/territories/${tid()}/working-groups?status=closed`);
    expect((list.body_.items as Json[]).map((x) => x.id)).toEqual([g.id]);
    const byTheme = await api(
      'GET',
      `/territories/${tid()}/working-groups?theme=equipment&limit=1`,
    );
    expect(byTheme.body_.items).toHaveLength(1);
    expect((await api('PATCH', `/working-groups/${g.id as string}`, {})).statusCode).toBe(400);
    // A closed group takes no member or meeting until reopened.
    const counts = async () =>
      Promise.all([
        countRows(t.database.db, 'working_group_member'),
        countRows(t.database.db, 'working_group_meeting'),
      ]);
    const before = await counts();
    const member = await api('PUT', `/working-groups/${g.id as string}/members/${m1.id as string}`);
    expect(member.statusCode).toBe(409);
    expect(member.body_.code).toBe('conflict');
    const meeting = await api('POST', `/working-groups/${g.id as string}/meetings`, {
      heldOn: '2026-12-01',
    });
    expect(meeting.statusCode).toBe(409);
    expect(await counts()).toEqual(before);
    expect(
      (await api('PATCH', `/working-groups/${g.id as string}`, { status: 'active' })).statusCode,
    ).toBe(200);
    expect(
      (await api('PUT', `/working-groups/${g.id as string}/members/${m1.id as string}`)).statusCode,
    ).toBe(200);
    expect(
      (await api('POST', `/territories/${tid()}/working-groups`, { theme: 'golf', name: 'x' }))
        .statusCode,
    ).toBe(400);
  });
});

describe('suggestions from the engine', () => {
  it('suggests the energy mutualisations to an energy group; accepting one adds its companies', async () => {
    const run = await api('POST', `/territories/${tid()}/match-runs`, {});
    expect(run.statusCode).toBe(202);
    await executeMatchRun(t.database.db, run.body_.id as string);
    const g = await makeGroup('energy_purchasing', 'Énergie — suggestions');
    const s = await api('GET', `/working-groups/${g.id as string}/suggestions`);
    expect(s.statusCode, s.body).toBe(200);
    const items = s.body_.items as Json[];
    expect(items.length).toBeGreaterThan(0);
    for (const x of items)
      expect(x).toMatchObject({ type: 'mutualisation', theme: 'energy_purchasing' });
    const elec = items.find((x) => x.resourceCode === 'ENE.ELEC')!;
    const companies = [...new Set((elec.participants as Json[]).map((p) => p.companyId as string))];
    expect(companies).toEqual(expect.arrayContaining([m1.id, m2.id, m3.id, outsider.id]));

    const pallets = await makeGroup('pallets', 'Palettes — suggestions');
    const none = await api('GET', `/working-groups/${pallets.id as string}/suggestions`);
    expect((none.body_.items as Json[]).every((x) => x.theme === 'pallets')).toBe(true);

    const linked = await api(
      'PUT',
      `/working-groups/${g.id as string}/synergies/${elec.id as string}`,
    );
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.body_.synergyIds).toEqual([elec.id]);
    expect((linked.body_.members as Json[]).map((m) => m.companyId).sort()).toEqual(
      companies.sort(),
    );
    expect((linked.body_.members as Json[]).every((m) => m.source === 'synergy')).toBe(true);
    const after = await api('GET', `/working-groups/${g.id as string}/suggestions`);
    expect((after.body_.items as Json[]).map((x) => x.id)).not.toContain(elec.id);

    // Unlinking keeps the members; a synergy of another territory cannot be linked.
    const unlinked = await api(
      'DELETE',
      `/working-groups/${g.id as string}/synergies/${elec.id as string}`,
    );
    expect(unlinked.statusCode).toBe(204);
    const kept = await api('GET', `/working-groups/${g.id as string}`);
    expect(kept.body_.synergyIds).toEqual([]);
    expect(kept.body_.memberCount).toBe(companies.length);
    const missing = await api(
      'PUT',
      `/working-groups/${g.id as string}/synergies/00000000-0000-4000-8000-000000000000`,
    );
    expect(missing.statusCode).toBe(422);
  });
});

describe('company users', () => {
  it('read the groups their company belongs to, and nothing else of the working groups', async () => {
    const g = await makeGroup('pallets', 'Palettes — lecture entreprise');
    await addMembers(g.id, [m1]);
    const own = await call(t.app, m1User.token, {
      method: 'GET',
      url: `/v1/companies/${m1.id as string}/working-groups`,
    });
    expect(own.statusCode).toBe(200);
    const mine = own.body_.items as Json[];
    expect(mine.map((x) => x.id)).toContain(g.id);
    expect(mine[0]).not.toHaveProperty('members');
    const others = await call(t.app, m1User.token, {
      method: 'GET',
      url: `/v1/companies/${m2.id as string}/working-groups`,
    });
    expect(others.statusCode).toBe(404);
    for (const url of [
      `/v1/working-groups/${g.id as string}`,
      `/v1/working-groups/${g.id as string}/pooled-volumes`,
      `/v1/working-groups/${g.id as string}/meetings`,
      `/v1/territories/${tid()}/working-groups`,
    ]) {
      const res = await call(t.app, m1User.token, { method: 'GET', url });
      expect(res.statusCode, url).toBe(403);
    }
  });
});
