// Synergy lifecycle on the real services: every transition of the state machine,
// who may make it, events, manual synergies, realised gains, the follow-up list,
// and what matching runs do with statuses, events and rejections.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSITIONS, needsReason } from '../../shared/lifecycle/state-machine.ts';
import { SYNERGY_STATUSES } from '../../shared/schemas/matching.ts';
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
let other: { territoryId: string; officer: { token: string }; companyId: string };
let partnerKey: string;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
  w = await makeWorld(t.app, t.database.db);
  const territory = await makeTerritory(t.app, w.admin.token);
  const officer = await makeUser(t.database.db, {
    role: 'officer',
    territoryIds: [territory.id as string],
  });
  const company = await makeCompany(t.app, officer.token, territory.id as string);
  other = { territoryId: territory.id as string, officer, companyId: company.id as string };
  const key = await call(t.app, w.admin.token, {
    method: 'POST',
    url: '/v1/api-keys',
    payload: { name: 'Partenaire', territoryIds: [w.territory.id as string] },
  });
  partnerKey = key.body_.key as string;
});
afterAll(async () => t?.close());

const territoryId = () => w.territory.id as string;

/** A synergy in the given status involving the world's company, written as a run would. */
async function synergyIn(status: string): Promise<string> {
  const s = await t.database.db
    .insertInto('synergy')
    .values({
      territory_id: territoryId(),
      key: `lifecycle-${++seq}`,
      type: 'mutualisation',
      resource_code: 'ENE.ELEC',
      status,
      score: 0.5,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.database.db
    .insertInto('synergy_participant')
    .values({
      synergy_id: s.id,
      territory_id: territoryId(),
      role: 'member',
      company_id: w.company.id as string,
      position: 0,
    })
    .execute();
  return s.id;
}

const transition = (token: string | null, id: string, body: Json) =>
  call(t.app, token, { method: 'POST', url: `/v1/synergies/${id}/transitions`, payload: body });

async function stateOf(id: string) {
  const s = await t.database.db
    .selectFrom('synergy')
    .select(['status', 'realised_gains'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const events = await t.database.db
    .selectFrom('synergy_event')
    .select(['id'])
    .where('synergy_id', '=', id)
    .execute();
  return { ...s, events: events.length };
}

function expectProblem(res: { headers: Json; body_: Json }, status: number, code: string) {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body_).toMatchObject({ status, code });
}

describe('state machine', () => {
  for (const from of SYNERGY_STATUSES) {
    for (const to of SYNERGY_STATUSES) {
      const allowed = TRANSITIONS[from].includes(to);
      it(`${from} → ${to}: ${allowed ? 'allowed' : '409'}`, async () => {
        const id = await synergyIn(from);
        const before = await stateOf(id);
        const body = {
          to,
          ...(needsReason(to) ? { reasonCode: 'economic' } : {}),
          comment: `vers ${to}`,
        };
        // Company users (of a participating company) and partners may make no transition.
        for (const token of [w.companyUser.token, partnerKey]) {
          const refused = await transition(token, id, body);
          expect(refused.statusCode).toBe(403);
          expectProblem(refused, 403, 'forbidden');
          expect(await stateOf(id)).toEqual(before);
        }
        const res = await transition(w.officer.token, id, body);
        if (allowed) {
          expect(res.statusCode, res.body).toBe(200);
          expect(res.body_.status).toBe(to);
          expect(await stateOf(id)).toMatchObject({ status: to, events: before.events + 1 });
        } else {
          expect(res.statusCode, res.body).toBe(409);
          expectProblem(res, 409, 'transition_forbidden');
          expect(await stateOf(id)).toEqual(before);
        }
      });
    }
  }

  it('has the lifecycle of the issue: forward one step, closing from any open state, closed is final', () => {
    expect(TRANSITIONS).toEqual({
      proposed: ['qualified', 'rejected', 'abandoned'],
      qualified: ['under_study', 'rejected', 'abandoned'],
      under_study: ['in_progress', 'rejected', 'abandoned'],
      in_progress: ['implemented', 'rejected', 'abandoned'],
      implemented: [],
      rejected: [],
      abandoned: [],
    });
  });

  it('asks a reason from the closed list to close, and refuses one otherwise', async () => {
    const id = await synergyIn('qualified');
    const before = await stateOf(id);
    for (const body of [
      { to: 'rejected' },
      { to: 'abandoned', comment: 'sans motif' },
      { to: 'rejected', reasonCode: 'because' },
      { to: 'under_study', reasonCode: 'economic' },
      { to: 'nowhere' },
      { to: 'under_study', comment: 'x'.repeat(2001) },
    ]) {
      const res = await transition(w.officer.token, id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expectProblem(res, 400, 'validation_failed');
    }
    expect(await stateOf(id)).toEqual(before);
  });

  it('lets officers and administrators move a synergy; company users and partners get 403, other territories 404', async () => {
    const id = await synergyIn('proposed');
    const before = await stateOf(id);
    const refused: [string | null, number][] = [
      [w.companyUser.token, 403], // the synergy involves this user's own company
      [partnerKey, 403],
      [other.officer.token, 404],
      [null, 401],
    ];
    for (const [token, status] of refused) {
      const res = await transition(token, id, { to: 'qualified' });
      expect(res.statusCode).toBe(status);
      expect(await stateOf(id)).toEqual(before);
    }
    expect((await transition(w.admin.token, id, { to: 'qualified' })).statusCode).toBe(200);
    expect((await transition(w.officer.token, id, { to: 'under_study' })).statusCode).toBe(200);
  });

  it('records every transition as an event (actor, time, comment, reason) and in the audit log', async () => {
    const id = await synergyIn('proposed');
    for (const to of ['qualified', 'under_study', 'in_progress']) {
      expect((await transition(w.officer.token, id, { to, comment: `→ ${to}` })).statusCode).toBe(
        200,
      );
    }
    const closed = await transition(w.officer.token, id, {
      to: 'abandoned',
      reasonCode: 'regulatory',
      comment: 'Autorisation ICPE refusée',
    });
    expect(closed.statusCode).toBe(200);
    const events = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/synergies/${id}/events`,
    });
    expect(events.statusCode).toBe(200);
    const items = events.body_.items as Json[];
    expect(items.map((e) => [e.fromStatus, e.toStatus, e.reasonCode, e.comment])).toEqual([
      ['proposed', 'qualified', null, '→ qualified'],
      ['qualified', 'under_study', null, '→ under_study'],
      ['under_study', 'in_progress', null, '→ in_progress'],
      ['in_progress', 'abandoned', 'regulatory', 'Autorisation ICPE refusée'],
    ]);
    for (const e of items) {
      expect(e.actor).toMatchObject({ id: w.officer.id, displayName: expect.any(String) });
      expect(Date.parse(e.at as string)).not.toBeNaN();
    }
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity', '=', 'synergy')
      .where('entity_id', '=', id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(Array(4).fill('transition'));
    // Events are for officers only.
    for (const [token, status] of [
      [w.companyUser.token, 403],
      [partnerKey, 403],
      [other.officer.token, 404],
    ] as const) {
      const res = await call(t.app, token, { method: 'GET', url: `/v1/synergies/${id}/events` });
      expect(res.statusCode).toBe(status);
    }
  });

  it('replays a transition sent twice with the same Idempotency-Key', async () => {
    const id = await synergyIn('proposed');
    const send = () =>
      call(t.app, w.officer.token, {
        method: 'POST',
        url: `/v1/synergies/${id}/transitions`,
        payload: { to: 'qualified' },
        headers: { 'idempotency-key': `transition-${id}` },
      });
    const first = await send();
    const second = await send();
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect((await stateOf(id)).events).toBe(1);
  });

  it('serves the French labels of statuses, reasons and themes', async () => {
    const res = await call(t.app, w.companyUser.token, {
      method: 'GET',
      url: '/v1/synergy-lifecycle',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body_.statuses).toContainEqual({
      code: 'under_study',
      labelFr: 'À l’étude',
      open: true,
      next: ['in_progress', 'rejected', 'abandoned'],
    });
    expect(res.body_.reasons).toHaveLength(9);
    expect(res.body_.themes.map((x: Json) => x.code)).toContain('energy_purchasing');
  });
});

describe('manual synergies', () => {
  it('creates a synergy found in a meeting: origin manual, qualified, first event by its author', async () => {
    const receiver = await makeCompany(t.app, w.officer.token, territoryId());
    const d = await makeDiagnostic(t.app, w.officer.token, w.company.id as string, {
      validate: true,
    });
    const wasteFlow = (d.flows as Json[]).find((f) => f.resourceCode === '150103')!;
    const payload = {
      type: 'substitution',
      resourceCode: '150103',
      participants: [
        { role: 'supplier', companyId: w.company.id, flowId: wasteFlow.id },
        { role: 'receiver', companyId: receiver.id },
      ],
      quantityPerYear: 24,
      unit: 't',
      explanationFr: 'Palettes cassées reprises par le menuisier voisin',
      comment: 'Vu en réunion du groupe palettes',
    };
    const res = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/territories/${territoryId()}/synergies`,
      payload,
      headers: { 'idempotency-key': 'manual-synergy-1' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body_).toMatchObject({
      origin: 'manual',
      status: 'qualified',
      type: 'substitution',
      resourceCode: '150103',
      quantityPerYear: 24,
      unit: 't',
      stale: false,
    });
    expect(res.body_.participants.map((p: Json) => [p.role, p.companyId, p.flowId])).toEqual([
      ['supplier', w.company.id, wasteFlow.id],
      ['receiver', receiver.id, null],
    ]);
    const events = await call(t.app, w.officer.token, {
      method: 'GET',
      url: `/v1/synergies/${res.body_.id as string}/events`,
    });
    expect(events.body_.items).toMatchObject([
      {
        fromStatus: null,
        toStatus: 'qualified',
        comment: 'Vu en réunion du groupe palettes',
        actor: { id: w.officer.id },
      },
    ]);
    const replay = await call(t.app, w.officer.token, {
      method: 'POST',
      url: `/v1/territories/${territoryId()}/synergies`,
      payload,
      headers: { 'idempotency-key': 'manual-synergy-1' },
    });
    expect(replay.body_.id).toBe(res.body_.id);
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses inconsistent participants, foreign companies or flows and unknown resources, writing nothing', async () => {
    const d = await makeDiagnostic(t.app, w.officer.token, w.company.id as string, {
      validate: true,
    });
    const flowId = (d.flows as Json[])[0]!.id as string;
    const c2 = await makeCompany(t.app, w.officer.token, territoryId());
    const base = { type: 'substitution', resourceCode: '150103' };
    const cases: [Json, number, string][] = [
      [
        {
          ...base,
          participants: [
            { role: 'supplier', companyId: w.company.id },
            { role: 'receiver', companyId: other.companyId },
          ],
        },
        422,
        'unprocessable',
      ],
      [
        {
          ...base,
          participants: [
            { role: 'supplier', companyId: w.company.id },
            { role: 'supplier', companyId: c2.id },
          ],
        },
        422,
        'unprocessable',
      ],
      [
        {
          ...base,
          participants: [
            { role: 'supplier', companyId: c2.id, flowId },
            { role: 'receiver', companyId: w.company.id },
          ],
        },
        422,
        'unprocessable',
      ],
      [
        {
          ...base,
          resourceCode: 'NOPE.NOPE',
          participants: [
            { role: 'supplier', companyId: w.company.id },
            { role: 'receiver', companyId: c2.id },
          ],
        },
        422,
        'unknown_resource',
      ],
      [
        {
          type: 'mutualisation',
          resourceCode: 'ENE.ELEC',
          participants: [
            { role: 'member', companyId: w.company.id },
            { role: 'receiver', companyId: c2.id },
          ],
        },
        422,
        'unprocessable',
      ],
      [
        { ...base, participants: [{ role: 'supplier', companyId: w.company.id }] },
        400,
        'validation_failed',
      ],
    ];
    const before = await Promise.all(
      (['synergy', 'synergy_participant', 'synergy_event', 'audit_log'] as const).map((x) =>
        countRows(t.database.db, x),
      ),
    );
    for (const [payload, status, code] of cases) {
      const res = await call(t.app, w.officer.token, {
        method: 'POST',
        url: `/v1/territories/${territoryId()}/synergies`,
        payload,
      });
      expect(res.statusCode, res.body).toBe(status);
      expectProblem(res, status, code);
    }
    const after = await Promise.all(
      (['synergy', 'synergy_participant', 'synergy_event', 'audit_log'] as const).map((x) =>
        countRows(t.database.db, x),
      ),
    );
    expect(after).toEqual(before);
  });
});

describe('realised gains', () => {
  const gains = {
    quantityPerYear: 18.5,
    unit: 't',
    eurPerYear: 4200,
    tco2ePerYear: 3.1,
    jobsCreated: 1,
    jobsKept: 2,
    measuredAt: '2026-06-30',
    comment: 'Bilan à six mois',
  };
  const put = (token: string, id: string, body: Json) =>
    call(t.app, token, { method: 'PUT', url: `/v1/synergies/${id}/realised-gains`, payload: body });

  it('records realised figures next to the estimate for in-progress and implemented synergies', async () => {
    for (const status of ['in_progress', 'implemented']) {
      const id = await synergyIn(status);
      const res = await put(w.officer.token, id, gains);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body_.realisedGains).toMatchObject({
        ...gains,
        recordedBy: { id: w.officer.id },
      });
      expect(res.body_).toHaveProperty('estimatedGains');
      const read = await call(t.app, w.officer.token, {
        method: 'GET',
        url: `/v1/synergies/${id}`,
      });
      expect(read.body_.realisedGains).toMatchObject(gains);
    }
  });

  it('refuses them for other statuses (409 realised_gains_not_allowed) and bad figures (400), writing nothing', async () => {
    for (const status of ['proposed', 'qualified', 'under_study', 'rejected', 'abandoned']) {
      const id = await synergyIn(status);
      const res = await put(w.officer.token, id, gains);
      expect(res.statusCode).toBe(409);
      expectProblem(res, 409, 'realised_gains_not_allowed');
      expect((await stateOf(id)).realised_gains).toBeNull();
    }
    const id = await synergyIn('implemented');
    for (const body of [
      { measuredAt: '2026-06-30' },
      { ...gains, unit: null },
      { ...gains, quantityPerYear: -1 },
      { ...gains, jobsCreated: 1.5 },
      { ...gains, measuredAt: '30/06/2026' },
      { ...gains, unit: 'furlong' },
    ]) {
      const res = await put(w.officer.token, id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    for (const [token, status] of [
      [w.companyUser.token, 403],
      [partnerKey, 403],
      [other.officer.token, 404],
    ] as const) {
      expect((await put(token, id, gains)).statusCode).toBe(status);
    }
    expect((await stateOf(id)).realised_gains).toBeNull();
  });
});

describe('follow-up list', () => {
  it('lists qualified, under-study and in-progress synergies with no event for 90 days, oldest first', async () => {
    const t2 = await makeTerritory(t.app, w.admin.token);
    const officer = await makeUser(t.database.db, {
      role: 'officer',
      territoryIds: [t2.id as string],
    });
    const c = await makeCompany(t.app, officer.token, t2.id as string);
    const make = async (status: string, daysAgo: number, eventDaysAgo: number | null) => {
      const s = await t.database.db
        .insertInto('synergy')
        .values({
          territory_id: t2.id as string,
          key: `follow-${++seq}`,
          type: 'mutualisation',
          resource_code: 'ENE.ELEC',
          status,
          created_at: sql<Date>`now() - make_interval(days => ${daysAgo})`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.database.db
        .insertInto('synergy_participant')
        .values({
          synergy_id: s.id,
          territory_id: t2.id as string,
          role: 'member',
          company_id: c.id as string,
          position: 0,
        })
        .execute();
      if (eventDaysAgo !== null)
        await t.database.db
          .insertInto('synergy_event')
          .values({
            synergy_id: s.id,
            territory_id: t2.id as string,
            to_status: status,
            at: sql<Date>`now() - make_interval(days => ${eventDaysAgo})`,
          })
          .execute();
      return s.id;
    };
    const quiet200 = await make('under_study', 300, 200);
    const quiet120 = await make('qualified', 150, 120);
    const neverMoved = await make('in_progress', 100, null);
    await make('in_progress', 300, 10); // recent event
    await make('proposed', 300, 300); // not yet carried by anyone
    await make('implemented', 300, 300); // closed
    await make('rejected', 300, 300);
    const res = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/territories/${t2.id as string}/follow-up`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.body_.items as Json[];
    expect(items.map((i) => i.synergy.id)).toEqual([quiet200, quiet120, neverMoved]);
    expect(items.map((i) => i.daysWithoutEvent)).toEqual([200, 120, 100]);
    const page1 = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/territories/${t2.id as string}/follow-up?limit=2`,
    });
    const page2 = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/territories/${t2.id as string}/follow-up?limit=2&cursor=${page1.body_.nextCursor as string}`,
    });
    expect([...page1.body_.items, ...page2.body_.items].map((i: Json) => i.synergy.id)).toEqual([
      quiet200,
      quiet120,
      neverMoved,
    ]);
    const wider = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/territories/${t2.id as string}/follow-up?days=150`,
    });
    expect(wider.body_.items.map((i: Json) => i.synergy.id)).toEqual([quiet200]);
    // A transition is an event: the synergy leaves the list.
    expect((await transition(officer.token, quiet200, { to: 'in_progress' })).statusCode).toBe(200);
    const after = await call(t.app, officer.token, {
      method: 'GET',
      url: `/v1/territories/${t2.id as string}/follow-up`,
    });
    expect(after.body_.items.map((i: Json) => i.synergy.id)).toEqual([quiet120, neverMoved]);
  });
});

describe('matching runs and the lifecycle', () => {
  const pallets = (kind: 'output' | 'input', quantity: number) => ({
    kind,
    resourceCode: 'LOG.PAL.BROKEN',
    quantity,
    unit: 'unit',
    period: 'year',
  });
  let world: { territoryId: string; officer: { token: string }; supplier: Json; receiver: Json };

  async function rematch(): Promise<void> {
    const res = await call(t.app, world.officer.token, {
      method: 'POST',
      url: `/v1/territories/${world.territoryId}/match-runs`,
      payload: {},
    });
    expect(res.statusCode).toBe(202);
    await executeMatchRun(t.database.db, res.body_.id as string);
  }
  const substitutions = async () =>
    t.database.db
      .selectFrom('synergy')
      .select(['id', 'key', 'status', 'stale'])
      .where('territory_id', '=', world.territoryId)
      .where('type', '=', 'substitution')
      .where('resource_code', '=', 'LOG.PAL.BROKEN')
      .orderBy('created_at')
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    const territory = await makeTerritory(t.app, w.admin.token);
    const officer = await makeUser(t.database.db, {
      role: 'officer',
      territoryIds: [territory.id as string],
    });
    const supplier = await makeCompany(t.app, officer.token, territory.id as string, {
      location: { type: 'Point', coordinates: [5.03, 47.35] },
    });
    const receiver = await makeCompany(t.app, officer.token, territory.id as string, {
      location: { type: 'Point', coordinates: [5.032, 47.351] },
    });
    await makeDiagnostic(t.app, officer.token, supplier.id as string, {
      validate: true,
      flows: [pallets('output', 1200)],
    });
    await makeDiagnostic(t.app, officer.token, receiver.id as string, {
      validate: true,
      flows: [pallets('input', 5000)],
    });
    world = { territoryId: territory.id as string, officer, supplier, receiver };
  });

  it('never resets a status nor loses an event when matching runs again', async () => {
    await rematch();
    const [s] = await substitutions();
    expect(s).toMatchObject({ status: 'proposed', stale: false });
    for (const to of ['qualified', 'under_study']) {
      expect((await transition(world.officer.token, s!.id, { to })).statusCode).toBe(200);
    }
    const events = async () =>
      (
        await call(t.app, world.officer.token, {
          method: 'GET',
          url: `/v1/synergies/${s!.id}/events`,
        })
      ).body_.items as Json[];
    const before = await events();
    expect(before.map((e) => e.toStatus)).toEqual(['proposed', 'qualified', 'under_study']);
    await rematch();
    await rematch();
    const after = await substitutions();
    expect(after).toEqual([{ ...s, status: 'under_study' }]);
    expect(await events()).toEqual(before);
  });

  it('does not propose a rejected pair again while its flows are unchanged, and does once they change', async () => {
    const [s] = await substitutions();
    // Back to a fresh proposal for this test: reject the one under study.
    const rejected = await transition(world.officer.token, s!.id, {
      to: 'rejected',
      reasonCode: 'quality',
      comment: 'Palettes trop abîmées pour ce réparateur',
    });
    expect(rejected.statusCode).toBe(200);
    expect(await countRows(t.database.db, 'synergy_rejection')).toBeGreaterThanOrEqual(1);

    // A new diagnostic version with the same flows: new flow ids, same fingerprint.
    await makeDiagnostic(t.app, world.officer.token, world.supplier.id as string, {
      validate: true,
      flows: [pallets('output', 1200)],
    });
    await rematch();
    let all = await substitutions();
    expect(all.filter((x) => !x.stale && x.status !== 'rejected')).toEqual([]);
    expect(all.find((x) => x.id === s!.id)).toMatchObject({ status: 'rejected' });

    // The supplier now declares more pallets: the flows changed, the pair is proposed again.
    await makeDiagnostic(t.app, world.officer.token, world.supplier.id as string, {
      validate: true,
      flows: [pallets('output', 3000)],
    });
    await rematch();
    all = await substitutions();
    const fresh = all.filter((x) => !x.stale && x.status === 'proposed');
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.key).not.toBe(s!.key);
    expect(all.find((x) => x.id === s!.id)).toMatchObject({ status: 'rejected' });
  });
});
