// Caps per flow: a substitution is kept only if it is among the best N of its
// supply flow AND among the best N of its demand flow (score desc, key asc).
import { describe, expect, it } from 'vitest';
import { runIncremental, runMatching } from '../../../shared/matching/engine.ts';
import { runMatchingNaive } from '../../../shared/matching/naive.ts';
import type { Proposal, Snapshot } from '../../../shared/matching/types.ts';
import { company, flow, northOf, randomSnapshot, shuffled, snapshot } from './fixtures.ts';

const subs = (s: Snapshot): Proposal[] =>
  runMatching(s).proposals.filter((p) => p.type === 'substitution');
const withCap = (s: Snapshot, n: number): Snapshot => ({
  ...s,
  params: { ...s.params, maxProposalsPerFlow: n },
});
const supplier = (p: Proposal) => p.participants[0]!;
const receiver = (p: Proposal) => p.participants[1]!;
const countBy = (list: Proposal[], of: (p: Proposal) => string) => {
  const m = new Map<string, number>();
  for (const p of list) m.set(of(p), (m.get(of(p)) ?? 0) + 1);
  return m;
};

/** One supply flow at the origin and `n` demand flows 1, 2, … km north. */
function oneSupplyManyDemands(n: number): Snapshot {
  const companies = [company('S')];
  const flows = [flow('S', 'waste', '150101', 100, { id: 'fs' })];
  for (let i = 1; i <= n; i++) {
    companies.push(northOf(`D${i}`, i));
    flows.push(flow(`D${i}`, 'input', '150101', 100, { id: `fd${i}` }));
  }
  return snapshot({ companies, flows });
}

/** One demand flow at the origin and `n` supply flows 1, 2, … km north. */
function manySuppliesOneDemand(n: number): Snapshot {
  const companies = [company('D')];
  const flows = [flow('D', 'input', '150101', 100, { id: 'fd' })];
  for (let i = 1; i <= n; i++) {
    companies.push(northOf(`S${i}`, i));
    flows.push(flow(`S${i}`, 'waste', '150101', 100, { id: `fs${i}` }));
  }
  return snapshot({ companies, flows });
}

describe('caps per flow', () => {
  it('defaults to 5 per flow', () => {
    expect(oneSupplyManyDemands(8).params.maxProposalsPerFlow).toBe(5);
  });

  it('per supply flow: its N best outlets (the nearest here)', () => {
    const s = oneSupplyManyDemands(8);
    expect(subs(s).map((p) => receiver(p).companyId)).toEqual(['D1', 'D2', 'D3', 'D4', 'D5']);
    expect(subs(withCap(s, 2)).map((p) => receiver(p).companyId)).toEqual(['D1', 'D2']);
    expect(subs(withCap(s, 0))).toHaveLength(8); // below 1: no cap
    expect(subs(withCap(s, Infinity))).toHaveLength(8);
  });

  it('per demand flow: its N best sources', () => {
    const s = manySuppliesOneDemand(8);
    expect(subs(s).map((p) => supplier(p).companyId)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    expect(subs(withCap(s, 1)).map((p) => supplier(p).companyId)).toEqual(['S1']);
  });

  it('AND: kept only if in the top N of both its flows', () => {
    // S1 is next to D1 and D2; S2 is 3 km away from both. N = 1: S1 keeps
    // one outlet (D1 and D2 tie: the lower key); S2 is in no receiver's top 1
    // (S1 is nearer to both), so none of its candidates is kept.
    const s = snapshot({
      companies: [company('S1'), company('D1'), company('D2'), northOf('S2', 3)],
      flows: [
        flow('S1', 'waste', '150101', 100, { id: 'a-s1' }),
        flow('S2', 'waste', '150101', 100, { id: 'a-s2' }),
        flow('D1', 'input', '150101', 100, { id: 'a-d1' }),
        flow('D2', 'input', '150101', 100, { id: 'a-d2' }),
      ],
    });
    const all = subs(withCap(s, 0));
    expect(all).toHaveLength(4);
    const kept = subs(withCap(s, 1));
    expect(kept).toHaveLength(1);
    expect(supplier(kept[0]!).companyId).toBe('S1');
    // The tie between D1 and D2 (same score) goes to the lower key.
    const s1 = all.filter((p) => supplier(p).companyId === 'S1');
    expect(s1[0]!.score).toBe(s1[1]!.score);
    expect(kept[0]!.key).toBe([s1[0]!.key, s1[1]!.key].sort()[0]);
    expect(runMatchingNaive(withCap(s, 1))).toEqual(runMatching(withCap(s, 1)));
  });

  it('ties: key order, whatever the order of the input', () => {
    // Ten receivers at the same place: all scores equal.
    const companies = [company('S')];
    const flows = [flow('S', 'waste', '150101', 100, { id: 'fs' })];
    for (let i = 0; i < 10; i++) {
      companies.push(northOf(`D${i}`, 2));
      flows.push(flow(`D${i}`, 'input', '150101', 100, { id: `fd${i}` }));
    }
    const s = snapshot({ companies, flows });
    const all = subs(withCap(s, 0));
    expect(new Set(all.map((p) => p.score)).size).toBe(1);
    const kept = subs(s);
    expect(kept.map((p) => p.key)).toEqual(
      all
        .map((p) => p.key)
        .sort()
        .slice(0, 5),
    );
    for (let seed = 1; seed <= 5; seed++) expect(subs(shuffled(s, seed))).toEqual(kept);
  });

  it('a rejected proposal leaves its place to the next best', () => {
    const s = oneSupplyManyDemands(8);
    const first = subs(s);
    const rejected = { ...s, rejectedKeys: [first[0]!.key] };
    expect(subs(rejected).map((p) => receiver(p).companyId)).toEqual([
      'D2',
      'D3',
      'D4',
      'D5',
      'D6',
    ]);
    expect(runMatchingNaive(rejected)).toEqual(runMatching(rejected));
  });

  it('bounds the count on a dense random snapshot (each kept one in the top N of both flows)', () => {
    for (const n of [1, 3, 5]) {
      const { snapshot: r } = randomSnapshot(77, { companies: 400, spreadKm: 4 });
      const s = withCap(r, n);
      const all = subs(withCap(r, 0));
      const kept = subs(s);
      const supplies = new Set(all.map((p) => supplier(p).flowId));
      const demands = new Set(all.map((p) => receiver(p).flowId));
      expect(kept.length).toBeLessThan(all.length);
      expect(kept.length).toBeLessThanOrEqual(n * Math.min(supplies.size, demands.size));
      for (const c of countBy(kept, (p) => supplier(p).flowId).values()) {
        expect(c).toBeLessThanOrEqual(n);
      }
      for (const c of countBy(kept, (p) => receiver(p).flowId).values()) {
        expect(c).toBeLessThanOrEqual(n);
      }
      // Exactly the candidates in the top N of their supply and of their demand.
      const top = (of: (p: Proposal) => string) => {
        const lists = new Map<string, Proposal[]>();
        for (const p of all) lists.set(of(p), [...(lists.get(of(p)) ?? []), p]);
        return new Set([...lists.values()].flatMap((l) => l.slice(0, n).map((p) => p.key)));
      };
      const bySupply = top((p) => supplier(p).flowId);
      const byDemand = top((p) => receiver(p).flowId);
      expect(kept.map((p) => p.key)).toEqual(
        all.filter((p) => bySupply.has(p.key) && byDemand.has(p.key)).map((p) => p.key),
      );
      if (n === 3) expect(runMatchingNaive(s)).toEqual(runMatching(s));
    }
  });

  it('incremental: a new better receiver pushes a third party out of a supplier’s top N', () => {
    const before = withCap(oneSupplyManyDemands(3), 2);
    const x = northOf('X', 0.5);
    const after: Snapshot = {
      ...before,
      companies: [...before.companies, x],
      flows: [...before.flows, flow('X', 'input', '150101', 100, { id: 'fx' })],
    };
    const old = subs({ ...before, companies: after.companies });
    expect(old.map((p) => receiver(p).companyId)).toEqual(['D1', 'D2']);
    const inc = runIncremental(after, ['X'], { previousFlows: [] });
    const d2 = old.find((p) => receiver(p).companyId === 'D2')!;
    expect(inc.affects(d2)).toBe(true);
    expect(inc.proposals.map((p) => receiver(p).companyId)).toEqual(['X', 'D1']);
    expect(subs(after).map((p) => receiver(p).companyId)).toEqual(['X', 'D1']);
  });
});

describe('runIncremental with previousFlows', () => {
  it('uses their contents: a group the company left is re-clustered', () => {
    // Three companies pooled a 1501 waste collection; X no longer declares its waste.
    const cs = [company('X'), northOf('Y', 0.5), northOf('Z', 1), northOf('W', 1.5)];
    const xWaste = flow('X', 'waste', '150101', 10, { id: 'x-w' });
    const others = ['Y', 'Z', 'W'].map((id) => flow(id, 'waste', '150102', 10, { id: `${id}-w` }));
    const before = snapshot({ companies: cs, flows: [xWaste, ...others] });
    const after = snapshot({ companies: cs, flows: others });
    const pooled = runMatching(before).proposals.filter((p) => p.type === 'mutualisation');
    expect(pooled).toHaveLength(1);
    const scoped = runIncremental(after, ['X'], { previousFlows: [xWaste] });
    expect(scoped.affects(pooled[0]!)).toBe(true);
    expect(scoped.proposals.filter((p) => p.type === 'mutualisation')).toEqual(
      runMatching(after).proposals.filter((p) => p.type === 'mutualisation'),
    );
    // Without that flow among the previous ones, the group is not touched.
    const blind = runIncremental(after, ['X'], { previousFlows: [] });
    expect(blind.proposals.filter((p) => p.type === 'mutualisation')).toEqual([]);
  });
});
