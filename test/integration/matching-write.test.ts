import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proposal } from '../../shared/matching/types.ts';
import { upsertProposals } from '../../services/worker/src/matching/matching.repo.ts';
import { startTestApp, type TestContext } from '../helpers/app.ts';
import { countRows } from '../helpers/db.ts';
import { makeWorld } from '../helpers/factories.ts';

let t: TestContext;
let w: Awaited<ReturnType<typeof makeWorld>>;
beforeAll(async () => {
  t = await startTestApp();
  w = await makeWorld(t.app, t.database.db);
});
afterAll(async () => t?.close());

const proposal = (key: string, members: number): Proposal => ({
  key,
  type: 'mutualisation',
  resourceCode: 'ENE.ELEC',
  ruleId: null,
  score: 1,
  breakdown: { confidence: 1, coverage: 1, distance: 1, regularity: 1, quality: 1, notes: [] },
  explanationFr: 'test',
  participants: Array.from({ length: members }, () => ({
    role: 'member' as const,
    companyId: w.company.id as string,
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
});

describe('writing proposals', () => {
  it('writes a batch whose participants exceed one statement’s bind-parameter limit', async () => {
    // 12 proposals × 1,000 members = 12,000 participant rows = 72,000 parameters if sent at once.
    const batch = Array.from({ length: 12 }, (_, i) => proposal(`big-${i}`, 1000));
    const written = await t.database.db
      .transaction()
      .execute((trx) =>
        upsertProposals(trx, w.territory.id as string, null as unknown as string, batch),
      );
    expect(written).toEqual({ created: 12, updated: 0 });
    expect(await countRows(t.database.db, 'synergy_participant')).toBe(12_000);
    // A re-run updates the same rows and adds no participant.
    const again = await t.database.db
      .transaction()
      .execute((trx) =>
        upsertProposals(trx, w.territory.id as string, null as unknown as string, batch),
      );
    expect(again).toEqual({ created: 0, updated: 12 });
    expect(await countRows(t.database.db, 'synergy_participant')).toBe(12_000);
  });
});
