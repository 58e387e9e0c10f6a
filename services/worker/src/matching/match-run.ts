import { ruleSetVersion } from '../../../../shared/knowledge/effective.ts';
import {
  PreparedSnapshot,
  runIncremental,
  runMatching,
  type StoredProposal,
} from '../../../../shared/matching/engine.ts';
import { MAX_OVERLAY_COMPANIES } from '../../../../shared/matching/prepared.ts';
import {
  DEFAULT_PARAMS,
  ENGINE_VERSION,
  type MatchingParams,
  type Proposal,
  type Snapshot,
} from '../../../../shared/matching/types.ts';
import { copyingTransaction, type Database, type Tx } from '../../../core/src/db/database.ts';
import * as repo from './matching.repo.ts';
import { dropRejectedSubstitutions, preparedLookup, snapshotLookup } from './rejections.ts';

export type ProgressReporter = (percent: number) => Promise<void>;

/**
 * A worker's prepared snapshot of the territory it last rematched, kept
 * between runs: a rematch then reads only the companies whose diagnostics
 * changed since (applied as an overlay) instead of the whole territory. Any
 * company edit, another rule set or other parameters prepare afresh. One
 * territory at a time (memory); every worker process has its own.
 */
export class SnapshotCache {
  entry: {
    territoryId: string;
    prep: PreparedSnapshot;
    /** Database time of the last sync, minus a margin (see `prepared`). */
    syncedAt: string;
    /** Rule set, parameters and companies the snapshot was prepared with. */
    versionKey: string;
    /** Company → the validated diagnostic whose flows the snapshot holds. */
    diagnostics: Map<string, string>;
  } | null = null;

  /** How many rematches found their territory prepared (for tests and metrics). */
  hits = 0;
  /** How many companies the last sync re-read (for tests and metrics). */
  lastSynced = 0;
}

/**
 * Changes committed by transactions that started before a sync but ended
 * after it carry an earlier timestamp: the next sync looks back this far
 * (re-applying a company's current flows is harmless).
 */
const SYNC_MARGIN = '5 minutes';

async function prepared(
  db: Database,
  cache: SnapshotCache,
  territoryId: string,
  params: Partial<MatchingParams>,
): Promise<PreparedSnapshot> {
  const since = await repo.databaseNow(db, SYNC_MARGIN);
  const rules = await repo.activeRules(db);
  const companies = await repo.companiesFingerprint(db, territoryId);
  const versionKey = `${ruleSetVersion(rules)}|${JSON.stringify(params)}|${companies}`;
  const e = cache.entry;
  if (
    e &&
    e.territoryId === territoryId &&
    e.versionKey === versionKey &&
    e.prep.changedCompanies <= MAX_OVERLAY_COMPANIES
  ) {
    // Within the look-back, only the companies whose validated diagnostic is
    // not the one the snapshot holds (a bulk import puts a whole territory there).
    const news = (await repo.companiesWithNewDiagnostics(db, territoryId, e.syncedAt)).filter(
      (c) => (e.diagnostics.get(c.companyId) ?? null) !== c.validatedId,
    );
    const changed = news.map((c) => c.companyId);
    cache.lastSynced = changed.length;
    if (changed.length > 0) {
      const flows = await repo.snapshotFlows(db, territoryId, undefined, changed);
      const known = e.prep.ctx.resources;
      const missing = [...new Set(flows.map((f) => f.resourceCode))].filter((c) => !known.has(c));
      for (const r of await repo.snapshotResources(db, missing)) known.set(r.code, r);
      const byCompany = new Map<string, typeof flows>(changed.map((id) => [id, []]));
      for (const f of flows) byCompany.get(f.companyId)?.push(f);
      e.prep.setCompanyFlows(byCompany);
      // Only once their flows are in (a failed sync is read again next time).
      for (const c of news) {
        if (c.validatedId === null) e.diagnostics.delete(c.companyId);
        else e.diagnostics.set(c.companyId, c.validatedId);
      }
    }
    // Rejected keys leave the candidate lists: when they changed, the cached lists go.
    const rejected = e.prep.ctx.rejected;
    const now = new Set(await repo.rejectedKeys(db, territoryId));
    if (now.size !== rejected.size || [...now].some((k) => !rejected.has(k))) {
      rejected.clear();
      for (const k of now) rejected.add(k);
      e.prep.clearTops();
    }
    e.syncedAt = since;
    cache.hits++;
    return e.prep;
  }
  cache.entry = null; // let the old one be collected before loading the new one
  // Read before the flows: a validation in between shows as a change at the
  // next sync (its flows re-applied, harmless), never as one missed.
  const diagnostics = await repo.validatedDiagnostics(db, territoryId);
  const prep = new PreparedSnapshot(await loadSnapshot(db, territoryId, params));
  cache.entry = { territoryId, prep, syncedAt: since, versionKey, diagnostics };
  return prep;
}

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

/** Rematch: marks stale its companies' synergies it answers for and did not propose again. */
async function markAffectedStale(
  trx: Tx,
  territoryId: string,
  companies: readonly string[],
  affects: (p: StoredProposal) => boolean,
): Promise<number> {
  const unproposed = await repo.unproposedEngineSynergies(trx, territoryId, companies);
  const stale = unproposed.filter((s) => affects(s.proposal)).map((s) => s.id);
  await repo.markStale(trx, stale);
  return stale.length;
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
  cache?: SnapshotCache,
) {
  const run = await repo.findRun(db, runId);
  if (!run) throw new Error(`match run ${runId} not found`);
  if (run.status === 'succeeded') return { skipped: true as const };
  await repo.markRunning(db, runId);
  await progress(5);

  const params = (run.params ?? {}) as Partial<MatchingParams>;
  const incremental = run.scope_company_ids.length > 0;
  // A rematch with a cache works on the prepared snapshot; otherwise the whole territory is loaded.
  const prep = incremental && cache ? await prepared(db, cache, run.territory_id, params) : null;
  let snapshot = prep ? null : await loadSnapshot(db, run.territory_id, params);
  await repo.setProgress(db, runId, 30);
  await progress(30);

  let proposals: Proposal[];
  /** Rematch: which stored synergies of the concerned companies it answers for. */
  let affects: (p: StoredProposal) => boolean;
  /** Only the stored synergies of these companies can be affected (all when undefined). */
  let concerned: string[] | undefined;
  let insights: unknown = null;
  if (incremental) {
    const previousFlows = await repo.snapshotFlows(db, run.territory_id, run.scope_company_ids);
    const r = runIncremental(prep ?? snapshot!, run.scope_company_ids, { previousFlows });
    proposals = r.proposals;
    affects = r.affects;
    concerned = [...r.companies].sort();
  } else {
    const r = runMatching(snapshot!);
    proposals = r.proposals;
    insights = r.insights;
  }
  proposals = await dropRejectedSubstitutions(
    db,
    run.territory_id,
    prep ? preparedLookup(prep) : snapshotLookup(snapshot!),
    proposals,
  );
  // What the run record keeps of the snapshot; then the snapshot itself can go
  // while the proposals are written (a national one is most of the memory).
  const base = prep?.base ?? snapshot!;
  const sizes = {
    companies: base.companies.length,
    flows: prep ? prep.flowCount() : base.flows.length,
    rules: base.rules.length,
  };
  const rulesVersion = ruleSetVersion(base.rules);
  snapshot = null;
  await repo.setProgress(db, runId, 70);
  await progress(70);

  const counts = await copyingTransaction(db, async (trx, copy) => {
    await repo.lockTerritoryResults(trx, run.territory_id);
    const written = await repo.upsertProposals(trx, run.territory_id, runId, proposals, copy);
    // A full run answers for every synergy of the territory: SQL marks those not proposed
    // again. A rematch answers only for some of its companies' synergies (`affects`).
    const stale = concerned
      ? await markAffectedStale(trx, run.territory_id, concerned, affects)
      : await repo.markUnproposedStale(trx, run.territory_id);
    const counts = {
      ...sizes,
      proposals: proposals.length,
      substitutions: proposals.filter((p) => p.type === 'substitution').length,
      mutualisations: proposals.filter((p) => p.type === 'mutualisation').length,
      created: written.created,
      updated: written.updated,
      stale,
    };
    await repo.finishRun(trx, runId, {
      engineVersion: ENGINE_VERSION,
      ruleSetVersion: rulesVersion,
      counts,
      insights,
    });
    return counts;
  });
  await progress(100);
  return { skipped: false as const, counts };
}
