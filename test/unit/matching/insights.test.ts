import { describe, expect, it } from 'vitest';
import { runMatching } from '../../../shared/matching/engine.ts';
import { company, flow, northOf, rule, snapshot } from './fixtures.ts';

describe('insights', () => {
  const A = company('A', { zoneId: null });
  const B = northOf('B', 5, { zoneId: null });
  const C = northOf('C', 10, { zoneId: null });
  const D = northOf('D', 300, { zoneId: null });
  const s = snapshot({
    companies: [A, B, C, D],
    flows: [
      flow('A', 'waste', '150101', 10, { id: 'a1' }),
      flow('B', 'input', '150101', 10, { id: 'b1' }),
      flow('B', 'waste', '020704', 50, { id: 'b2' }),
      flow('C', 'input', 'MAT.AGRI.FEED', 50, { id: 'c1' }),
      flow('D', 'waste', '100102', 5, { id: 'd1' }),
      flow('D', 'waste', '100102', 7, { id: 'd2' }),
      flow('C', 'output', 'LOG.PAL.BROKEN', null, { id: 'c2' }),
    ],
    rules: [rule('grains', { codes: ['020704'] }, { codes: ['MAT.AGRI.FEED'] })],
  });
  const r = runMatching(s);

  it('a cascade A → B → C', () => {
    expect(r.proposals).toHaveLength(2);
    const ab = r.proposals.find((p) => p.participants[0]!.companyId === 'A')!;
    const bc = r.proposals.find((p) => p.participants[0]!.companyId === 'B')!;
    expect(r.insights.cascades).toEqual([
      { companyIds: ['A', 'B', 'C'], proposalKeys: [ab.key, bc.key] },
    ]);
  });

  it('no cascade back to the first company (A → B → A)', () => {
    const loop = snapshot({
      companies: [A, B],
      flows: [
        flow('A', 'waste', '150101', 10),
        flow('B', 'input', '150101', 10),
        flow('B', 'waste', '020704', 10),
        flow('A', 'input', '020704', 10),
      ],
    });
    const res = runMatching(loop);
    expect(res.proposals).toHaveLength(2);
    expect(res.insights.cascades).toEqual([]);
  });

  it('anchors by number of proposals', () => {
    expect(r.insights.anchors).toEqual([
      { companyId: 'B', proposals: 2 },
      { companyId: 'A', proposals: 1 },
      { companyId: 'C', proposals: 1 },
    ]);
  });

  it('unmatched supply resources', () => {
    expect(r.insights.unmatchedResources).toEqual([
      { resourceCode: '100102', companies: 1, quantityPerYear: 12, unit: 't' },
      { resourceCode: 'LOG.PAL.BROKEN', companies: 1, quantityPerYear: 0, unit: null },
    ]);
  });
});
