// Properties over many seeded random snapshots: determinism, naive ==
// indexed, and the incremental property.
import { describe, expect, it } from 'vitest';
import { PreparedSnapshot, runIncremental, runMatching } from '../../../shared/matching/engine.ts';
import { seededRng } from '../../../shared/matching/keys.ts';
import { runMatchingNaive } from '../../../shared/matching/naive.ts';
import type { Proposal, Snapshot } from '../../../shared/matching/types.ts';
import { randomFlows, randomSnapshot, shuffled } from './fixtures.ts';

const SEEDS = Array.from({ length: 150 }, (_, i) => 1000 + i);

function asMap(list: readonly Proposal[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of list) {
    expect(m.has(p.key), `duplicate key ${p.key}`).toBe(false);
    m.set(p.key, p.score);
  }
  return m;
}

/** S_after: the flows of a few companies changed (some kept, some edited, removed or added). */
function perturb(before: Snapshot, seed: number): { after: Snapshot; changed: string[] } {
  const rng = seededRng(seed);
  const ids = before.companies.map((c) => c.id);
  const count = 1 + Math.floor(rng() * Math.min(3, ids.length));
  const changed = new Set<string>();
  while (changed.size < count) changed.add(ids[Math.floor(rng() * ids.length)]!);
  const flows = before.flows.flatMap((f) => {
    if (!changed.has(f.companyId)) return [f];
    const r = rng();
    if (r < 0.3) return []; // removed
    if (r < 0.6)
      return [{ ...f, quantityPerYear: f.quantityPerYear === null ? 42 : f.quantityPerYear * 2 }];
    return [f];
  });
  for (const id of changed) if (rng() < 0.7) flows.push(...randomFlows(rng, id, `n${seed}`));
  return { after: { ...before, flows }, changed: [...changed].sort() };
}

describe('matching properties (seeded random snapshots)', () => {
  it('determinism: shuffled input → identical output', () => {
    for (const seed of SEEDS.slice(0, 60)) {
      const { snapshot } = randomSnapshot(seed);
      const a = runMatching(snapshot);
      expect(a.proposals.length).toBeGreaterThanOrEqual(0);
      expect(runMatching(shuffled(snapshot, seed))).toEqual(a);
      expect(runMatching(snapshot)).toEqual(a);
    }
  });

  it('the generator exercises every kind of proposal', () => {
    const all = SEEDS.flatMap((seed) => runMatching(randomSnapshot(seed).snapshot).proposals);
    expect(
      all.filter((p) => p.type === 'substitution' && p.ruleId === null).length,
    ).toBeGreaterThan(20);
    expect(
      all.filter((p) => p.type === 'substitution' && p.ruleId !== null).length,
    ).toBeGreaterThan(20);
    expect(all.filter((p) => p.type === 'mutualisation').length).toBeGreaterThan(20);
    expect(
      all.filter((p) => p.distanceKm === null && p.type === 'substitution').length,
    ).toBeGreaterThan(0);
  });

  it('naive all-pairs == indexed, on random snapshots', () => {
    for (const seed of SEEDS) {
      const { snapshot } = randomSnapshot(seed);
      expect(runMatchingNaive(snapshot)).toEqual(runMatching(snapshot));
    }
    // Larger and sparser: 300 companies over 150 km.
    for (const seed of [1, 2, 3]) {
      const { snapshot } = randomSnapshot(seed, { companies: 300, spreadKm: 150 });
      const indexed = runMatching(snapshot);
      expect(indexed.proposals.length).toBeGreaterThan(100);
      expect(runMatchingNaive(snapshot)).toEqual(indexed);
    }
  });

  /** `cap`: maxProposalsPerFlow (undefined: the default; 0: no cap). */
  /**
   * `overlay`: the worker's way — a snapshot prepared before the change (with
   * an earlier, unrelated change already applied), the change applied to it.
   */
  const incremental =
    (withPrevious: boolean, cap?: number, overlay = false) =>
    () => {
      let touched = 0;
      for (const seed of SEEDS) {
        const { snapshot: random } = randomSnapshot(seed);
        const base: Snapshot =
          cap === undefined
            ? random
            : { ...random, params: { ...random.params, maxProposalsPerFlow: cap } };
        // Some rejected keys, so that the property holds with rejections too.
        const first = runMatching(base).proposals;
        const before: Snapshot = {
          ...base,
          rejectedKeys: first.filter((_, i) => i % 4 === 1).map((p) => p.key),
        };
        const { after, changed } = perturb(before, seed * 7 + 1);
        const full = runMatching(after).proposals;
        const previousFlows = before.flows.filter((f) => changed.includes(f.companyId));
        let input: Snapshot | PreparedSnapshot = after;
        if (overlay) {
          const prep = new PreparedSnapshot(before);
          const flowsOf = (s: Snapshot, id: string) => s.flows.filter((f) => f.companyId === id);
          // An earlier change that left a company's flows as they are, then this one.
          const other = before.companies.find((c) => !changed.includes(c.id));
          if (other) prep.setCompanyFlows(new Map([[other.id, flowsOf(before, other.id)]]));
          prep.setCompanyFlows(new Map(changed.map((id) => [id, flowsOf(after, id)])));
          input = prep;
        }
        const inc = runIncremental(input, changed, withPrevious ? { previousFlows } : {});
        const expected = new Map(asMap(runMatching(before).proposals));
        for (const p of runMatching(before).proposals) {
          // The worker hands `affects` only the participants among `companies`.
          const seen = p.participants.filter((x) => inc.companies.has(x.companyId));
          expect(inc.affects({ ...p, participants: seen })).toBe(inc.affects(p));
          if (!inc.affects(p)) continue;
          expected.delete(p.key);
          // The worker reads only the stored proposals of `companies`.
          expect(seen.length).toBeGreaterThan(0);
        }
        for (const p of inc.proposals) {
          expect(expected.has(p.key) ? expected.get(p.key) : p.score).toBe(p.score);
          expected.set(p.key, p.score);
        }
        expect(new Map([...expected].sort())).toEqual(new Map([...asMap(full)].sort()));
        // The incremental proposals are exactly the full run's, field for field.
        const byKey = new Map(full.map((p) => [p.key, p]));
        for (const p of inc.proposals) expect(p).toEqual(byKey.get(p.key));
        if (inc.proposals.length > 0) touched++;
      }
      expect(touched).toBeGreaterThan(SEEDS.length / 2);
    };
  it('incremental property, with the companies’ previous flows', incremental(true));
  it('incremental property, without them (all groups re-clustered)', incremental(false));
  it(
    'incremental property, on a prepared snapshot with the change as an overlay',
    incremental(true, undefined, true),
  );
  it(
    'incremental property, prepared snapshot and overlay, at most 1 per flow',
    incremental(true, 1, true),
  );
  for (const cap of [1, 2, 0]) {
    const label = cap === 0 ? 'no cap' : `at most ${cap} per flow`;
    it(`incremental property, ${label}, with previous flows`, incremental(true, cap));
    it(`incremental property, ${label}, without them`, incremental(false, cap));
  }

  it('successive rematches on one prepared snapshot (its cached top lists kept up to date)', () => {
    let steps = 0;
    for (const seed of SEEDS.slice(0, 40)) {
      for (const cap of [undefined, 1]) {
        const { snapshot: random } = randomSnapshot(seed);
        let state: Snapshot =
          cap === undefined
            ? random
            : { ...random, params: { ...random.params, maxProposalsPerFlow: cap } };
        const prep = new PreparedSnapshot(state);
        if (seed % 2 === 0) prep.warmTops();
        for (let k = 0; k < 4; k++) {
          const { after, changed } = perturb(state, seed * 31 + k);
          const previousFlows = state.flows.filter((f) => changed.includes(f.companyId));
          prep.setCompanyFlows(
            new Map(changed.map((id) => [id, after.flows.filter((f) => f.companyId === id)])),
          );
          const inc = runIncremental(prep, changed, { previousFlows });
          const expected = asMap(runMatching(state).proposals);
          for (const p of runMatching(state).proposals) {
            const seen = p.participants.filter((x) => inc.companies.has(x.companyId));
            expect(inc.affects({ ...p, participants: seen })).toBe(inc.affects(p));
            if (inc.affects(p)) expected.delete(p.key);
          }
          for (const p of inc.proposals) expected.set(p.key, p.score);
          const full = runMatching(after).proposals;
          expect(new Map([...expected].sort())).toEqual(new Map([...asMap(full)].sort()));
          const byKey = new Map(full.map((p) => [p.key, p]));
          for (const p of inc.proposals) expect(p).toEqual(byKey.get(p.key));
          state = after;
          steps++;
        }
      }
    }
    expect(steps).toBe(320);
  });

  it('naive == indexed with small caps and on dense snapshots', () => {
    for (const cap of [1, 2, 3]) {
      for (const seed of SEEDS.slice(0, 50)) {
        const { snapshot: r } = randomSnapshot(seed);
        const s = { ...r, params: { ...r.params, maxProposalsPerFlow: cap } };
        expect(runMatchingNaive(s)).toEqual(runMatching(s));
      }
    }
    for (const seed of [5, 6]) {
      const { snapshot } = randomSnapshot(seed, { companies: 300, spreadKm: 8 });
      expect(runMatchingNaive(snapshot)).toEqual(runMatching(snapshot));
    }
  });

  it('incremental with previous flows only re-clusters the groups touched', () => {
    const { snapshot } = randomSnapshot(4242, { companies: 40 });
    const id = snapshot.companies[0]!.id;
    const mine = snapshot.flows.filter((f) => f.companyId === id);
    const inc = runIncremental(snapshot, [id], { previousFlows: mine });
    const full = runMatching(snapshot).proposals;
    const muts = full.filter((p) => p.type === 'mutualisation');
    expect(inc.proposals.filter((p) => p.type === 'mutualisation').length).toBeLessThanOrEqual(
      muts.length,
    );
    // Substitutions answered for: those of the company's flows and of every
    // flow paired with one of them (the candidates, before the caps).
    const uncapped = runMatching({
      ...snapshot,
      params: { ...snapshot.params, maxProposalsPerFlow: 0 },
    }).proposals.filter((p) => p.type === 'substitution');
    const involves = (p: Proposal) => p.participants.some((x) => x.companyId === id);
    const partners = new Set(
      uncapped.filter(involves).flatMap((p) => p.participants.map((x) => x.flowId)),
    );
    let answered = 0;
    for (const p of uncapped) {
      const expected = involves(p) || p.participants.some((x) => partners.has(x.flowId));
      expect(inc.affects(p)).toBe(expected);
      if (expected) answered++;
    }
    expect(answered).toBeLessThan(uncapped.length);
  });
});
