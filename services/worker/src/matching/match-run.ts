import { ruleSetVersion } from '../../../../shared/knowledge/effective.ts';
import {
  runIncremental,
  runMatching,
  type StoredProposal,
} from '../../../../shared/matching/engine.ts';
import {
  DEFAULT_PARAMS,
  ENGINE_VERSION,
  type MatchingParams,
  type Proposal,
  type Snapshot,
} from '../../../../shared/matching/types.ts';
import type { Database } from '../../../core/src/db/database.ts';
import * as repo from './matching.repo.ts';
import { dropRejectedSubstitutions } from './rejections.ts';

export type ProgressReporter = (percent: number) => Promise<void>;

export async function loadSnapshot(
  db: Database,
  territoryId: string,
  params: Partial<MatchingParams>,
): Promise<Snapshot> {
  const [companies, flows, rules, factors, rejected] = await Promise.all([
    repo.snapshotCompanies(db, territoryId),
    repo.snapshotFlows(db, territoryId),
    repo.activeRules(db),
    repo.emissionFactors(db),
    repo.rejectedKeys(db, territoryId),
  ]);
  const resources = await repo.snapshotResources(db, [
    ...new Set(flows.map((f) => f.resourceCode)),
  ]);
  return {
    territoryId,
    companies,
    flows,
    resources,
    rules,
    emissionFactors: factors,
    params: { ...DEFAULT_PARAMS, ...params },
    rejectedKeys: rejected,
  };
}

/**
 * Runs one match_run: loads the territory's snapshot, calls the pure engine,
 * writes the proposals in one transaction (upsert by key, stale marking) and
 * records counts and versions. Idempotent: a run that already succeeded is not
 * redone; a run interrupted mid-way (worker killed) is simply run again, and
 * the upsert by key leaves no duplicate.
 */
export async function executeMatchRun(
  db: Database,
  runId: string,
  progress: ProgressReporter = async () => undefined,
) {
  const run = await repo.findRun(db, runId);
  if (!run) throw new Error(`match run ${runId} not found`);
  if (run.status === 'succeeded') return { skipped: true as const };
  await repo.markRunning(db, runId);
  await progress(5);

  const snapshot = await loadSnapshot(
    db,
    run.territory_id,
    (run.params ?? {}) as Partial<MatchingParams>,
  );
  await repo.setProgress(db, runId, 30);
  await progress(30);

  const incremental = run.scope_company_ids.length > 0;
  let proposals: Proposal[];
  let affects: (p: StoredProposal) => boolean;
  let insights: unknown = null;
  if (incremental) {
    const previousFlows = await repo.snapshotFlows(db, run.territory_id, run.scope_company_ids);
    const r = runIncremental(snapshot, run.scope_company_ids, { previousFlows });
    proposals = r.proposals;
    affects = r.affects;
  } else {
    const r = runMatching(snapshot);
    proposals = r.proposals;
    insights = r.insights;
    affects = () => true;
  }
  proposals = await dropRejectedSubstitutions(db, snapshot, proposals);
  await repo.setProgress(db, runId, 70);
  await progress(70);

  const counts = await db.transaction().execute(async (trx) => {
    await repo.lockTerritoryResults(trx, run.territory_id);
    const written = await repo.upsertProposals(trx, run.territory_id, runId, proposals);
    const kept = new Set(proposals.map((p) => p.key));
    const current = await repo.currentEngineSynergies(trx, run.territory_id);
    const stale = current
      .filter((s) => !kept.has(s.proposal.key) && affects(s.proposal))
      .map((s) => s.id);
    await repo.markStale(trx, stale);
    const counts = {
      companies: snapshot.companies.length,
      flows: snapshot.flows.length,
      rules: snapshot.rules.length,
      proposals: proposals.length,
      substitutions: proposals.filter((p) => p.type === 'substitution').length,
      mutualisations: proposals.filter((p) => p.type === 'mutualisation').length,
      created: written.created,
      updated: written.updated,
      stale: stale.length,
    };
    await repo.finishRun(trx, runId, {
      engineVersion: ENGINE_VERSION,
      ruleSetVersion: ruleSetVersion(snapshot.rules),
      counts,
      insights,
    });
    return counts;
  });
  await progress(100);
  return { skipped: false as const, counts };
}
