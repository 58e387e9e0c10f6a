// The matching engine: a snapshot of one territory in, proposals out. Pure
// (no I/O, no clock, no Math.random) and deterministic: proposals sorted by
// score desc then key asc, whatever the order of the input arrays.
import { buildContext, type Context } from './context.ts';
import { computeInsights } from './insights.ts';
import { groupsOfFlow, mutualisations, proposalGroupId } from './mutualisation.ts';
import { demandFlowOf, rankOrder, substitutionsAround, supplyFlowOf } from './substitution.ts';
import {
  PreparedSnapshot,
  preparedMutualisations,
  preparedSubstitutionsAround,
} from './prepared.ts';
import { allSubstitutions } from './top.ts';
import type { MatchResult, Proposal, Snapshot, SnapshotFlow } from './types.ts';

export { proposalKey } from './keys.ts';
export { PreparedSnapshot } from './prepared.ts';

/** Drops rejected keys and sorts (score desc, key asc). */
export function finalize(ctx: Context, proposals: Proposal[]): Proposal[] {
  return proposals.filter((p) => !ctx.rejected.has(p.key)).sort(rankOrder);
}

export function runMatching(snapshot: Snapshot): MatchResult {
  const ctx = buildContext(snapshot);
  const proposals = finalize(ctx, [...allSubstitutions(ctx), ...mutualisations(ctx)]);
  return { proposals, insights: computeInsights(ctx, proposals) };
}

export interface IncrementalOptions {
  /**
   * The flows the companies had before the change (any flows of other
   * companies are ignored). When given, only the resource groups these
   * companies have a flow in, before or after the change, are re-clustered.
   * When absent, every mutualisation group is re-clustered: a company that
   * left a group changes that group's clusters too, and the engine cannot
   * know which groups it left from the new snapshot alone. Likewise for the
   * substitutions: given, the flows paired with the previous flows are known
   * exactly; absent, every flow within reach of the companies is re-answered
   * (much more work in a dense territory).
   */
  previousFlows?: readonly SnapshotFlow[];
}

/** What a stored proposal must carry for `affects` (what the worker keeps in the database). */
export type StoredProposal = Pick<Proposal, 'type' | 'resourceCode' | 'theme' | 'participants'>;

/**
 * Rematches what the given companies touch: the substitutions of every flow
 * whose candidate list their change may alter (with the caps per flow, a new
 * receiver in X can push a third party out of a supplier's top N; see
 * `substitutionsAround`), and the whole clusters of every resource group they
 * have a flow in. `affects` tells which stored proposals this run answers
 * for: the caller marks stale those it did not propose again.
 *
 * Property (tested): if S_before and S_after differ only in the flows of X,
 * runMatching(S_after) = (runMatching(S_before) − affects) ∪ runIncremental(S_after, X).
 */
export function runIncremental(
  input: Snapshot | PreparedSnapshot,
  companyIds: readonly string[],
  options: IncrementalOptions = {},
): {
  proposals: Proposal[];
  affects: (p: StoredProposal) => boolean;
  /**
   * Every stored proposal that `affects` may answer true for has a participant
   * of these, and `affects` reads no participant outside them (the caller may
   * hand it a stored proposal with only those participants).
   */
  companies: Set<string>;
} {
  const ids = new Set(companyIds);
  const previous = options.previousFlows;
  // With the previous flows known, the search goes through both sides'
  // indexes from the flows concerned (a prepared snapshot, built here when
  // not given); without them, every flow within reach must be looked at.
  const prep =
    input instanceof PreparedSnapshot ? input : previous ? new PreparedSnapshot(input) : undefined;
  // The whole current snapshot is only materialised on the paths that read every flow.
  const local = prep !== undefined && previous !== undefined;
  const snapshot = local ? prep.base : prep ? prep.currentSnapshot() : (input as Snapshot);
  const ctx = prep && (local || prep.changedCompanies === 0) ? prep.ctx : buildContext(snapshot);
  let groups: Set<string> | undefined;
  if (previous) {
    groups = new Set();
    const current = prep ? [...ids].flatMap((id) => prep.flowsOf(id)) : snapshot.flows;
    for (const f of [...current, ...previous]) {
      if (!ids.has(f.companyId)) continue;
      for (const g of groupsOfFlow(f)) groups.add(g.id);
    }
  }
  const subs = local
    ? preparedSubstitutionsAround(prep, ids, previous)
    : substitutionsAround(ctx, ids, previous);
  // Mutualisations: with a prepared snapshot, only the components around the
  // companies are re-clustered; otherwise every group they touch, whole.
  const around = local && groups ? preparedMutualisations(prep, groups, ids) : undefined;
  const muts = around ? around.proposals : mutualisations(ctx, groups);
  const proposals = finalize(ctx, [...subs.proposals, ...muts]);
  const involves = (p: StoredProposal) => p.participants.some((x) => ids.has(x.companyId));
  const affects = (p: StoredProposal) => {
    if (p.type !== 'substitution') {
      if (involves(p)) return true;
      if (groups === undefined) return true;
      const gid = proposalGroupId(p);
      if (!around) return groups.has(gid);
      const near = around.reclustered.get(gid);
      return near !== undefined && p.participants.some((x) => near.has(x.companyId));
    }
    const s = supplyFlowOf(p);
    const d = demandFlowOf(p);
    return (
      involves(p) ||
      (s !== undefined && subs.supplyIds.has(s)) ||
      (d !== undefined && subs.demandIds.has(d))
    );
  };
  // The companies of the flows answered for, and of the re-clustered components.
  const companies = new Set(ids);
  const companyOf = new Map((previous ?? []).map((f) => [f.id, f.companyId]));
  for (const id of [...subs.supplyIds, ...subs.demandIds]) {
    const c = prep?.flow(id)?.companyId ?? companyOf.get(id);
    if (c !== undefined) companies.add(c);
  }
  if (around) for (const set of around.reclustered.values()) for (const c of set) companies.add(c);
  else if (groups === undefined || !prep) for (const c of snapshot.companies) companies.add(c.id);
  return { proposals, affects, companies };
}
