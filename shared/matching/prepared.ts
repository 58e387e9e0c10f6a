// A territory's snapshot prepared once for many incremental rematches: the
// lookups and spatial indexes of both sides are built once, and a change of
// some companies' flows is an overlay (their old entries hidden, their new
// flows in a small extra index) instead of a rebuild. A long-lived worker
// keeps one per territory; the pure engine stays pure (no clock, no I/O).
import { buildContext, byId, isDemand, isSupply, type Context } from './context.ts';
import { distanceKm, hasLocation } from './geo.ts';
import {
  gridCell,
  gridKey,
  gridReachX,
  groupProposals,
  groupsOfFlow,
  MAX_GRID_LAT,
  type GroupRef,
} from './mutualisation.ts';
import {
  buildDemandIndex,
  buildSupplyIndex,
  CandidateTable,
  CapCollector,
  searchDemands,
  searchSupplies,
  type FlowIndex,
  type ScoredPair,
} from './substitution.ts';
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

/** Past this many changed companies, `withChanges` callers should prepare afresh. */
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
  /** Largest |latitude| of the located companies (the grid's east–west reach). */
  readonly maxAbsLat: number;

  constructor(readonly base: Snapshot) {
    this.ctx = buildContext(base);
    for (const f of [...base.flows].sort(byId)) {
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

  /** Replaces the current flows of some companies (the others keep theirs). */
  setCompanyFlows(changes: ReadonlyMap<string, readonly SnapshotFlow[]>): void {
    for (const [companyId, flows] of changes) {
      this.overlay.set(companyId, flows.filter((f) => f.companyId === companyId).sort(byId));
    }
    const extra = [...this.overlay.values()].flat();
    this.overlayById = new Map(extra.map((f) => [f.id, f]));
    const hidden = new Set(this.overlay.keys());
    this.demandsIx = { ...this.baseDemands, hidden, extra: buildDemandIndex(this.ctx, extra) };
    this.suppliesIx = { ...this.baseSupplies, hidden, extra: buildSupplyIndex(this.ctx, extra) };
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

  /** A candidate table over every demand code present (and those of `more`). */
  candidateTable(more: readonly SnapshotFlow[] = []): CandidateTable {
    const codes = new Set(this.demandsIx.codes);
    for (const c of this.demandsIx.extra?.codes ?? []) codes.add(c);
    for (const f of more) if (isDemand(f)) codes.add(f.resourceCode);
    return new CandidateTable(this.ctx, [...codes].sort());
  }
}

/**
 * `substitutionsAround` on a prepared snapshot: the same answer, found from
 * the flows concerned through both sides' indexes (no pass over every flow).
 */
export function preparedSubstitutionsAround(
  prep: PreparedSnapshot,
  companyIds: ReadonlySet<string>,
  previousFlows: readonly SnapshotFlow[],
): { proposals: Proposal[]; supplyIds: Set<string>; demandIds: Set<string> } {
  const ctx = prep.ctx;
  const before = previousFlows.filter((f) => companyIds.has(f.companyId)).sort(byId);
  const table = prep.candidateTable(before);
  const flowsByIds = (ids: Iterable<string>, side: (f: SnapshotFlow) => boolean) =>
    [...ids]
      .sort()
      .flatMap((id) => prep.flow(id) ?? [])
      .filter(side);

  /** Candidates with a supply in `supplyIds` or a demand in `demandIds` (each pair once). */
  const candidatesOfFlows = (
    supplyIds: ReadonlySet<string>,
    demandIds: ReadonlySet<string>,
    emit: (p: ScoredPair) => void,
  ) => {
    const supplies = flowsByIds(supplyIds, isSupply);
    if (supplies.length > 0) searchSupplies(ctx, supplies, prep.demands, emit, table);
    const demands = flowsByIds(demandIds, isDemand);
    if (demands.length > 0) {
      searchDemands(ctx, demands, prep.supplies, table, emit, (s) => supplyIds.has(s.id));
    }
  };

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

  // 1. The affected flows: the companies' flows, before and after, and every
  // flow paired with one of them (see `substitutionsAround`).
  for (const id of [...companyIds].sort()) prep.flowsOf(id).forEach(addFlow);
  candidatesOfFlows(new Set(supplyIds), new Set(demandIds), addPair);
  before.forEach(addFlow);
  searchSupplies(ctx, before.filter(isSupply), prep.demands, addPair, table);
  const beforeDemands = before.filter(isDemand);
  if (beforeDemands.length > 0) {
    searchDemands(ctx, beforeDemands, prep.supplies, table, addPair, (s) =>
      companyIds.has(s.companyId),
    );
  }
  // 2. Complete candidate lists of the affected flows; then of the partners
  // in their top N only: a pair outside its affected flow's top N is not
  // kept whatever its other flow's list says.
  const collector = new CapCollector(ctx);
  candidatesOfFlows(supplyIds, demandIds, collector.add);
  const nextSupplies = new Set<string>();
  const nextDemands = new Set<string>();
  for (const id of supplyIds) {
    for (const p of collector.topOfSupply(id)) {
      if (!demandIds.has(p.demandId)) nextDemands.add(p.demandId);
    }
  }
  for (const id of demandIds) {
    for (const p of collector.topOfDemand(id)) {
      if (!supplyIds.has(p.supplyId)) nextSupplies.add(p.supplyId);
    }
  }
  candidatesOfFlows(nextSupplies, nextDemands, (p) => {
    if (supplyIds.has(p.supplyId) || demandIds.has(p.demandId)) return;
    collector.add(p);
  });

  // 3. Exact verdicts for the pairs of an affected flow.
  const proposals = collector
    .kept()
    .filter((p) => supplyIds.has(p.supplyId) || demandIds.has(p.demandId))
    .map((p) => p.build());
  return { proposals, supplyIds, demandIds };
}

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
  const reachX = gridReachX(prep.maxAbsLat);
  const reachY = 4;
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
    // The changed companies' current places in the group's cells and zones.
    const extraCells = new Map<number, string[]>();
    const extraZones = new Map<string, string[]>();
    for (const id of [...changed].sort()) {
      const c = company(id);
      if (!c || !isMember(id)) continue;
      addTo(extraZones, c.zoneId, id);
      if (hasLocation(c)) addTo(extraCells, gridKey(...gridCell(c, radius)), id);
    }
    const membersOfCell = (k: number) => [
      ...(st.cells.get(k) ?? []).filter((id) => !changed.has(id)),
      ...(extraCells.get(k) ?? []),
    ];
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
      for (let dx = -reachX; dx <= reachX; dx++) {
        for (let dy = -reachY; dy <= reachY; dy++) {
          for (const id of membersOfCell(gridKey(cx + dx, cy + dy))) {
            if (id !== c.id && within(c, company(id)!)) out.push(id);
          }
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
      for (let dx = -reachX; dx <= reachX; dx++) {
        for (let dy = -reachY; dy <= reachY; dy++) {
          const k2 = gridKey(cx + dx, cy + dy);
          if (cellsDone.has(k2)) continue;
          const there = membersOfCell(k2);
          if (there.every((m) => seen.has(m))) continue;
          const joined = there.some((m) => here.some((h) => within(h, company(m)!)));
          if (joined) there.forEach(visit);
        }
      }
    }
    const members = [...seen].sort();
    const flows = members.flatMap((id) => prep.groupFlowsOf(st, id)).sort(byId);
    groupProposals(ctx, st.ref, flows, proposals);
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
