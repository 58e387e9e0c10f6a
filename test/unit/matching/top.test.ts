// The flow tree's bounds and the best-first top lists, against brute force:
// every node's distance bound is below the distance of each of its points, a
// range query holds every point within its radius, and each flow's top list
// is the one the enumeration of every pair leaves in the bounded lists.
import { describe, expect, it } from 'vitest';
import { buildContext, isDemand, isSupply, sortedById } from '../../../shared/matching/context.ts';
import { FlowTree } from '../../../shared/matching/flow-tree.ts';
import { distanceKm } from '../../../shared/matching/geo.ts';
import { seededRng } from '../../../shared/matching/keys.ts';
import {
  buildDemandIndex,
  buildSupplyIndex,
  CandidateTable,
  CapCollector,
  codesOf,
  searchSupplies,
} from '../../../shared/matching/substitution.ts';
import { TopSearch } from '../../../shared/matching/top.ts';
import type { Snapshot } from '../../../shared/matching/types.ts';
import { randomSnapshot } from './fixtures.ts';

interface Point {
  lon: number;
  lat: number;
  q: number | null;
}

function randomPoints(seed: number, n: number, spreadDeg: number): Point[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => ({
    lon: 4.5 + (rng() - 0.5) * spreadDeg * 1.5,
    lat: 46.5 + (rng() - 0.5) * spreadDeg,
    q: rng() < 0.15 ? null : rng() < 0.05 ? 0 : 10 ** (rng() * 6 - 2),
  }));
}

const treeOf = (points: Point[]) =>
  new FlowTree(
    points,
    (p) => p,
    (p) => p.q,
    () => 't',
  );

/** Every node of a tree with the indices of its points. */
function* nodes(tree: FlowTree<Point>): Generator<[number, number[]]> {
  for (let node = 0; node < tree.nodeCount; node++) {
    const ks: number[] = [];
    for (let k = tree.start[node]!; k < tree.end[node]!; k++) ks.push(k);
    yield [node, ks];
  }
}

describe('flow tree', () => {
  it('bounds each node: distance below every point’s, quantity extremes exact', () => {
    for (const [seed, spread] of [
      [1, 0.2],
      [2, 3],
      [3, 12],
    ] as const) {
      const points = randomPoints(seed, 400, spread);
      const tree = treeOf(points);
      expect(tree.items).toHaveLength(points.length);
      expect(new Set(tree.items)).toEqual(new Set(points));
      const probes = randomPoints(seed + 100, 30, spread * 1.5);
      for (const [node, ks] of nodes(tree)) {
        const qs = ks.map((k) => tree.qty[k]!);
        const positive = qs.filter((q) => q > 0);
        expect(tree.maxQty[node]).toBe(positive.length ? Math.max(...positive) : 0);
        expect(tree.maxInvQty[node]).toBe(
          positive.length ? Math.max(...positive.map((q) => 1 / q)) : 0,
        );
        expect(tree.unknownQty[node]).toBe(positive.length < qs.length ? 1 : 0);
        for (const p of probes) {
          const bound = tree.minDistanceKm(node, p.lon, p.lat, Math.cos((p.lat * Math.PI) / 180));
          for (const k of ks) {
            const d = distanceKm(p, { lon: tree.lon[k]!, lat: tree.lat[k]! });
            expect(bound).toBeLessThanOrEqual(d);
          }
        }
      }
    }
  });

  it('a range query holds every point within its radius', () => {
    const points = randomPoints(7, 2000, 4);
    const tree = treeOf(points);
    for (const p of randomPoints(8, 40, 4)) {
      for (const km of [0.5, 5, 40, 150]) {
        const found = new Set<Point>();
        tree.around(p.lon, p.lat, km, (x) => found.add(x));
        for (const x of points) if (distanceKm(p, x) <= km) expect(found.has(x)).toBe(true);
      }
    }
  });
});

/** Every flow's top list, by the enumeration of every pair into the bounded lists. */
function enumeratedTops(s: Snapshot) {
  const ctx = buildContext(s);
  const flows = sortedById(s.flows);
  const collector = new CapCollector(ctx);
  searchSupplies(ctx, flows.filter(isSupply), buildDemandIndex(ctx, flows), collector.add);
  const out = new Map<string, string[]>();
  for (const f of flows) {
    const list = isSupply(f) ? collector.topOfSupply(f.id) : collector.topOfDemand(f.id);
    out.set(
      f.id,
      list.map((p) => `${p.key}:${p.score}`),
    );
  }
  return out;
}

function searchedTops(s: Snapshot) {
  const ctx = buildContext(s);
  const flows = sortedById(s.flows);
  const demands = buildDemandIndex(ctx, flows);
  const supplies = buildSupplyIndex(ctx, flows);
  const table = new CandidateTable(ctx, codesOf(demands));
  const n = ctx.params.maxProposalsPerFlow;
  const ofSupply = new TopSearch(ctx, demands, table, n);
  const ofDemand = new TopSearch(ctx, supplies, table, n);
  const out = new Map<string, string[]>();
  for (const f of flows) {
    if (!isSupply(f) && !isDemand(f)) continue;
    const list = (isSupply(f) ? ofSupply : ofDemand).top(f);
    out.set(
      f.id,
      list.map((p) => `${p.key}:${p.score}`),
    );
  }
  return out;
}

describe('best-first top lists', () => {
  it('equal the enumeration’s for every flow (caps 1 to 5, rejected keys, dense and sparse)', () => {
    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const dense = seed % 2 === 0;
      const { snapshot: base } = randomSnapshot(seed * 13, {
        companies: dense ? 120 : 60,
        spreadKm: dense ? 6 : 120,
      });
      const cap = 1 + (seed % 5);
      let s: Snapshot = { ...base, params: { ...base.params, maxProposalsPerFlow: cap } };
      // Reject a few of the best pairs: the next ones take their place.
      const rejected = [...enumeratedTops(s).values()]
        .flat()
        .filter((_, i) => i % 3 === 0)
        .map((x) => x.split(':')[0]!);
      s = { ...s, rejectedKeys: rejected };
      const expected = enumeratedTops(s);
      const got = searchedTops(s);
      for (const [id, list] of got) {
        expect(list, `flow ${id}, seed ${seed}`).toEqual(expected.get(id) ?? []);
        if (list.length > 0) compared++;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
