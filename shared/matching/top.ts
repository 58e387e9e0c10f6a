// The top N candidates of one flow without listing all of them. With the caps
// (a pair is kept when it is in the best N of its supply flow and of its
// demand flow), a full run needs every flow's top N, not every pair: a
// recycler 300 km from ten thousand packaging wastes needs only its best
// five. The other side's flows are searched best first, node by node of
// their tree (flow-tree.ts), each node with an upper bound of any score it
// holds; the search stops when no node can beat the N-th best found. The
// list is exactly the one the enumeration of every pair gives (score desc,
// key asc; rejected keys are not candidates), as the tests and the naive
// comparison of the benchmark check.
import { sortedById, isDemand, isSupply, unitOf, type Context } from './context.ts';
import type { FlowTree } from './flow-tree.ts';
import { distanceKm, hasLocation } from './geo.ts';
import {
  applicableConversion,
  buildDemandIndex,
  buildSupplyIndex,
  CandidateTable,
  CapCollector,
  capOf,
  codesOf,
  layers,
  offer,
  ONE_OFF_REGULARITY,
  sameUnit,
  scorePair,
  searchSupplies,
  UNKNOWN_COVERAGE,
  type Candidate,
  type FlowEntry,
  type FlowIndex,
  type ScoredPair,
} from './substitution.ts';
import type { Proposal, SnapshotCompany, SnapshotFlow } from './types.ts';

/** Relative margin on the bounds, far above the rounding of their few operations. */
const MARGIN = 1 + 1e-9;
const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

/** One tree of the other side to search, with the candidates between the two codes. */
interface Target {
  tree: FlowTree<FlowEntry>;
  hidden: ReadonlySet<string> | undefined;
  candidates: readonly Candidate[];
  /** The supply category a demand's search is restricted to (null from a supply). */
  category: string | null;
  /**
   * Per candidate: the factor from the supply's quantity to the demand's
   * unit (a rule's conversion, or 1 for the same unit); NaN when the units
   * are not comparable (coverage 0.5), Infinity when the tree's units differ
   * (no bound from quantities).
   */
  reach: Float64Array;
}

/** What scoring multiplies the supply's quantity by, for these units; NaN when not comparable. */
function reachOf(c: Candidate, sUnit: string | null, dUnit: string | null): number {
  return applicableConversion(c, sUnit, dUnit)?.factor ?? (sameUnit(sUnit, dUnit) ? 1 : NaN);
}

/**
 * A max-heap of (bound, target, node) in three parallel arrays (no object
 * per entry: a national run pushes millions).
 */
class NodeHeap {
  private readonly b: number[] = [];
  private readonly t: number[] = [];
  private readonly n: number[] = [];

  get size() {
    return this.b.length;
  }

  private set(i: number, bound: number, target: number, node: number) {
    this.b[i] = bound;
    this.t[i] = target;
    this.n[i] = node;
  }

  /** Moves entry `from` to `to`. */
  private move(to: number, from: number) {
    this.set(to, this.b[from]!, this.t[from]!, this.n[from]!);
  }

  push(bound: number, target: number, node: number) {
    const b = this.b;
    let i = b.length;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (b[up]! >= bound) break;
      this.move(i, up);
      i = up;
    }
    this.set(i, bound, target, node);
  }

  clear(): void {
    this.b.length = 0;
    this.t.length = 0;
    this.n.length = 0;
  }

  topBound(): number {
    return this.b[0]!;
  }

  /** Removes the top; returns its target and node through `out`. */
  pop(out: [number, number]): void {
    const { b, t, n } = this;
    out[0] = t[0]!;
    out[1] = n[0]!;
    const lb = b.pop()!;
    const lt = t.pop()!;
    const ln = n.pop()!;
    const size = b.length;
    if (size === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && b[r]! > b[l]! ? r : l;
      if (b[c]! <= lb) break;
      this.move(i, c);
      i = c;
    }
    this.set(i, lb, lt, ln);
  }
}

interface ZoneTarget {
  category: string | null;
  candidates: readonly Candidate[];
  /** Per layer of the other side (with the companies it hides): zone id → its flows of the code. */
  byZone: [ReadonlyMap<string, FlowEntry[]>, ReadonlySet<string> | undefined][];
}

/** An index's zone lists (`${zoneId}|${code}` → flows) by code then zone, built once per index. */
const zoneListsByCode = new WeakMap<
  ReadonlyMap<string, FlowEntry[]>,
  Map<string, Map<string, FlowEntry[]>>
>();
function zoneListsOf(lists: ReadonlyMap<string, FlowEntry[]>, code: string) {
  let byCode = zoneListsByCode.get(lists);
  if (!byCode) {
    byCode = new Map();
    for (const [k, entries] of lists) {
      const bar = k.indexOf('|');
      const c = k.slice(bar + 1);
      let m = byCode.get(c);
      if (!m) byCode.set(c, (m = new Map<string, FlowEntry[]>()));
      m.set(k.slice(0, bar), entries);
    }
    zoneListsByCode.set(lists, byCode);
  }
  return byCode.get(code);
}

/** What a flow's search looks at on the other side, the same for every flow of its code and unit. */
interface Plan {
  trees: Target[];
  zones: ZoneTarget[];
}

/**
 * The exact top `n` candidates of flows against the other side's index
 * (score desc, key asc), as `offer` over every candidate would leave them:
 * supplies are searched against a demand index, demands against a supply
 * index. One searcher serves many flows (what it looks at is planned once
 * per resource code, category and unit); it must not outlive its index.
 */
export class TopSearch {
  private readonly plans = new Map<string, Map<string, Map<string | null, Plan[]>>>();
  private readonly heap = new NodeHeap();
  private readonly at: [number, number] = [0, 0];
  private readonly layers: ReturnType<typeof layers>;
  // The flow being searched.
  private list: ScoredPair[] = [];
  private threshold = 0;
  private supplySide = true;
  private ownQty = 0;
  private ownUnknown = false;
  private regularity = 1;

  constructor(
    private readonly ctx: Context,
    private readonly other: FlowIndex,
    private readonly table: CandidateTable,
    private readonly n: number,
  ) {
    this.layers = layers(other);
  }

  private plan(f: SnapshotFlow, supplySide: boolean, located: boolean): Plan {
    const ownUnit = unitOf(this.ctx, f);
    // By code, category and unit (the same few strings on every flow), then side and location.
    let byCategory = this.plans.get(f.resourceCode);
    if (!byCategory)
      this.plans.set(f.resourceCode, (byCategory = new Map<string, Map<string | null, Plan[]>>()));
    let byUnit = byCategory.get(f.category);
    if (!byUnit) byCategory.set(f.category, (byUnit = new Map<string | null, Plan[]>()));
    let slots = byUnit.get(ownUnit);
    if (!slots) byUnit.set(ownUnit, (slots = []));
    const slot = (supplySide ? 2 : 0) + (located ? 1 : 0);
    let plan = slots[slot];
    if (plan) return plan;
    plan = { trees: [], zones: [] };
    slots[slot] = plan;
    const add = (code: string, category: string | null, candidates: readonly Candidate[]) => {
      const byZone: ZoneTarget['byZone'] = [];
      for (const [ix, hidden] of this.layers) {
        const lists = zoneListsOf(located ? ix.unlocatedByZone : ix.allByZone, code);
        if (lists) byZone.push([lists, hidden]);
      }
      plan.zones.push({ category, candidates, byZone });
      if (!located) return;
      for (const [ix, hidden] of this.layers) {
        const tree = ix.located.get(code);
        if (!tree || tree.size === 0) continue;
        const unit = tree.unit;
        const reach = Float64Array.from(candidates, (c) =>
          unit === undefined
            ? Infinity
            : supplySide
              ? reachOf(c, ownUnit, unit)
              : reachOf(c, unit, ownUnit),
        );
        plan.trees.push({ tree, hidden, candidates, category, reach });
      }
    };
    if (supplySide) {
      for (const { demandCode, candidates } of this.table.get(f.resourceCode, f.category)) {
        add(demandCode, null, candidates);
      }
    } else {
      for (const { supplyCode, category, candidates } of this.table.feeders(
        this.other,
        f.resourceCode,
      )) {
        add(supplyCode, category, candidates);
      }
    }
    return plan;
  }

  /** The flow's top n (a new list). */
  top(f: SnapshotFlow): ScoredPair[] {
    const ctx = this.ctx;
    const list: ScoredPair[] = [];
    const own = ctx.companies.get(f.companyId);
    const supplySide = isSupply(f);
    if (!own || !(supplySide || isDemand(f))) return list;
    const located = hasLocation(own);
    const plan = this.plan(f, supplySide, located);
    if (plan.zones.length === 0) return list;
    this.list = list;
    this.threshold = ctx.params.minScore;
    this.supplySide = supplySide;
    this.ownQty = f.quantityPerYear ?? NaN;
    this.ownUnknown = supplySide ? f.quantityPerYear === null : !(this.ownQty > 0);
    this.regularity = f.period === 'one_off' ? ONE_OFF_REGULARITY : 1;

    // Pairs through a shared zone (no distance): a located flow meets the
    // zone's unlocated flows; an unlocated one, all of them.
    if (own.zoneId !== null) {
      for (const z of plan.zones) {
        for (const [lists, hidden] of z.byZone) {
          const zoneList = lists.get(own.zoneId);
          if (zoneList === undefined) continue;
          for (const e of zoneList) {
            if (e.company.id === own.id || hidden?.has(e.company.id)) continue;
            if (z.category !== null && e.flow.category !== z.category) continue;
            this.consider(f, own, e, null, z.candidates);
          }
        }
      }
    }
    if (plan.trees.length === 0) return list;

    const pos = own as SnapshotCompany & { lon: number; lat: number };
    const cosLat = Math.cos(pos.lat * (Math.PI / 180));
    const heap = this.heap;
    const trees = plan.trees;
    for (let ti = 0; ti < trees.length; ti++) this.push(trees[ti]!, ti, 0, pos, cosLat);
    const at = this.at;
    while (heap.size > 0) {
      if (heap.topBound() < this.threshold) break;
      heap.pop(at);
      const t = trees[at[0]]!;
      const node = at[1];
      const tree = t.tree;
      const l = tree.left[node]!;
      if (l >= 0) {
        this.push(t, at[0], l, pos, cosLat);
        this.push(t, at[0], tree.right[node]!, pos, cosLat);
        continue;
      }
      for (let k = tree.start[node]!; k < tree.end[node]!; k++) {
        // The quantities alone (at no distance) first: most points stop there.
        const q = tree.qty[k]!;
        const known = q > 0;
        const otherQty = known ? (supplySide ? 1 / q : q) : 0;
        if (this.bound(t, 0, otherQty, !known) < this.threshold) continue;
        const e = tree.items[k]!;
        if (e.company.id === own.id || t.hidden?.has(e.company.id)) continue;
        if (t.category !== null && e.flow.category !== t.category) continue;
        const other = e.company as SnapshotCompany & { lon: number; lat: number };
        // Supply first, as everywhere in the engine (bit-identical distances).
        const dist = supplySide ? distanceKm(pos, other) : distanceKm(other, pos);
        if (this.bound(t, dist, otherQty, !known) < this.threshold) continue;
        this.consider(f, own, e, dist, t.candidates);
      }
    }
    // Left-overs of a search that stopped early.
    heap.clear();
    return list;
  }

  private push(
    t: Target,
    ti: number,
    node: number,
    pos: { lon: number; lat: number },
    cosLat: number,
  ): void {
    const tree = t.tree;
    const b = this.bound(
      t,
      tree.minDistanceKm(node, pos.lon, pos.lat, cosLat),
      this.supplySide ? tree.maxInvQty[node]! : tree.maxQty[node]!,
      tree.unknownQty[node] === 1,
    );
    if (b >= this.threshold) this.heap.push(b, ti, node);
  }

  private consider(
    f: SnapshotFlow,
    own: SnapshotCompany,
    e: FlowEntry,
    dist: number | null,
    candidates: readonly Candidate[],
  ): void {
    const p = this.supplySide
      ? scorePair(this.ctx, f, e.flow, own, e.company, candidates, dist)
      : scorePair(this.ctx, e.flow, f, e.company, own, candidates, dist);
    if (p === null || p.score < this.threshold) return;
    const rejected = this.ctx.rejected;
    if (rejected.size > 0 && rejected.has(p.key)) return;
    const list = this.list;
    offer(list, p, this.n);
    if (list.length >= this.n) this.threshold = list[this.n - 1]!.score;
  }

  /**
   * Upper bound of the rounded score of a pair at distance ≥ `km`, the other
   * flow's quantity bounded by `otherQty` (1 / demand from a supply, the
   * supply from a demand); `unknown`: the other quantity may be unknown.
   */
  private bound(t: Target, km: number, otherQty: number, unknown: boolean): number {
    let best = -Infinity;
    const cands = t.candidates;
    for (let i = 0; i < cands.length; i++) {
      const c = cands[i]!;
      if (km > c.maxDistanceKm) continue;
      const b =
        c.confidence *
        this.coverageBound(otherQty, t.reach[i]!, unknown) *
        (1 - 0.5 * (km / c.maxDistanceKm)) *
        this.regularity;
      if (b > best) best = b;
    }
    return best === -Infinity ? -Infinity : round4(best * MARGIN);
  }

  /**
   * Coverage is min(supply, demand) / demand, or 0.5 when a quantity is
   * unknown or the units are not comparable.
   */
  private coverageBound(otherQty: number, reach: number, unknown: boolean): number {
    if (this.ownUnknown || Number.isNaN(reach)) return UNKNOWN_COVERAGE;
    if (reach === Infinity) return 1;
    let c = this.supplySide ? this.ownQty * reach * otherQty : (otherQty * reach) / this.ownQty;
    c = c * MARGIN >= 1 ? 1 : c * MARGIN;
    return unknown && c < UNKNOWN_COVERAGE ? UNKNOWN_COVERAGE : c;
  }
}

/**
 * Every substitution of the snapshot after the caps: each supply flow's top
 * N, each kept when it is also in its demand flow's top N (the demand lists
 * searched once each, when first needed).
 */
export function allSubstitutions(ctx: Context): Proposal[] {
  const flows = sortedById(ctx.snapshot.flows);
  const demands = buildDemandIndex(ctx, flows);
  const n = capOf(ctx);
  if (!Number.isFinite(n)) {
    // No caps: every candidate is kept, so every pair is listed anyway.
    const collector = new CapCollector(ctx);
    searchSupplies(ctx, flows.filter(isSupply), demands, collector.add);
    return collector.kept().map((p) => p.build());
  }
  const supplies = buildSupplyIndex(ctx, flows);
  const table = new CandidateTable(ctx, codesOf(demands));
  const supplySearch = new TopSearch(ctx, demands, table, n);
  const demandSearch = new TopSearch(ctx, supplies, table, n);
  // Every kept pair is in its demand's top list: the supplies that are in
  // none of those lists have no kept pair, and are never searched. A
  // supply's list is kept as its demands' ids (hundreds of thousands of them).
  const supplyTops = new Map<string, string[]>();
  const byFlowId = new Map(flows.map((f) => [f.id, f]));
  const out: Proposal[] = [];
  for (const d of flows) {
    if (!isDemand(d)) continue;
    for (const p of demandSearch.top(d)) {
      let top = supplyTops.get(p.supplyId);
      if (!top) {
        top = supplySearch.top(byFlowId.get(p.supplyId)!).map((x) => x.demandId);
        supplyTops.set(p.supplyId, top);
      }
      if (top.includes(p.demandId)) out.push(p.build());
    }
  }
  return out;
}
