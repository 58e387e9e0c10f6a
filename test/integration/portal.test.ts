// The company portal on the real services: two companies with complementary flows,
// a real match run, then each company's view of the synergy, answers, introduction,
// notifications and diagnostic corrections.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeMatchRun } from '../../services/worker/src/matching/match-run.ts';
import { call, startTestApp, type Json, type TestContext } from '../helpers/app.ts';
import {
  makeCompany,
  makeDiagnostic,
  makeTerritory,
  makeUser,
  makeWorld,
  type TestUser,
} from '../helpers/factories.ts';

let t: TestContext;
let w: Awaited<ReturnType<typeof makeWorld>>;
let A: Json;
let B: Json;
let userA: TestUser;
let userB: TestUser;
let userB2: TestUser;
let synergyId: string;
let outsider: TestUser;
let partnerKey: string;

const identityOf = (c: Json) => [
  c.name as string,
  c.siret as string,
  c.address as string,
  c.contactEmail as string,
  c.contactPhone as string,
];

const pallets = (kind: 'output' | 'input', quantity: number) => ({
  kind,
  resourceCode: 'LOG.PAL.BROKEN',
  quantity,
  unit: 'unit',
  period: 'year',
});

async function countRows(table: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
    t.database.db,
  );
  return r.rows[0]!.n;
}

const listOf = (user: TestUser | string, company: Json) =>
  call(t.app, typeof user === 'string' ? user : user.token, {
    method: 'GET',
    url: `/v1/companies/${company.id as string}/synergies`,
  });

const answer = (user: TestUser, company: Json, id: string, payload: Json) =>
  call(t.app, user.token, {
    method: 'POST',
    url: `/v1/companies/${company.id as string}/synergies/${id}/answer`,
    payload,
  });

const feed = (user: TestUser, company: Json) =>
  call(t.app, user.token, {
    method: 'GET',
    url: `/v1/companies/${company.id as string}/notifications`,
  });

function expectNone(body: unknown, secrets: string[]) {
  const raw = JSON.stringify(body);
  for (const s of secrets) expect(raw, `response leaks « ${s} »`).not.toContain(s);
}

function expectAll(body: unknown, secrets: string[]) {
  const raw = JSON.stringify(body);
  for (const s of secrets) expect(raw).toContain(s);
}

beforeAll(async () => {
  t = await startTestApp();
  w = await makeWorld(t.app, t.database.db);
  const territoryId = w.territory.id as string;
  A = await makeCompany(t.app, w.officer.token, territoryId, {
    name: 'Scierie Alphonse Durandeau',
    nafCode: '16.10A',
    address: '3 chemin des Grumes, 21000 Dijon',
    contactEmail: 'direction@scierie-durandeau.example',
    contactPhone: '+33 3 80 11 22 33',
    location: { type: 'Point', coordinates: [5.03, 47.35] },
  });
  B = await makeCompany(t.app, w.officer.token, territoryId, {
    name: 'Menuiserie Bertinelli',
    nafCode: '31.09B',
    address: '12 rue des Tilleuls, 21000 Dijon',
    contactEmail: 'contact@bertinelli.example',
    contactPhone: '+33 3 80 44 55 66',
    location: { type: 'Point', coordinates: [5.032, 47.351] },
  });
  await makeDiagnostic(t.app, w.officer.token, A.id, {
    validate: true,
    flows: [pallets('output', 1200)],
  });
  await makeDiagnostic(t.app, w.officer.token, B.id, {
    validate: true,
    flows: [pallets('input', 5000)],
  });
  userA = await makeUser(t.database.db, { role: 'company', companyId: A.id });
  userB = await makeUser(t.database.db, { role: 'company', companyId: B.id });
  userB2 = await makeUser(t.database.db, { role: 'company', companyId: B.id });

  // A full match run, executed in-process (the worker's code, no queue).
  const run = await call(t.app, w.officer.token, {
    method: 'POST',
    url: `/v1/territories/${territoryId}/match-runs`,
    payload: {},
  });
  expect(run.statusCode).toBe(202);
  await executeMatchRun(t.database.db, run.body_.id as string);
  const officerView = await call(t.app, w.officer.token, {
    method: 'GET',
    url: `/v1/territories/${territoryId}/synergies?type=substitution&companyId=${A.id as string}`,
  });
  const s = (officerView.body_.items as Json[]).find((x) =>
    (x.participants as Json[]).some((p) => p.companyId === B.id),
  );
  expect(s, 'the run proposes A → B').toBeDefined();
  synergyId = s!.id as string;

  const other = await makeTerritory(t.app, w.admin.token);
  const otherOfficer = await makeUser(t.database.db, {
    role: 'officer',
    territoryIds: [other.id as string],
  });
  const C = await makeCompany(t.app, otherOfficer.token, other.id as string);
  outsider = await makeUser(t.database.db, { role: 'company', companyId: C.id as string });
  const key = await call(t.app, w.admin.token, {
    method: 'POST',
    url: '/v1/api-keys',
    payload: { name: 'Partenaire', territoryIds: [territoryId] },
  });
  partnerKey = key.body_.key as string;
});
afterAll(async () => t?.close());

describe('company view of its synergies', () => {
  it('shows the counterpart anonymously: sector, zone, distance band, volumes — no identity', async () => {
    const res = await listOf(userA, A);
    expect(res.statusCode, res.body).toBe(200);
    const s = (res.body_.items as Json[]).find((x) => x.id === synergyId)!;
    const division = await t.database.db
      .selectFrom('naf')
      .select('division_label_fr')
      .where('code', '=', '31.09B')
      .executeTakeFirstOrThrow();
    expect(s).toMatchObject({
      type: 'substitution',
      resourceCode: 'LOG.PAL.BROKEN',
      status: 'proposed',
      myRole: 'supplier',
      myAnswer: null,
      introduced: false,
      quantityPerYear: 1200,
    });
    expect(s.counterparts).toEqual([
      {
        role: 'receiver',
        sectorLabel: division.division_label_fr,
        zoneName: w.zone.properties.name,
        distanceBand: '< 1 km',
        quantityPerYear: 5000,
        unit: 'unit',
        answer: null,
        identity: null,
      },
    ]);
    expect(s.summaryFr).toContain(division.division_label_fr);
    expect(s).not.toHaveProperty('explanationFr');
    expectNone(res.body_, identityOf(B));

    const fromB = await listOf(userB, B);
    expect(fromB.statusCode).toBe(200);
    const sb = (fromB.body_.items as Json[]).find((x) => x.id === synergyId)!;
    expect(sb.myRole).toBe('receiver');
    expectNone(fromB.body_, identityOf(A));
  });

  it('officers of the territory read the same anonymous view; others are refused', async () => {
    const officer = await listOf(w.officer, A);
    expect(officer.statusCode).toBe(200);
    expectNone(officer.body_, identityOf(B));
    expect((await listOf(outsider, A)).statusCode).toBe(404);
    expect((await listOf(userB, A)).statusCode).toBe(404);
    const partner = await listOf(partnerKey, A);
    expect(partner.statusCode).toBe(403);
    expect(partner.headers['content-type']).toMatch(/problem\+json/);
  });
});

describe('answers and introduction', () => {
  it('refuses a decline without reason, a reason without decline, and unknown answers; writes nothing', async () => {
    const before = [await countRows('synergy_answer'), await countRows('synergy_event')];
    for (const payload of [
      { answer: 'decline' },
      { answer: 'accept', reasonCode: 'economic' },
      { answer: 'maybe' },
      { answer: 'decline', reasonCode: 'too_far' },
    ]) {
      const res = await answer(userA, A, synergyId, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.body_.code).toBe('validation_failed');
    }
    expect([await countRows('synergy_answer'), await countRows('synergy_event')]).toEqual(before);
  });

  it('only the company’s own users answer; other territory 404, officer and partner 403', async () => {
    const before = await countRows('synergy_answer');
    const payload = { answer: 'accept' };
    expect((await answer(outsider, A, synergyId, payload)).statusCode).toBe(404);
    expect((await answer(userB, A, synergyId, payload)).statusCode).toBe(404);
    expect((await answer(w.officer, A, synergyId, payload)).statusCode).toBe(403);
    const partner = await call(t.app, partnerKey, {
      method: 'POST',
      url: `/v1/companies/${A.id as string}/synergies/${synergyId}/answer`,
      payload,
    });
    expect(partner.statusCode).toBe(403);
    // A synergy that does not involve the company: 404.
    const foreign = await t.database.db
      .insertInto('synergy')
      .values({
        territory_id: w.territory.id,
        key: `portal-foreign-${Date.now()}`,
        type: 'substitution',
        resource_code: 'ENE.ELEC',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await answer(userA, A, foreign.id, payload)).statusCode).toBe(404);
    expect(await countRows('synergy_answer')).toBe(before);
  });

  it('one request for introduction keeps both sides anonymous and tells the other side', async () => {
    const res = await answer(userA, A, synergyId, {
      answer: 'introduce',
      comment: 'Nous pouvons livrer par camion',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body_).toMatchObject({ myAnswer: 'introduce', introduced: false });
    expect(res.body_.counterparts[0].identity).toBeNull();
    expectNone(res.body_, identityOf(B));

    const fromB = await listOf(userB, B);
    const sb = (fromB.body_.items as Json[]).find((x) => x.id === synergyId)!;
    expect(sb.counterparts[0]).toMatchObject({ answer: 'introduce', identity: null });
    expectNone(fromB.body_, identityOf(A));

    const notes = await feed(userB, B);
    expect(notes.statusCode, notes.body).toBe(200);
    const kinds = (notes.body_.items as Json[])
      .filter((n) => n.synergyId === synergyId)
      .map((n) => n.kind as string);
    expect(kinds).toEqual(expect.arrayContaining(['new_proposal', 'counterpart_answered']));
    expect(notes.body_.unread).toBeGreaterThanOrEqual(2);
    expectNone(notes.body_, identityOf(A));

    // Officers see the answer in the synergy's history; the status is untouched.
    const events = await t.database.db
      .selectFrom('synergy_event')
      .selectAll()
      .where('synergy_id', '=', synergyId)
      .where('actor_user_id', '=', userA.id)
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ from_status: 'proposed', to_status: 'proposed' });
    expect(events[0]!.comment).toContain('Nous pouvons livrer par camion');
    const status = await t.database.db
      .selectFrom('synergy')
      .select('status')
      .where('id', '=', synergyId)
      .executeTakeFirstOrThrow();
    expect(status.status).toBe('proposed');
  });

  it('once both asked, each sees the other’s name, SIRET, address and contacts', async () => {
    const res = await answer(userB, B, synergyId, { answer: 'introduce' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body_.introduced).toBe(true);
    expect(res.body_.counterparts[0].identity).toEqual({
      name: A.name,
      siret: A.siret,
      address: A.address,
      contactEmail: A.contactEmail,
      contactPhone: A.contactPhone,
    });
    expectAll(res.body_, identityOf(A));

    const fromA = await listOf(userA, A);
    const sa = (fromA.body_.items as Json[]).find((x) => x.id === synergyId)!;
    expect(sa.introduced).toBe(true);
    expectAll(fromA.body_, identityOf(B));

    for (const [user, company] of [
      [userA, A],
      [userB, B],
    ] as const) {
      const notes = await feed(user, company);
      const introduced = (notes.body_.items as Json[]).filter(
        (n) => n.synergyId === synergyId && n.kind === 'introduced',
      );
      expect(introduced).toHaveLength(1);
    }
  });

  it('read markers are per user', async () => {
    const first = await feed(userB, B);
    const unread = first.body_.unread as number;
    const target = (first.body_.items as Json[]).find((n) => n.readAt === null)!;
    const read = await call(t.app, userB.token, {
      method: 'POST',
      url: `/v1/notifications/${target.id as string}/read`,
    });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.body_.readAt).not.toBeNull();
    expect((await feed(userB, B)).body_.unread).toBe(unread - 1);
    const colleague = await feed(userB2, B);
    expect(colleague.body_.unread).toBe(unread);
    // Someone else's notification: not found; the officer: not the company's inbox.
    for (const [token, status] of [
      [userA.token, 404],
      [outsider.token, 404],
      [w.officer.token, 403],
      [partnerKey, 403],
    ] as const) {
      const res = await call(t.app, token, {
        method: 'POST',
        url: `/v1/notifications/${target.id as string}/read`,
      });
      expect(res.statusCode).toBe(status);
    }
    expect((await feed(userB2, B)).body_.unread).toBe(unread);
  });

  it('a later decline withdraws the consent: identities are hidden again', async () => {
    const res = await answer(userB, B, synergyId, {
      answer: 'decline',
      reasonCode: 'quantity',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body_).toMatchObject({ myAnswer: 'decline', introduced: false });
    expectNone(res.body_, identityOf(A));
    expectNone((await listOf(userA, A)).body_, identityOf(B));
  });

  it('a closed synergy no longer takes answers (409, nothing written)', async () => {
    await t.database.db
      .updateTable('synergy')
      .set({ status: 'rejected' })
      .where('id', '=', synergyId)
      .execute();
    const before = await countRows('synergy_answer');
    const res = await answer(userA, A, synergyId, { answer: 'accept' });
    expect(res.statusCode).toBe(409);
    expect(res.body_.code).toBe('invalid_state');
    expect(await countRows('synergy_answer')).toBe(before);
    await t.database.db
      .updateTable('synergy')
      .set({ status: 'proposed' })
      .where('id', '=', synergyId)
      .execute();
  });

  it('mutualisation: each pair of members is introduced on its own', async () => {
    const D = await makeCompany(t.app, w.officer.token, w.territory.id, {
      name: 'Tonnellerie Dumontier',
      contactEmail: 'bonjour@dumontier.example',
      location: { type: 'Point', coordinates: [5.031, 47.352] },
    });
    const userD = await makeUser(t.database.db, { role: 'company', companyId: D.id });
    const m = await t.database.db
      .insertInto('synergy')
      .values({
        territory_id: w.territory.id,
        key: `portal-mutualisation-${Date.now()}`,
        type: 'mutualisation',
        resource_code: 'ENE.ELEC',
        score: 0.4,
        explanation_fr: `Mutualisation entre ${A.name as string}, ${B.name as string} et ${D.name as string}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('synergy_participant')
      .values(
        [A, B, D].map((c, position) => ({
          synergy_id: m.id,
          territory_id: w.territory.id,
          role: 'member',
          company_id: c.id as string,
          position,
        })),
      )
      .execute();
    expect((await answer(userA, A, m.id, { answer: 'introduce' })).statusCode).toBe(200);
    const res = await answer(userD, D, m.id, { answer: 'introduce' });
    expect(res.statusCode).toBe(200);
    const fromA = (await listOf(userA, A)).body_;
    const sm = (fromA.items as Json[]).find((x) => x.id === m.id)!;
    expect(sm.counterparts).toHaveLength(2);
    expect(sm.introduced).toBe(true);
    expectAll(sm, [D.name as string, D.contactEmail as string]);
    expectNone(sm, identityOf(B));
    expect(JSON.stringify(fromA)).not.toContain('Mutualisation entre');
    // B asked nothing: it sees no one.
    const fromB = (await listOf(userB, B)).body_;
    expectNone(
      (fromB.items as Json[]).find((x) => x.id === m.id),
      [...identityOf(A), D.name as string],
    );
  });
});

describe('diagnostic corrections', () => {
  let diagnostic: Json;
  let correctionId: string;

  beforeAll(async () => {
    const list = await call(t.app, userA.token, {
      method: 'GET',
      url: `/v1/companies/${A.id as string}/diagnostics`,
    });
    const current = (list.body_.items as Json[]).find((d) => d.status === 'validated')!;
    diagnostic = (
      await call(t.app, userA.token, { method: 'GET', url: `/v1/diagnostics/${current.id}` })
    ).body_;
  });

  const propose = (user: TestUser | string, diagnosticId: string, payload: Json) =>
    call(t.app, typeof user === 'string' ? user : user.token, {
      method: 'POST',
      url: `/v1/diagnostics/${diagnosticId}/corrections`,
      payload,
    });

  it('refuses incoherent edits with the offending paths, writing nothing', async () => {
    const before = await countRows('diagnostic_correction');
    const unknownFlow = await propose(userA, diagnostic.id, {
      edits: [{ op: 'remove', flowId: '00000000-0000-4000-8000-000000000000' }],
    });
    expect(unknownFlow.statusCode).toBe(422);
    expect(unknownFlow.body_.errors[0].path).toBe('body.edits.0.flowId');
    const unknownResource = await propose(userA, diagnostic.id, {
      edits: [
        { op: 'remove', flowId: diagnostic.flows[0].id },
        {
          op: 'add',
          flow: { kind: 'waste', resourceCode: 'NOPE.NOTHING', quantity: 1, unit: 't' },
        },
      ],
    });
    expect(unknownResource.statusCode).toBe(422);
    expect(unknownResource.body_.errors[0].path).toBe('body.edits.1.flow.resourceCode');
    const empty = await propose(userA, diagnostic.id, { edits: [] });
    expect(empty.statusCode).toBe(400);
    expect(await countRows('diagnostic_correction')).toBe(before);
  });

  it('only the company’s users propose; officers edit directly', async () => {
    const payload = { edits: [{ op: 'remove', flowId: diagnostic.flows[0].id }] };
    expect((await propose(w.officer, diagnostic.id, payload)).statusCode).toBe(403);
    expect((await propose(userB, diagnostic.id, payload)).statusCode).toBe(404);
    expect((await propose(outsider, diagnostic.id, payload)).statusCode).toBe(404);
    expect((await propose(partnerKey, diagnostic.id, payload)).statusCode).toBe(403);
  });

  it('a company proposes, an officer accepts: a new draft carries the edits', async () => {
    const res = await propose(userA, diagnostic.id, {
      comment: 'Nous produisons plus de palettes cassées cette année',
      edits: [
        { op: 'change', flowId: diagnostic.flows[0].id, flow: pallets('output', 2400) },
        {
          op: 'add',
          flow: { kind: 'waste', resourceCode: '030105', quantity: 30, unit: 't' },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body_).toMatchObject({ status: 'pending', diagnosticId: diagnostic.id });
    correctionId = res.body_.id as string;

    const listed = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/companies/${A.id as string}/corrections?status=pending`,
    });
    expect(listed.body_.items.map((c: Json) => c.id)).toEqual([correctionId]);

    const byCompany = await call(t.app, userA.token, {
      method: 'POST',
      url: `/v1/corrections/${correctionId}/accept`,
      payload: {},
    });
    expect(byCompany.statusCode).toBe(403);

    const accepted = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/corrections/${correctionId}/accept`,
      payload: { comment: 'Vu avec le responsable de site' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.body_.status).toBe('accepted');
    const draft = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/diagnostics/${accepted.body_.resultDiagnosticId as string}`,
    });
    expect(draft.body_).toMatchObject({ status: 'draft', version: diagnostic.version + 1 });
    expect((draft.body_.flows as Json[]).map((f) => [f.resourceCode, f.quantityPerYear])).toEqual([
      ['LOG.PAL.BROKEN', 2400],
      ['030105', 30],
    ]);

    const again = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/corrections/${correctionId}/reject`,
      payload: { comment: 'Trop tard' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('an officer rejects with a comment (required)', async () => {
    const res = await propose(userA, diagnostic.id, {
      edits: [{ op: 'remove', flowId: diagnostic.flows[0].id }],
    });
    expect(res.statusCode).toBe(201);
    const id = res.body_.id as string;
    const noComment = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/corrections/${id}/reject`,
      payload: {},
    });
    expect(noComment.statusCode).toBe(400);
    const rejected = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/corrections/${id}/reject`,
      payload: { comment: 'Le flux existe toujours' },
    });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.body_).toMatchObject({
      status: 'rejected',
      decisionComment: 'Le flux existe toujours',
      resultDiagnosticId: null,
    });
  });

  it('corrections apply to the validated diagnostic only', async () => {
    const draft = await makeDiagnostic(t.app, userA.token, A.id as string);
    const res = await propose(userA, draft.id as string, {
      edits: [{ op: 'remove', flowId: draft.flows[0].id }],
    });
    expect(res.statusCode).toBe(409);
  });
});
