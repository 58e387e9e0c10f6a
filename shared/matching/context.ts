// Lookups built once per run from the snapshot (pure, no I/O).
import type {
  EmissionFactor,
  MatchingParams,
  Snapshot,
  SnapshotCompany,
  SnapshotFlow,
  SnapshotResource,
} from './types.ts';

export interface Context {
  snapshot: Snapshot;
  params: MatchingParams;
  companies: Map<string, SnapshotCompany>;
  resources: Map<string, SnapshotResource>;
  factors: Map<string, EmissionFactor>;
  rejected: Set<string>;
}

export function buildContext(snapshot: Snapshot): Context {
  return {
    snapshot,
    params: snapshot.params,
    companies: new Map(snapshot.companies.map((c) => [c.id, c])),
    resources: new Map(snapshot.resources.map((r) => [r.code, r])),
    factors: new Map(snapshot.emissionFactors.map((f) => [f.key, f])),
    rejected: new Set(snapshot.rejectedKeys ?? []),
  };
}

export const isSupply = (f: SnapshotFlow) => f.kind === 'output' || f.kind === 'waste';
export const isDemand = (f: SnapshotFlow) => f.kind === 'input' || f.kind === 'need';

/** The flow's canonical unit, or its resource's when the flow has no quantity. */
export function unitOf(ctx: Context, f: SnapshotFlow): string | null {
  return f.canonicalUnit ?? ctx.resources.get(f.resourceCode)?.canonicalUnit ?? null;
}

export function resourceLabel(ctx: Context, code: string): string {
  return ctx.resources.get(code)?.labelFr ?? code;
}

/** Flows sorted by id: every pass of the engine iterates in this order (determinism). */
export function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The flows sorted by id: the array itself when it already is (a snapshot usually is). */
export function sortedById<T extends { id: string }>(items: readonly T[]): readonly T[] {
  for (let i = 1; i < items.length; i++) {
    if (items[i - 1]!.id > items[i]!.id) return [...items].sort(byId);
  }
  return items;
}
