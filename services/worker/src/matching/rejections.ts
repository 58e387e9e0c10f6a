// Rejection feedback: a substitution that an officer rejected is not proposed
// again for the same pair of companies with the same rule while both flows'
// matching-relevant fields (shared/lifecycle/rejection-fingerprint.ts) are
// unchanged — even when a new diagnostic version gave the flows new ids (new
// key). When the flows change, the fingerprint changes and the pair may be
// proposed again (under the new flows' key). A proposal with the very key of
// the rejected synergy is already dropped by the engine (snapshot.rejectedKeys):
// the rejected synergy stays rejected, a run never reopens it.
import {
  rejectionFingerprint,
  type FingerprintFlow,
} from '../../../../shared/lifecycle/rejection-fingerprint.ts';
import type { PreparedSnapshot } from '../../../../shared/matching/prepared.ts';
import type {
  Proposal,
  Snapshot,
  SnapshotCompany,
  SnapshotFlow,
} from '../../../../shared/matching/types.ts';
import type { Executor } from '../../../core/src/db/database.ts';
import { rejectionsOf } from './rejections.repo.ts';

const rejectionKey = (supplier: string, receiver: string, ruleId: string | null, fp: string) =>
  `${supplier}|${receiver}|${ruleId ?? ''}|${fp}`;

/** How the filter finds a proposal's flows and companies. */
export interface FlowLookup {
  flow: (id: string) => SnapshotFlow | undefined;
  company: (id: string) => SnapshotCompany | undefined;
}

/** Lookups over a whole snapshot (built when first needed). */
export const snapshotLookup = (snapshot: Snapshot) => (): FlowLookup => {
  const flows = new Map(snapshot.flows.map((f) => [f.id, f]));
  const companies = new Map(snapshot.companies.map((c) => [c.id, c]));
  return { flow: (id) => flows.get(id), company: (id) => companies.get(id) };
};

/** Lookups over a prepared snapshot (its current flows). */
export const preparedLookup = (prep: PreparedSnapshot) => (): FlowLookup => ({
  flow: (id) => prep.flow(id),
  company: (id) => prep.ctx.companies.get(id),
});

/** The proposals minus the substitutions people rejected with the same flows. */
export async function dropRejectedSubstitutions(
  db: Executor,
  territoryId: string,
  lookup: () => FlowLookup,
  proposals: Proposal[],
): Promise<Proposal[]> {
  const rows = await rejectionsOf(db, territoryId);
  if (rows.length === 0) return proposals;
  const rejected = new Set(
    rows.map((r) =>
      rejectionKey(r.supplier_company_id, r.receiver_company_id, r.rule_id, r.fingerprint),
    ),
  );
  const { flow, company } = lookup();
  const side = (flowId: string): FingerprintFlow | null => {
    const f = flow(flowId);
    const c = f && company(f.companyId);
    if (!f || !c) return null;
    return {
      companyId: f.companyId,
      resourceCode: f.resourceCode,
      quantityPerYear: f.quantityPerYear,
      unit: f.canonicalUnit,
      hazardous: f.hazardous,
      lon: c.lon,
      lat: c.lat,
    };
  };
  return proposals.filter((p) => {
    if (p.type !== 'substitution') return true;
    const s = p.participants.find((x) => x.role === 'supplier');
    const d = p.participants.find((x) => x.role === 'receiver');
    const supply = s && side(s.flowId);
    const demand = d && side(d.flowId);
    if (!supply || !demand) return true;
    const fp = rejectionFingerprint(p.ruleId, supply, demand);
    return !rejected.has(rejectionKey(supply.companyId, demand.companyId, p.ruleId, fp));
  });
}
