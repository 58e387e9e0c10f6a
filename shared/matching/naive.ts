// A straightforward all-pairs implementation of the substitution semantics
// (no spatial index, no candidate table, no bounded lists): every supply flow
// against every demand flow, then the caps per flow over all the candidates. The benchmark and the tests check that it gives exactly the
// proposals of runMatching. Mutualisations and insights are the engine's own.
import { matchesResource } from '../knowledge/rules.ts';
import { buildContext, byId, isDemand, isSupply, type Context } from './context.ts';
import { finalize } from './engine.ts';
import { computeInsights } from './insights.ts';
import { mutualisations } from './mutualisation.ts';
import {
  evaluatePair,
  exactCandidate,
  pairDistance,
  applyCaps,
  ruleCandidate,
  type Candidate,
} from './substitution.ts';
import type { MatchResult, Proposal, Snapshot } from './types.ts';

export function naiveSubstitutions(ctx: Context): Proposal[] {
  const flows = [...ctx.snapshot.flows].sort(byId);
  const supplies = flows.filter(isSupply);
  const demands = flows.filter(isDemand);
  const rules = ctx.snapshot.rules;
  const out: Proposal[] = [];
  for (const s of supplies) {
    const cs = ctx.companies.get(s.companyId);
    if (!cs) continue;
    const supplyRules = rules.filter((r) => matchesResource(r.supply, s.resourceCode));
    for (const d of demands) {
      const cd = ctx.companies.get(d.companyId);
      if (!cd || cd.id === cs.id) continue;
      const candidates: Candidate[] = [];
      if (s.resourceCode === d.resourceCode) {
        candidates.push(exactCandidate(ctx, s.resourceCode, s.category));
      }
      for (const r of supplyRules) {
        if (matchesResource(r.demand, d.resourceCode)) candidates.push(ruleCandidate(r));
      }
      if (candidates.length === 0) continue;
      const distance = pairDistance(cs, cd);
      if (distance === undefined) continue;
      const p = evaluatePair(ctx, s, d, cs, cd, candidates, distance);
      if (p) out.push(p);
    }
  }
  // The caps per flow, over the complete list of candidates.
  return applyCaps(ctx, out);
}

export function runMatchingNaive(snapshot: Snapshot): MatchResult {
  const ctx = buildContext(snapshot);
  const proposals = finalize(ctx, [...naiveSubstitutions(ctx), ...mutualisations(ctx)]);
  return { proposals, insights: computeInsights(ctx, proposals) };
}
