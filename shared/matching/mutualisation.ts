// Mutualisation: nearby companies (same zone, or within a radius) that share
// an input, a waste or a need may pool it. One graph per resource group
// (graphology): nodes are the companies with a flow in the group and their
// zones, edges join a company to its zone and to its neighbours within the
// radius; each connected component large enough is a proposal, and very
// large components are split into communities (Louvain, seeded).
import { UndirectedGraph } from 'graphology';
import louvain from 'graphology-communities-louvain';
import { sortedById, resourceLabel, unitOf, type Context } from './context.ts';
import { de, frQuantity, lcFirst, round } from './format.ts';
import { mutualisationGains } from './gains.ts';
import { KM_PER_DEG, buildPointIndex, distanceKm, hasLocation, itemsAround } from './geo.ts';
import { proposalKey, seedOf, seededRng } from './keys.ts';
import type {
  Participant,
  Proposal,
  SnapshotCompany,
  SnapshotFlow,
  WorkingGroupTheme,
} from './types.ts';

/** Components larger than this are split into communities. */
export const MAX_CLUSTER_SIZE = 30;
/** Prefix of the zone nodes of a group's graph (never a company id). */
const ZONE_NODE = '\u0000zone:';
/** Offsets of the neighbouring cells, each unordered pair once. */
const HALF_NEIGHBOURHOOD = [
  [1, -1],
  [1, 0],
  [1, 1],
  [0, 1],
] as const;
/** Prefix of the grid-cell nodes of a dense component's Louvain graph. */
const CELL_NODE = '\u0000cell:';

export interface GroupRef {
  /** `${theme}|${code}`: identifies the group, and a stored proposal's group. */
  id: string;
  theme: WorkingGroupTheme;
  /** Representative code, the proposal's resourceCode ("ENE.ELEC", "LOG.PAL", "1501", "1601*"). */
  code: string;
}

const hasPrefix = (code: string, p: string) => code === p || code.startsWith(`${p}.`);
const ref = (theme: WorkingGroupTheme, code: string): GroupRef => ({
  id: `${theme}|${code}`,
  theme,
  code,
});

const ENERGY_GROUPS = ['ENE.ELEC', 'ENE.GAS.NAT', 'ENE.GAS.LPG', 'ENE.OIL'] as const;
const ENERGY_LABELS: Record<string, string> = {
  'ENE.ELEC': "d'électricité",
  'ENE.GAS.NAT': 'de gaz naturel',
  'ENE.GAS.LPG': 'de GPL',
  'ENE.OIL': 'de produits pétroliers',
};

/**
 * The resource groups a flow belongs to (a flow may be in two: a waste of
 * wooden packaging 150103 is both a pallet and a 1501 collection matter).
 * Hazardous wastes are grouped apart under "<sub-chapter>*" (EWC notation),
 * so that the representative code alone tells the group; the needs of
 * collection services form one group "SRV.COLL".
 */
export function groupsOfFlow(f: SnapshotFlow): readonly GroupRef[] {
  // A function of the kind, code and hazard only: computed once per code (a
  // national run asks for each of a million flows).
  let slots = groupsByCode.get(f.resourceCode);
  if (!slots) groupsByCode.set(f.resourceCode, (slots = []));
  const slot = KINDS.indexOf(f.kind) * 2 + (f.hazardous ? 1 : 0);
  return (slots[slot] ??= Object.freeze(computeGroupsOfFlow(f)));
}
const KINDS: readonly SnapshotFlow['kind'][] = ['input', 'output', 'waste', 'need'];
const groupsByCode = new Map<string, (readonly GroupRef[])[]>();

function computeGroupsOfFlow(f: SnapshotFlow): GroupRef[] {
  const code = f.resourceCode;
  const out: GroupRef[] = [];
  if (f.kind === 'input') {
    for (const g of ENERGY_GROUPS) if (hasPrefix(code, g)) out.push(ref('energy_purchasing', g));
  }
  if (f.kind === 'need' && hasPrefix(code, 'SRV.PURCH')) {
    out.push(ref('energy_purchasing', 'SRV.PURCH'));
  }
  if (hasPrefix(code, 'LOG.PAL') || code === '150103') out.push(ref('pallets', 'LOG.PAL'));
  if (f.kind === 'waste' && /^\d{6}$/.test(code)) {
    const sub = code.slice(0, 4);
    out.push(ref('waste_collection', f.hazardous ? `${sub}*` : sub));
  }
  if (f.kind === 'need' && hasPrefix(code, 'SRV.COLL')) {
    out.push(ref('waste_collection', 'SRV.COLL'));
  }
  if (
    f.kind === 'need' &&
    ((hasPrefix(code, 'SRV') &&
      code !== 'SRV' &&
      !hasPrefix(code, 'SRV.PURCH') &&
      !hasPrefix(code, 'SRV.COLL')) ||
      (hasPrefix(code, 'SKL') && code !== 'SKL'))
  ) {
    out.push(ref('services', code));
  }
  if (
    (f.kind === 'need' || f.kind === 'input') &&
    ((hasPrefix(code, 'EQP') && code !== 'EQP') || (hasPrefix(code, 'SPC') && code !== 'SPC'))
  ) {
    out.push(ref('equipment', code));
  }
  return out;
}

/** Group id of a (stored) mutualisation proposal. */
export const proposalGroupId = (p: { theme: WorkingGroupTheme | null; resourceCode: string }) =>
  `${p.theme ?? ''}|${p.resourceCode}`;

function actionFr(ctx: Context, g: GroupRef): string {
  const label = () => lcFirst(resourceLabel(ctx, g.code));
  switch (g.theme) {
    case 'energy_purchasing':
      return g.code === 'SRV.PURCH'
        ? `grouper leurs achats (${label()})`
        : `grouper leurs achats ${ENERGY_LABELS[g.code] ?? de(label())}`;
    case 'pallets':
      return 'mutualiser la gestion de leurs palettes (achat, reprise, réparation)';
    case 'waste_collection': {
      if (g.code === 'SRV.COLL') return 'mutualiser leurs prestations de collecte de déchets';
      const sub = g.code.slice(0, 4);
      const hazardous = g.code.endsWith('*') ? ' dangereux' : '';
      const known = ctx.resources.get(sub)?.labelFr;
      return known
        ? `mutualiser la collecte de leurs déchets${hazardous} « ${known} »`
        : `mutualiser la collecte de leurs déchets${hazardous} du sous-chapitre ${sub.slice(0, 2)} ${sub.slice(2)}`;
    }
    case 'services':
      return `mutualiser leur besoin « ${resourceLabel(ctx, g.code)} »`;
    case 'equipment':
      return `partager « ${resourceLabel(ctx, g.code)} »`;
  }
}

export function clusterProposal(
  ctx: Context,
  g: GroupRef,
  members: string[],
  flowsOf: Map<string, SnapshotFlow[]>,
): Proposal | null {
  const flows: SnapshotFlow[] = [];
  const participants: Participant[] = [];
  let declared = 0;
  for (const companyId of members) {
    const own = flowsOf.get(companyId) ?? [];
    if (own.some((f) => f.quantityPerYear !== null)) declared++;
    for (const f of own) {
      flows.push(f);
      participants.push({ role: 'member', companyId, flowId: f.id });
    }
  }
  const size = Math.min(1, members.length / 10);
  const share = Math.max(0.5, declared / members.length);
  const score = round(size * share, 4);
  if (score < ctx.params.minScore) return null;

  // Pooled volume, only when every quantified flow is in the same unit.
  const units = new Set<string | null>();
  let pooled = 0;
  for (const f of flows) {
    if (f.quantityPerYear === null) continue;
    units.add(unitOf(ctx, f));
    pooled += f.quantityPerYear;
  }
  const unit = units.size === 1 ? [...units][0]! : null;
  const quantity = unit !== null ? round(pooled, 6) : null;

  const companies = members.map((id) => ctx.companies.get(id)!);
  const zone = companies[0]!.zoneId;
  const sameZone = zone !== null && companies.every((c) => c.zoneId === zone);
  const zoneName = companies[0]!.zoneName;
  const who = sameZone ? (zoneName ? `de la zone « ${zoneName} »` : 'de la zone') : 'voisines';
  const explanation =
    `${members.length} entreprises ${who} peuvent ${actionFr(ctx, g)}` +
    (quantity !== null && quantity > 0 ? ` : ${frQuantity(quantity, unit)}` : '');

  return {
    key: proposalKey(
      'mutualisation',
      g.code,
      flows.map((f) => f.id),
    ),
    type: 'mutualisation',
    resourceCode: g.code,
    ruleId: null,
    score,
    breakdown: {
      confidence: round(size, 4),
      coverage: round(share, 4),
      distance: 1,
      regularity: 1,
      quality: 1,
      notes: [
        `taille du groupe : ${members.length} entreprises (÷ 10, au plus 1)`,
        `membres ayant déclaré une quantité : ${declared} sur ${members.length} (au moins 0,5)`,
      ],
    },
    explanationFr: explanation,
    participants,
    distanceKm: null,
    quantityPerYear: quantity,
    unit: quantity !== null ? unit : null,
    theme: g.theme,
    gains: mutualisationGains(g.theme, flows),
  };
}

/**
 * The proposals of one resource group from its flows (sorted by id), appended
 * to `out`. `onParts`, when given, receives every part of the group (see
 * `groupParts`), the small ones too.
 */
export function groupProposals(
  ctx: Context,
  g: GroupRef,
  flows: SnapshotFlow[],
  out: Proposal[],
  onParts?: (parts: readonly string[][]) => void,
): void {
  const minMembers = ctx.params.mutualisationMinMembers;
  const flowsOf = new Map<string, SnapshotFlow[]>();
  for (const f of flows) {
    const list = flowsOf.get(f.companyId);
    if (list) list.push(f);
    else flowsOf.set(f.companyId, [f]);
  }
  const ids = [...flowsOf.keys()].sort();
  if (ids.length < Math.max(1, minMembers) && !onParts) return;
  const parts = groupParts(ctx, g, ids);
  onParts?.(parts);
  for (const part of parts) {
    if (part.length < minMembers) continue;
    const p = clusterProposal(ctx, g, part, flowsOf);
    if (p) out.push(p);
  }
}

/**
 * The parts of a group's members (company ids, sorted): its connected
 * components of "same zone, or within the radius", the components of more
 * than MAX_CLUSTER_SIZE members split into communities. Each part sorted by
 * id; a part depends only on the members and their places, never on their flows.
 */
export function groupParts(ctx: Context, g: GroupRef, ids: readonly string[]): string[][] {
  const radius = ctx.params.mutualisationRadiusKm;
  const companies = ids.map((id) => ctx.companies.get(id)!);
  const parts: string[][] = [];

  // Connected components of "same zone, or within the radius", by union–find
  // over a grid (no edge list: a dense zone has millions of pairs).
  const uf = new UnionFind(companies.length);
  const zoneFirst = new Map<string, number>();
  companies.forEach((c, i) => {
    if (c.zoneId === null) return;
    const first = zoneFirst.get(c.zoneId);
    if (first === undefined) zoneFirst.set(c.zoneId, i);
    else uf.union(first, i);
  });
  const grid = radiusGrid(companies, radius);
  grid.unionWithinRadius(uf);

  const byRoot = new Map<number, number[]>();
  companies.forEach((_, i) => {
    const r = uf.find(i);
    const list = byRoot.get(r);
    if (list) list.push(i);
    else byRoot.set(r, [i]);
  });
  // Components in the order of their first (lowest) company id.
  for (const component of byRoot.values()) {
    const members = component.map((i) => ids[i]!);
    if (members.length <= MAX_CLUSTER_SIZE) {
      parts.push(members);
      continue;
    }
    // Split a large component into communities (Louvain, seeded: same input,
    // same split). Zone nodes take part (they pull their companies together),
    // then are dropped. See `louvainGraph` for the graph of a dense component.
    const { graph: sub, nodeOf } = grid.louvainGraph(component, ids);
    const byNode = louvain(sub, { rng: seededRng(seedOf(`${g.id}|${members[0]}`)) });
    const split = new Map<number, string[]>();
    component.forEach((i, k) => {
      const c = byNode[nodeOf(i)] ?? -1;
      const list = split.get(c);
      if (list) list.push(members[k]!);
      else split.set(c, [members[k]!]);
    });
    parts.push(...split.values());
  }
  return parts;
}

/** Disjoint sets over 0..n-1 (path halving, union by index: the lower index is the root). */
export class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i]!]!;
      i = p[i]!;
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }
}

/** Up to this many members, a component's Louvain graph has every pair within the radius; above, grid cells. */
export const MAX_EXACT_LOUVAIN_MEMBERS = 40;

/**
 * The located companies of a group on a grid of cells of half the radius: two
 * companies of one cell are always within the radius of each other (the cell's
 * diagonal is 0.71 × radius, far more than rounding), and two companies within
 * the radius are never more than a few cells apart. Distances are the
 * engine's (`distanceKm`), so the components are exactly those of the graph
 * "within the radius".
 */
/** The grid assumes points below this latitude (any French territory); beyond, pairwise search. */
export const MAX_GRID_LAT = 80;

/**
 * The grid cell of a point: half the radius high, and half the radius wide at
 * the equator (narrower elsewhere: a cell is never wider than half the
 * radius, so its diagonal stays under 0.71 × radius). The same for any set of
 * points, so that a part of a group is cut exactly as the whole group.
 */
export function gridCell(p: { lon: number; lat: number }, radius: number): [number, number] {
  const cellDeg = radius / 2 / KM_PER_DEG;
  return [Math.floor(p.lon / cellDeg), Math.floor(p.lat / cellDeg)];
}

/** How many cells east or west a point within the radius can be, up to `maxAbsLat`. */
export function gridReachX(maxAbsLat: number): number {
  return Math.ceil(2.02 / Math.cos((Math.min(maxAbsLat, MAX_GRID_LAT) * Math.PI) / 180)) + 1;
}

/**
 * The cell offsets (dx, dy) where a point within the radius of a point of the
 * centre cell can be, for points up to `maxAbsLat`: a cell is half the radius
 * high and at least half the radius × cos(maxAbsLat) wide, so the gap between
 * two cells is a lower bound of any distance between their points (with a 1 %
 * margin: the planar bound is off by far less at a few km); cells whose gap
 * exceeds the radius are left out. (0, 0) excluded.
 */
export function gridOffsets(maxAbsLat: number): [number, number][] {
  const reachX = gridReachX(maxAbsLat);
  const cos = Math.cos((Math.min(maxAbsLat, MAX_GRID_LAT) * Math.PI) / 180);
  const out: [number, number][] = [];
  for (let dx = -reachX; dx <= reachX; dx++) {
    for (let dy = -GRID_REACH_Y; dy <= GRID_REACH_Y; dy++) {
      if (dx === 0 && dy === 0) continue;
      const h = Math.max(Math.abs(dx) - 1, 0) * cos;
      const v = Math.max(Math.abs(dy) - 1, 0);
      // In radii: each cell is 0.5 radius high.
      if (0.99 * 0.5 * Math.hypot(h, v) > 1) continue;
      out.push([dx, dy]);
    }
  }
  return out;
}

/** Cells north or south a point within the radius can be: ceil(1.01 × 2) + 1. */
export const GRID_REACH_Y = 4;

/** Cell keys as numbers (cx, cy offset to stay positive; far from 2^53). */
export const gridKey = (cx: number, cy: number) => (cx + 2 ** 24) * 2 ** 25 + (cy + 2 ** 24);

function radiusGrid(companies: readonly SnapshotCompany[], radius: number) {
  const located: number[] = [];
  let maxAbsLat = 0;
  companies.forEach((c, i) => {
    if (!hasLocation(c)) return;
    located.push(i);
    maxAbsLat = Math.max(maxAbsLat, Math.abs(c.lat));
  });
  const pos = (i: number) => companies[i] as SnapshotCompany & { lon: number; lat: number };
  const usable = radius > 0 && maxAbsLat < MAX_GRID_LAT;
  const key = gridKey;
  const cells = new Map<number, number[]>();
  const cellOf = new Map<number, [number, number]>();
  if (usable) {
    for (const i of located) {
      const c = pos(i);
      const [cx, cy] = gridCell(c, radius);
      cellOf.set(i, [cx, cy]);
      const k = key(cx, cy);
      const list = cells.get(k);
      if (list) list.push(i);
      else cells.set(k, [i]);
    }
  }
  /** Neighbouring cells (each unordered pair once: only cells after this one). */
  // Each unordered pair of cells once: only the offsets after (0, 0).
  const offsets = gridOffsets(maxAbsLat).filter(([dx, dy]) => dx > 0 || (dx === 0 && dy > 0));
  function* neighbourCells(cx: number, cy: number) {
    for (const [dx, dy] of offsets) {
      const other = cells.get(key(cx + dx, cy + dy));
      if (other) yield other;
    }
  }
  // From the lower index (lower id) to the higher, as everywhere in the engine.
  const within = (a: number, b: number) =>
    distanceKm(pos(Math.min(a, b)), pos(Math.max(a, b))) <= radius;

  return {
    unionWithinRadius(uf: UnionFind): void {
      if (!usable) {
        // Degenerate cases (radius 0, polar points): pairwise over the index.
        const pts = located.map((i) => ({ i, ...pos(i) }));
        const idx = buildPointIndex(pts, (p) => p);
        for (const a of pts) {
          for (const b of itemsAround(idx, a.lon, a.lat, radius)) {
            if (b.i > a.i && uf.find(a.i) !== uf.find(b.i) && within(a.i, b.i)) uf.union(a.i, b.i);
          }
        }
        return;
      }
      for (const list of cells.values()) {
        for (const i of list) uf.union(list[0]!, i);
        const [cx, cy] = cellOf.get(list[0]!)!;
        for (const other of neighbourCells(cx, cy)) {
          if (uf.find(list[0]!) === uf.find(other[0]!)) continue;
          search: for (const a of list) {
            for (const b of other) {
              if (within(a, b)) {
                uf.union(a, b);
                break search;
              }
            }
          }
        }
      }
    },

    /**
     * The graph that Louvain splits a large component with. Up to
     * MAX_EXACT_LOUVAIN_MEMBERS, companies are the nodes and every pair within
     * the radius an edge. A larger component (thousands of companies: up to
     * millions of pairs) is coarsened to cells about the radius wide, which
     * stay together: cell nodes, and an edge of weight nA × nB between
     * neighbouring cells (an approximation of "within the radius" that only
     * shapes the split; the components themselves are exact). Zone nodes join
     * their companies or cells (weighted by count) in both.
     */
    louvainGraph(component: readonly number[], ids: readonly string[]) {
      const graph = new UndirectedGraph();
      const exact = !usable || component.length <= MAX_EXACT_LOUVAIN_MEMBERS;
      // Coarse cells: 2 × 2 grid cells, about the radius wide.
      const coarse = (i: number): [number, number] | undefined => {
        const at = cellOf.get(i);
        return at && [Math.floor(at[0] / 2), Math.floor(at[1] / 2)];
      };
      const nodeOf = (i: number) => {
        const at = exact ? undefined : coarse(i);
        return at ? `${CELL_NODE}${at[0]}|${at[1]}` : ids[i]!;
      };
      const link = (u: string, v: string, w: number) => {
        if (graph.hasEdge(u, v)) {
          const was = graph.getEdgeAttribute(u, v, 'weight') as number;
          graph.setEdgeAttribute(u, v, 'weight', was + w);
        } else graph.addEdge(u, v, { weight: w });
      };
      for (const i of component) {
        const node = nodeOf(i);
        if (!graph.hasNode(node)) graph.addNode(node);
        const c = companies[i]!;
        if (c.zoneId === null) continue;
        const zoneNode = `${ZONE_NODE}${c.zoneId}`;
        if (!graph.hasNode(zoneNode)) graph.addNode(zoneNode);
        link(zoneNode, node, 1);
      }
      if (exact) {
        const pts = component
          .filter((i) => hasLocation(companies[i]!))
          .map((i) => ({ i, ...pos(i) }));
        const idx = buildPointIndex(pts, (p) => p);
        for (const a of pts) {
          for (const b of itemsAround(idx, a.lon, a.lat, radius)) {
            if (b.i > a.i && within(a.i, b.i)) graph.addEdge(ids[a.i]!, ids[b.i]!, { weight: 1 });
          }
        }
      } else {
        // Neighbouring coarse cells, weighted by the pairs they hold.
        const counts = new Map<number, { cx: number; cy: number; n: number }>();
        for (const i of component) {
          const at = coarse(i);
          if (!at) continue;
          const k = key(at[0], at[1]);
          const cell = counts.get(k);
          if (cell) cell.n++;
          else counts.set(k, { cx: at[0], cy: at[1], n: 1 });
        }
        for (const a of counts.values()) {
          for (const [dx, dy] of HALF_NEIGHBOURHOOD) {
            const b = counts.get(key(a.cx + dx, a.cy + dy));
            if (b) {
              graph.addEdge(`${CELL_NODE}${a.cx}|${a.cy}`, `${CELL_NODE}${b.cx}|${b.cy}`, {
                weight: a.n * b.n,
              });
            }
          }
        }
      }
      return { graph, nodeOf };
    },
  };
}

/** Mutualisation proposals of every group, or only of the groups in `only`. */
export function mutualisations(ctx: Context, only?: ReadonlySet<string>): Proposal[] {
  const groups = new Map<string, { ref: GroupRef; flows: SnapshotFlow[] }>();
  for (const f of sortedById(ctx.snapshot.flows)) {
    if (!ctx.companies.has(f.companyId)) continue;
    for (const g of groupsOfFlow(f)) {
      if (only && !only.has(g.id)) continue;
      const entry = groups.get(g.id);
      if (entry) entry.flows.push(f);
      else groups.set(g.id, { ref: g, flows: [f] });
    }
  }
  const out: Proposal[] = [];
  for (const id of [...groups.keys()].sort()) {
    const { ref: g, flows } = groups.get(id)!;
    groupProposals(ctx, g, flows, out);
  }
  return out;
}
