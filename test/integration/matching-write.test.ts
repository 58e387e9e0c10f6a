import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proposal } from '../../shared/matching/types.ts';
import { copyingTransaction } from '../../services/core/src/db/database.ts';
import {
  markUnproposedStale,
  upsertProposals,
} from '../../services/worker/src/matching/matching.repo.ts';
import { startTestApp, type TestContext } from '../helpers/app.ts';
import { countRows } from '../helpers/db.ts';
import { makeCompany, makeTerritory, makeWorld } from '../helpers/factories.ts';

let t: TestContext;
let w: Awaited<ReturnType<typeof makeWorld>>;
beforeAll(async () => {
  t = await startTestApp();
  w = await makeWorld(t.app, t.database.db);
});
afterAll(async () => t?.close());

const proposal = (
  key: string,
  members: number,
  companyId = w.company.id as string,
  overrides: Partial<Proposal> = {},
): Proposal => ({
  key,
  type: 'mutualisation',
  resourceCode: 'ENE.ELEC',
  ruleId: null,
  score: 1,
  breakdown: { confidence: 1, coverage: 1, distance: 1, regularity: 1, quality: 1, notes: [] },
  explanationFr: 'test',
  participants: Array.from({ length: members }, () => ({
    role: 'member' as const,
    companyId,
    flowId: null as unknown as string,
  })),
  distanceKm: null,
  quantityPerYear: null,
  unit: null,
  theme: 'energy_purchasing',
  gains: {
    tonnesDivertedPerYear: null,
    tco2eAvoidedPerYear: null,
    eurPerYear: null,
    factors: [],
    assumptions: [],
  },
  ...overrides,
});

/** What a full run writes: the upsert, then the stale marking, in one copyingTransaction. */
const fullRun = (territoryId: string, proposals: Proposal[]) =>
  copyingTransaction(t.database.db, async (trx, copy) => {
    const written = await upsertProposals(
      trx,
      territoryId,
      null as unknown as string,
      proposals,
      copy,
    );
    return { ...written, stale: await markUnproposedStale(trx, territoryId) };
  });

async function freshTerritory() {
  const territory = await makeTerritory(t.app, w.admin.token);
  const company = await makeCompany(t.app, w.admin.token, territory.id as string);
  return { territoryId: territory.id as string, companyId: company.id as string };
}

const synergies = (territoryId: string) =>
  t.database.db
    .selectFrom('synergy')
    .select(['id', 'key', 'origin', 'status', 'stale', 'stale_since', 'score', 'updated_at'])
    .where('territory_id', '=', territoryId)
    .orderBy('key')
    .execute();

describe('writing proposals', () => {
  it('writes a batch whose participants exceed one statement’s bind-parameter limit', async () => {
    // 12 proposals × 1,000 members = 12,000 participant rows = 72,000 parameters if sent at once.
    const { territoryId, companyId } = await freshTerritory();
    const batch = Array.from({ length: 12 }, (_, i) => proposal(`big-${i}`, 1000, companyId));
    const participants = () =>
      t.database.db
        .selectFrom('synergy_participant')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('territory_id', '=', territoryId)
        .executeTakeFirstOrThrow();
    expect(await fullRun(territoryId, batch)).toEqual({ created: 12, updated: 0, stale: 0 });
    expect((await participants()).n).toBe(12_000);
    // A re-run updates the same rows and adds no participant.
    expect(await fullRun(territoryId, batch)).toEqual({ created: 0, updated: 12, stale: 0 });
    expect((await participants()).n).toBe(12_000);
  });

  it('a full run marks stale exactly the engine synergies it did not propose again', async () => {
    const { territoryId, companyId } = await freshTerritory();
    const p = (key: string, overrides: Partial<Proposal> = {}) =>
      proposal(key, 3, companyId, overrides);
    const db = t.database.db;
    const events = async () => countRows(db, 'synergy_event');
    const eventsBefore = await events();

    expect(await fullRun(territoryId, [p('a'), p('b'), p('c')])).toEqual({
      created: 3,
      updated: 0,
      stale: 0,
    });
    expect((await events()) - eventsBefore).toBe(3); // one 'proposed' event per new synergy
    // A person's work: a status on b, a synergy added by hand.
    await db
      .updateTable('synergy')
      .set({ status: 'qualified' })
      .where('territory_id', '=', territoryId)
      .where('key', '=', 'b')
      .execute();
    await db
      .insertInto('synergy')
      .values({
        territory_id: territoryId,
        key: 'manual',
        type: 'substitution',
        resource_code: 'ENE.ELEC',
        origin: 'manual',
      })
      .execute();
    const first = await synergies(territoryId);

    // b's figures change, c is not proposed again, d is new.
    expect(await fullRun(territoryId, [p('a'), p('b', { score: 0.5 }), p('d')])).toEqual({
      created: 1,
      updated: 2,
      stale: 1,
    });
    expect((await events()) - eventsBefore).toBe(4);
    const second = await synergies(territoryId);
    const byKey = (rows: typeof second) => new Map(rows.map((r) => [r.key, r]));
    const s2 = byKey(second);
    expect(second.filter((r) => r.stale).map((r) => r.key)).toEqual(['c']);
    expect(s2.get('c')!.stale_since).not.toBeNull();
    expect(s2.get('b')).toMatchObject({ status: 'qualified', score: 0.5, stale: false });
    expect(s2.get('manual')).toMatchObject({ origin: 'manual', stale: false });
    // Same figures: the row is left as it was.
    expect(s2.get('a')!.updated_at).toEqual(byKey(first).get('a')!.updated_at);

    // Only a is proposed: b and d become stale; c, stale already, keeps its date.
    expect(await fullRun(territoryId, [p('a')])).toEqual({ created: 0, updated: 1, stale: 2 });
    const s3 = byKey(await synergies(territoryId));
    expect([...s3.values()].filter((r) => r.stale).map((r) => r.key)).toEqual(['b', 'c', 'd']);
    expect(s3.get('c')!.stale_since).toEqual(s2.get('c')!.stale_since);
    expect(s3.get('manual')!.stale).toBe(false);

    // c proposed again, identical: the same row, current again, no new participant or event.
    const participantsBefore = await countRows(db, 'synergy_participant');
    expect(await fullRun(territoryId, [p('a'), p('c')])).toEqual({
      created: 0,
      updated: 2,
      stale: 0,
    });
    const s4 = byKey(await synergies(territoryId));
    expect(s4.get('c')).toMatchObject({ id: s2.get('c')!.id, stale: false, stale_since: null });
    expect(s4.get('b')).toMatchObject({ status: 'qualified', stale: true });
    expect(await countRows(db, 'synergy_participant')).toBe(participantsBefore);
    expect((await events()) - eventsBefore).toBe(4);
  });

  it('awkward texts survive COPY byte for byte', async () => {
    const { territoryId, companyId } = await freshTerritory();
    const awkward = [
      'tab\there',
      'line\nbreak and\r\ncarriage return',
      'back\\slash \\N \\. \\t',
      '"double" \'single\' « guillemets »',
      'unicode: é à ç œ — ∑ 中文 😀',
      '\\',
      '',
    ];
    const proposals = awkward.map((text, i) =>
      proposal(`awkward-${i}`, 1, companyId, {
        explanationFr: text,
        unit: text,
        breakdown: {
          confidence: 1,
          coverage: 1,
          distance: 1,
          regularity: 1,
          quality: 1,
          notes: [text, `${text}\u0001`],
        },
      }),
    );
    await fullRun(territoryId, proposals);
    const rows = await t.database.db
      .selectFrom('synergy')
      .select(['key', 'explanation_fr', 'unit', 'score_breakdown'])
      .where('territory_id', '=', territoryId)
      .execute();
    const byKey = new Map(rows.map((r) => [r.key, r]));
    for (const p of proposals) {
      const r = byKey.get(p.key)!;
      expect(r.explanation_fr).toBe(p.explanationFr);
      expect(r.unit).toBe(p.unit);
      expect(r.score_breakdown).toEqual(p.breakdown);
    }
  });
});
