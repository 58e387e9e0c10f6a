// A territory's snapshot prepared once for many incremental rematches: the
// lookups and spatial indexes of both sides are built once, and a change of
// some companies' flows is an overlay (their old entries hidden, their new
// flows in a small extra index) instead of a rebuild. A long-lived worker
// keeps one per territory; the pure engine stays pure (no clock, no I/O).
import { buildContext, byId, sortedById, isDemand, isSupply, type Context } from './context.ts';
import { distanceKm, hasLocation } from './geo.ts';
import {
  clusterProposal,
  gridCell,
  gridKey,
  gridOffsets,
  groupParts,
  groupProposals,
  groupsOfFlow,
  MAX_GRID_LAT,
  type GroupRef,
} from './mutualisation.ts';
import {
  buildDemandIndex,
  buildSupplyIndex,
  CandidateTable,
  capOf,
  offer,
  searchDemands,
  searchSupplies,
  type FlowIndex,
  type ScoredPair,
} from './substitution.ts';
import { TopSearch } from './top.ts';
import type { Proposal, Snapshot, SnapshotCompany, SnapshotFlow } from './types.ts';

/** A resource group of the base snapshot, for local re-clustering. */
interface GroupState {
  ref: GroupRef;
  /** Base flows of the group by company (sorted by id). */
  byCompany: Map<string, SnapshotFlow[]>;
  /** Grid cell key → located base members. */
  cells: Map<number, string[]>;
  /** Zone id → base members. */
  zones: Map<string, string[]>;
}

/** Past this many changed companies, the worker prepares its snapshot afresh. */
export const MAX_OVERLAY_COMPANIES = 500;

export class PreparedSnapshot {
  readonly ctx: Context;
  private readonly baseByCompany = new Map<string, SnapshotFlow[]>();
  private readonly baseById = new Map<string, SnapshotFlow>();
  private readonly baseDemands: FlowIndex;
  private readonly baseSupplies: FlowIndex;
  /** Changed companies → their current flows (sorted by id). */
  private readonly overlay = new Map<string, SnapshotFlow[]>();
  private overlayById = new Map<string, SnapshotFlow>();
  private demandsIx: FlowIndex;
  private suppliesIx: FlowIndex;
  /** Group id → its base flows (sorted by id); states built when first needed. */
  private readonly groupFlows = new Map<string, { ref: GroupRef; flows: SnapshotFlow[] }>();
  private readonly groupStates = new Map<string, GroupState>();
  /**
   * Flow id → its exact top n candidates in the current state (score desc,
   * key asc), kept up to date by `setCompanyFlows`; filled when first needed.
   */
  private readonly tops = new Map<string, ScoredPair[]>();
  /**
   * Group id → member → its part (see `groupParts`), for the components
   * re-clustered so far. A part depends only on the group's members: a
   * group's entry goes when a company joins or leaves it.
   */
  private readonly parts = new Map<string, Map<string, readonly string[]>>();
  /** Largest |latitude| of the located companies (the grid's east–west reach). */
  readonly maxAbsLat: number;

  constructor(readonly base: Snapshot) {
    this.ctx = buildContext(base);
    for (const f of sortedById(base.flows)) {
      this.baseById.set(f.id, f);
      const list = this.baseByCompany.get(f.companyId);
      if (list) list.push(f);
      else this.baseByCompany.set(f.companyId, [f]);
    }
    this.baseDemands = buildDemandIndex(this.ctx, base.flows);
    this.baseSupplies = buildSupplyIndex(this.ctx, base.flows);
    this.demandsIx = this.baseDemands;
    this.suppliesIx = this.baseSupplies;
    for (const f of this.baseById.values()) {
      if (!this.ctx.companies.has(f.companyId)) continue;
      for (const g of groupsOfFlow(f)) {
        const entry = this.groupFlows.get(g.id);
        if (entry) entry.flows.push(f);
        else this.groupFlows.set(g.id, { ref: g, flows: [f] });
      }
    }
    let maxAbsLat = 0;
    for (const c of base.companies)
      if (hasLocation(c)) maxAbsLat = Math.max(maxAbsLat, Math.abs(c.lat));
    this.maxAbsLat = maxAbsLat;
  }

  /** The base state of a resource group (built once). */
  group(id: string): GroupState | undefined {
    let st = this.groupStates.get(id);
    if (st) return st;
    const entry = this.groupFlows.get(id);
    if (!entry) return undefined;
    const radius = this.ctx.params.mutualisationRadiusKm;
    st = { ref: entry.ref, byCompany: new Map(), cells: new Map(), zones: new Map() };
    for (const f of entry.flows) {
      const list = st.byCompany.get(f.companyId);
      if (list) {
        list.push(f);
        continue;
      }
      st.byCompany.set(f.companyId, [f]);
      const c = this.ctx.companies.get(f.companyId)!;
      addTo(st.zones, c.zoneId, c.id);
      if (hasLocation(c)) addTo(st.cells, gridKey(...gridCell(c, radius)), c.id);
    }
    this.groupStates.set(id, st);
    return st;
  }

  /** The current flows of a company in a group. */
  groupFlowsOf(st: GroupState, companyId: string): SnapshotFlow[] {
    const o = this.overlay.get(companyId);
    if (!o) return st.byCompany.get(companyId) ?? [];
    return o.filter((f) => groupsOfFlow(f).some((g) => g.id === st.ref.id));
  }

  /** Companies whose flows were replaced (the overlay). */
  changed(): ReadonlySet<string> {
    return new Set(this.overlay.keys());
  }

  /** Companies whose flows differ from the base snapshot. */
  get changedCompanies(): number {
    return this.overlay.size;
  }

  /**
   * Replaces the current flows of some companies (the others keep theirs),
   * one company at a time, and keeps the cached top lists exact: the lists
   * of the flows paired with the company's old flows lose those pairs (a
   * full list that lost one is dropped, to be recomputed), and the lists of
   * the flows paired with its new flows take the new pairs in.
   */
  setCompanyFlows(changes: ReadonlyMap<string, readonly SnapshotFlow[]>): void {
    for (const [companyId, flows] of [...changes].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const old = [...this.flowsOf(companyId)];
      // The very same flows again (a sync re-reads recent changes): nothing to do.
      const same = (a: readonly SnapshotFlow[], b: readonly SnapshotFlow[]) =>
        JSON.stringify([...a].sort(byId)) === JSON.stringify([...b].sort(byId));
      if (same(old, flows)) continue;
      // A company that joins or leaves a group changes that group's parts.
      const groupIds = (list: readonly SnapshotFlow[]) =>
        new Set(list.flatMap((f) => groupsOfFlow(f).map((g) => g.id)));
      const before = groupIds(old);
      const after = groupIds(flows.filter((f) => f.companyId === companyId));
      for (const id of before) if (!after.has(id)) this.parts.delete(id);
      for (const id of after) if (!before.has(id)) this.parts.delete(id);
      const oldPartners = new Set<string>();
      this.candidatesOf(old, (p) => {
        oldPartners.add(p.supplyId);
        oldPartners.add(p.demandId);
      });
      this.overlay.set(companyId, flows.filter((f) => f.companyId === companyId).sort(byId));
      const extra = [...this.overlay.values()].flat();
      this.overlayById = new Map(extra.map((f) => [f.id, f]));
      const hidden = new Set(this.overlay.keys());
      this.demandsIx = { ...this.baseDemands, hidden, extra: buildDemandIndex(this.ctx, extra) };
      this.suppliesIx = { ...this.baseSupplies, hidden, extra: buildSupplyIndex(this.ctx, extra) };
      // The table caches which supply codes feed a demand code: the codes present changed.
      this.table = undefined;

      // The lists hold pairs of the company's old flows only (the new ones are not in yet).
      const oldIds = new Set(old.map((f) => f.id));
      for (const id of oldIds) this.tops.delete(id);
      for (const id of oldPartners) {
        const list = this.tops.get(id);
        if (!list) continue;
        const kept = list.filter((p) => !oldIds.has(p.supplyId) && !oldIds.has(p.demandId));
        if (kept.length < list.length && list.length >= this.n) this.tops.delete(id);
        else this.tops.set(id, kept);
      }
      const current = this.overlay.get(companyId)!;
      const currentIds = new Set(current.map((f) => f.id));
      for (const id of currentIds) this.tops.delete(id);
      this.candidatesOf(current, (p) => {
        for (const id of [p.supplyId, p.demandId]) {
          if (currentIds.has(id)) continue;
          const list = this.tops.get(id);
          if (list) this.offerTo(list, p);
        }
      });
    }
  }

  private get n(): number {
    return capOf(this.ctx);
  }

  private offerTo(list: ScoredPair[], p: ScoredPair): void {
    if (this.ctx.rejected.size > 0 && this.ctx.rejected.has(p.key)) return;
    offer(list, p, this.n);
  }

  /** Every candidate pair of the given flows against the current flows of the others. */
  candidatesOf(flows: readonly SnapshotFlow[], emit: (p: ScoredPair) => void): void {
    if (flows.length === 0) return;
    const table = this.candidateTable(flows);
    const companies = new Set(flows.map((f) => f.companyId));
    searchSupplies(this.ctx, flows.filter(isSupply), this.demandsIx, emit, table);
    searchDemands(this.ctx, flows.filter(isDemand), this.suppliesIx, table, emit, (s) =>
      companies.has(s.companyId),
    );
  }

  /** The exact top n candidates of a current flow (cached). */
  topOf(f: SnapshotFlow): readonly ScoredPair[] {
    const hit = this.tops.get(f.id);
    if (hit) return hit;
    const list = this.searchFor(f).top(f);
    this.tops.set(f.id, list);
    return list;
  }

  /** The searcher of a flow's top list: one per side, while the indexes and the table stay. */
  private searchFor(f: SnapshotFlow): TopSearch {
    const table = this.candidateTable([f]);
    const supply = isSupply(f);
    const other = supply ? this.demandsIx : this.suppliesIx;
    const s = this.searchers;
    if (s.table !== table || s.demands !== this.demandsIx || s.supplies !== this.suppliesIx) {
      this.searchers = { table, demands: this.demandsIx, supplies: this.suppliesIx };
    }
    const slot = supply ? 'ofSupply' : 'ofDemand';
    return (this.searchers[slot] ??= new TopSearch(this.ctx, other, table, this.n));
  }
  private searchers: {
    table?: CandidateTable;
    demands?: FlowIndex;
    supplies?: FlowIndex;
    ofSupply?: TopSearch;
    ofDemand?: TopSearch;
  } = {};

  /** The known parts of a group (member → part), or undefined. */
  partsOf(groupId: string): ReadonlyMap<string, readonly string[]> | undefined {
    return this.parts.get(groupId);
  }

  /** Records parts of a group computed in the current state. */
  rememberParts(groupId: string, parts: readonly string[][]): void {
    let m = this.parts.get(groupId);
    if (!m) this.parts.set(groupId, (m = new Map<string, readonly string[]>()));
    for (const part of parts) for (const id of part) m.set(id, part);
  }

  /** Forgets every cached top list (the rejected keys changed). */
  clearTops(): void {
    this.tops.clear();
  }

  /** Fills the top lists of every current flow at once (what the first rematches would fill lazily). */
  warmTops(): void {
    if (!Number.isFinite(this.n)) return;
    for (const f of this.currentFlows()) if (isSupply(f) || isDemand(f)) this.topOf(f);
  }

  /** Computes the parts of every group at once (what the first rematches would compute lazily). */
  warmParts(): void {
    const members = new Map<string, { ref: GroupRef; ids: Set<string> }>();
    for (const f of this.currentFlows()) {
      if (!this.ctx.companies.has(f.companyId)) continue;
      for (const g of groupsOfFlow(f)) {
        let entry = members.get(g.id);
        if (!entry) members.set(g.id, (entry = { ref: g, ids: new Set() }));
        entry.ids.add(f.companyId);
      }
    }
    for (const [id, { ref, ids }] of members) {
      this.parts.delete(id);
      this.rememberParts(id, groupParts(this.ctx, ref, [...ids].sort()));
    }
  }

  /** How many current flows. */
  flowCount(): number {
    let n = this.baseById.size;
    for (const [id, list] of this.overlay)
      n += list.length - (this.baseByCompany.get(id)?.length ?? 0);
    return n;
  }

  flowsOf(companyId: string): readonly SnapshotFlow[] {
    return this.overlay.get(companyId) ?? this.baseByCompany.get(companyId) ?? [];
  }

  flow(id: string): SnapshotFlow | undefined {
    const o = this.overlayById.get(id);
    if (o) return o;
    const b = this.baseById.get(id);
    return b && !this.overlay.has(b.companyId) ? b : undefined;
  }

  /** Every current flow (sorted by id): O(flows), for the rare whole-territory passes. */
  currentFlows(): SnapshotFlow[] {
    if (this.overlay.size === 0) return [...this.baseById.values()];
    const out = [...this.baseById.values()].filter((f) => !this.overlay.has(f.companyId));
    for (const list of this.overlay.values()) out.push(...list);
    return out.sort(byId);
  }

  /** The current snapshot (base with the changes applied). */
  currentSnapshot(): Snapshot {
    return this.overlay.size === 0 ? this.base : { ...this.base, flows: this.currentFlows() };
  }

  get demands(): FlowIndex {
    return this.demandsIx;
  }

  get supplies(): FlowIndex {
    return this.suppliesIx;
  }

  /** A candidate table over every demand code present (and those of `more`), built once per code set. */
  candidateTable(more: readonly SnapshotFlow[] = []): CandidateTable {
    const extra = more.filter((f) => isDemand(f) && !this.tableCodes.has(f.resourceCode));
    const overlayCodes = (this.demandsIx.extra?.codes ?? []).filter((c) => !this.tableCodes.has(c));
    if (!this.table || extra.length > 0 || overlayCodes.length > 0) {
      const codes = new Set([...this.tableCodes, ...this.demandsIx.codes, ...overlayCodes]);
      for (const f of extra) codes.add(f.resourceCode);
      this.tableCodes = codes;
      this.table = new CandidateTable(this.ctx, [...codes].sort());
    }
    return this.table;
  }
  private table: CandidateTable | undefined;
  private tableCodes = new Set<string>();
}

/**
 * `substitutionsAround` on a prepared snapshot: the same answer, from the
 * flows concerned through both sides' indexes and the cached top lists.
 * Affected flows: the companies' flows, before and after, and every flow
 * paired with one of them; a pair of an affected flow is kept when it is in
 * the top n of both its flows.
 */
export function preparedSubstitutionsAround(
  prep: PreparedSnapshot,
  companyIds: ReadonlySet<string>,
  previousFlows: readonly SnapshotFlow[],
): { proposals: Proposal[]; supplyIds: Set<string>; demandIds: Set<string> } {
  const before = previousFlows.filter((f) => companyIds.has(f.companyId)).sort(byId);
  const now = [...companyIds].sort().flatMap((id) => [...prep.flowsOf(id)]);
  const supplyIds = new Set<string>();
  const demandIds = new Set<string>();
  const addFlow = (f: SnapshotFlow) => {
    if (isSupply(f)) supplyIds.add(f.id);
    else if (isDemand(f)) demandIds.add(f.id);
  };
  const addPair = (p: ScoredPair) => {
    supplyIds.add(p.supplyId);
    demandIds.add(p.demandId);
  };
  now.forEach(addFlow);
  before.forEach(addFlow);
  prep.candidatesOf(now, addPair);
  // The previous flows against the others' current flows (unchanged).
  const beforeIds = new Set(before.map((f) => f.id));
  prep.candidatesOf(before, (p) => {
    const other = beforeIds.has(p.supplyId) ? p.demandId : p.supplyId;
    const o = prep.flow(other);
    if (o && !companyIds.has(o.companyId)) addPair(p);
  });

  const out: Proposal[] = [];
  // The two lists may hold two objects for one pair: compare flow ids.
  const inTop = (flowId: string, p: ScoredPair) => {
    const f = prep.flow(flowId);
    return (
      f !== undefined &&
      prep.topOf(f).some((x) => x.supplyId === p.supplyId && x.demandId === p.demandId)
    );
  };
  const seen = new Set<string>();
  for (const id of [...supplyIds, ...demandIds].sort()) {
    const f = prep.flow(id);
    if (!f) continue;
    for (const p of prep.topOf(f)) {
      const pair = `${p.supplyId}|${p.demandId}`;
      if (seen.has(pair)) continue;
      seen.add(pair);
      if (inTop(p.supplyId, p) && inTop(p.demandId, p)) out.push(p.build());
    }
  }
  return { proposals: out, supplyIds, demandIds };
}

const NONE: readonly string[] = [];

function addTo<K, V>(m: Map<K, V[]>, k: K | null, v: V) {
  if (k === null) return;
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * Mutualisations of the given groups, re-clustered locally: only the
 * components (same zone, or within the radius, transitively) that hold one
 * of `companyIds` or a company next to one of them — every component that
 * the change can have split, merged, grown or shrunk. Returns the proposals
 * and, per group, the companies of those components: the stored proposals of
 * the group with one of them are the ones this answers for.
 */
export function preparedMutualisations(
  prep: PreparedSnapshot,
  groupIds: ReadonlySet<string>,
  companyIds: ReadonlySet<string>,
): { proposals: Proposal[]; reclustered: Map<string, Set<string>> } {
  const ctx = prep.ctx;
  const radius = ctx.params.mutualisationRadiusKm;
  const changed = prep.changed();
  const proposals: Proposal[] = [];
  const reclustered = new Map<string, Set<string>>();
  const company = (id: string) => ctx.companies.get(id);
  const offsets = gridOffsets(prep.maxAbsLat);
  const gridOk = radius > 0 && prep.maxAbsLat < MAX_GRID_LAT;

  for (const gid of [...groupIds].sort()) {
    const st = prep.group(gid) ?? {
      ref: groupsRefOf(prep, gid, companyIds)!,
      byCompany: new Map<string, SnapshotFlow[]>(),
      cells: new Map<number, string[]>(),
      zones: new Map<string, string[]>(),
    };
    if (!st.ref) continue;
    const isMember = (id: string) => prep.groupFlowsOf(st, id).length > 0;
    // The members are the same as when the parts of the companies were last
    // computed: the parts are too, only their proposals change.
    const known = prep.partsOf(gid);
    const present = [...companyIds].filter(isMember);
    if (known && present.every((id) => known.has(id))) {
      const parts = [...new Set(present.map((id) => known.get(id)!))].sort((a, b) =>
        a[0]! < b[0]! ? -1 : 1,
      );
      const flowsOf = new Map<string, SnapshotFlow[]>();
      for (const part of parts) {
        for (const id of part) flowsOf.set(id, prep.groupFlowsOf(st, id));
        if (part.length < ctx.params.mutualisationMinMembers) continue;
        const p = clusterProposal(ctx, st.ref, [...part], flowsOf);
        if (p) proposals.push(p);
      }
      reclustered.set(gid, new Set([...parts.flat(), ...companyIds]));
      continue;
    }
    // The changed companies' current places in the group's cells and zones.
    const extraCells = new Map<number, string[]>();
    const extraZones = new Map<string, string[]>();
    for (const id of [...changed].sort()) {
      const c = company(id);
      if (!c || !isMember(id)) continue;
      addTo(extraZones, c.zoneId, id);
      if (hasLocation(c)) addTo(extraCells, gridKey(...gridCell(c, radius)), id);
    }
    // Cells where a changed company is (in the base or now): the only ones to patch.
    const touchedCells = new Set(extraCells.keys());
    for (const id of changed) {
      const c = company(id);
      if (c && hasLocation(c) && st.byCompany.has(id))
        touchedCells.add(gridKey(...gridCell(c, radius)));
    }
    const membersOfCell = (k: number): readonly string[] =>
      touchedCells.has(k)
        ? [
            ...(st.cells.get(k) ?? []).filter((id) => !changed.has(id)),
            ...(extraCells.get(k) ?? []),
          ]
        : (st.cells.get(k) ?? NONE);
    const membersOfZone = (z: string) => [
      ...(st.zones.get(z) ?? []).filter((id) => !changed.has(id)),
      ...(extraZones.get(z) ?? []),
    ];
    const allMembers = (): string[] =>
      [...st.byCompany.keys(), ...changed].filter(
        (id, i, a) => a.indexOf(id) === i && isMember(id),
      );
    const within = (a: SnapshotCompany, b: SnapshotCompany) => {
      const [x, y] = a.id < b.id ? [a, b] : [b, a];
      return (
        distanceKm(x as { lon: number; lat: number }, y as { lon: number; lat: number }) <= radius
      );
    };
    /** Current members within the radius of a located company (itself excluded). */
    const around = (c: SnapshotCompany & { lon: number; lat: number }): string[] => {
      if (!gridOk) {
        return allMembers().filter((id) => {
          const o = company(id)!;
          return id !== c.id && hasLocation(o) && within(c, o);
        });
      }
      const [cx, cy] = gridCell(c, radius);
      const out: string[] = [];
      for (const [dx, dy] of [[0, 0] as [number, number], ...offsets]) {
        for (const id of membersOfCell(gridKey(cx + dx, cy + dy))) {
          if (id !== c.id && within(c, company(id)!)) out.push(id);
        }
      }
      return out;
    };

    // Seeds: the changed companies still in the group, and every member next
    // to one of them (in its zone or within the radius).
    const seen = new Set<string>();
    const queue: string[] = [];
    const visit = (id: string) => {
      if (seen.has(id) || !isMember(id)) return;
      seen.add(id);
      queue.push(id);
    };
    for (const id of [...companyIds].sort()) {
      const c = company(id);
      if (!c) continue;
      visit(id);
      if (c.zoneId !== null) membersOfZone(c.zoneId).forEach(visit);
      if (hasLocation(c)) around(c).forEach(visit);
    }
    // Their components, cell by cell: a cell's members are all within the
    // radius of each other (so one pair within the radius joins two cells),
    // a zone's members are all linked.
    const zonesDone = new Set<string>();
    const cellsDone = new Set<number>();
    while (queue.length > 0) {
      const id = queue.pop()!;
      const c = company(id)!;
      if (c.zoneId !== null && !zonesDone.has(c.zoneId)) {
        zonesDone.add(c.zoneId);
        membersOfZone(c.zoneId).forEach(visit);
      }
      if (!hasLocation(c)) continue;
      if (!gridOk) {
        around(c).forEach(visit);
        continue;
      }
      const [cx, cy] = gridCell(c, radius);
      const k = gridKey(cx, cy);
      if (cellsDone.has(k)) continue;
      cellsDone.add(k);
      const mine = membersOfCell(k);
      mine.forEach(visit);
      const here = mine.map((m) => company(m)!);
      for (const [dx, dy] of offsets) {
        const k2 = gridKey(cx + dx, cy + dy);
        if (cellsDone.has(k2)) continue;
        const there = membersOfCell(k2);
        if (there.every((m) => seen.has(m))) continue;
        const joined = there.some((m) => here.some((h) => within(h, company(m)!)));
        if (joined) there.forEach(visit);
      }
    }
    const members = [...seen].sort();
    const flows = members.flatMap((id) => prep.groupFlowsOf(st, id)).sort(byId);
    groupProposals(ctx, st.ref, flows, proposals, (parts) => prep.rememberParts(gid, parts));
    reclustered.set(gid, new Set([...members, ...companyIds]));
  }
  return { proposals, reclustered };
}

/** The reference of a group that only the changed companies have flows in now. */
function groupsRefOf(
  prep: PreparedSnapshot,
  gid: string,
  companyIds: ReadonlySet<string>,
): GroupRef | undefined {
  for (const id of companyIds) {
    for (const f of prep.flowsOf(id)) {
      const g = groupsOfFlow(f).find((x) => x.id === gid);
      if (g) return g;
    }
  }
  return undefined;
}
