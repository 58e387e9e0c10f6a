// What a rejection remembers of a substitution, so that the engine does not
// propose it again while nothing that matters for matching has changed. Pure:
// used by the API when an officer rejects, and by the worker before it writes
// a run's proposals.
import { createHash } from 'node:crypto';

/** The matching-relevant fields of one side of a substitution. */
export interface FingerprintFlow {
  companyId: string;
  resourceCode: string;
  quantityPerYear: number | null;
  unit: string | null;
  hazardous: boolean;
  /** The company's location (WGS 84); null when it has none. */
  lon: number | null;
  lat: number | null;
}

const side = (f: FingerprintFlow) => [
  f.companyId,
  f.resourceCode,
  f.quantityPerYear,
  f.unit,
  f.hazardous,
  f.lon === null ? null : Math.round(f.lon * 1e6) / 1e6,
  f.lat === null ? null : Math.round(f.lat * 1e6) / 1e6,
];

/**
 * sha256 of the rule and both sides' fields, hex. Flow ids are left out on
 * purpose: a new diagnostic version gives new flow ids to unchanged flows,
 * and an unchanged pair must stay rejected.
 */
export function rejectionFingerprint(
  ruleId: string | null,
  supply: FingerprintFlow,
  demand: FingerprintFlow,
): string {
  return createHash('sha256')
    .update(JSON.stringify([ruleId, side(supply), side(demand)]))
    .digest('hex');
}
