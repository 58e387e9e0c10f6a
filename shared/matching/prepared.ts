// A territory's snapshot prepared once for many incremental rematches: the
// lookups and spatial indexes of both sides are built once, and a change of
// some companies' flows is an overlay (their old entries hidden, their new
// flows in a small extra index) instead of a rebuild. A long-lived worker
// keeps one per territory; the pure engine stays pure (no clock, no I/O).
import { buildContext, byId, isDemand, isSupply, type Context } from './context.ts';
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
import type { Proposal, Snapshot, SnapshotFlow } from './types.ts';

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
  // 2. Complete candidate lists of the affected flows, then of their partners.
  const collector = new CapCollector(ctx);
  const nextSupplies = new Set<string>();
  const nextDemands = new Set<string>();
  candidatesOfFlows(supplyIds, demandIds, (p) => {
    if (!supplyIds.has(p.supplyId)) nextSupplies.add(p.supplyId);
    if (!demandIds.has(p.demandId)) nextDemands.add(p.demandId);
    collector.add(p);
  });
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
