// The matching engine's contract. The engine is pure: a snapshot of one
// territory in, proposals out; same input, same output, same order.
import type { Rule } from '../knowledge/rules.ts';

export const ENGINE_VERSION = 'engine-1';

export interface SnapshotCompany {
  id: string;
  name: string;
  nafCode: string;
  /** NAF division label, for anonymous explanations ("Fabrication de boissons"). */
  sectorLabel: string;
  zoneId: string | null;
  /** Zone name, for explanations ("Grand Sud"); null outside any zone. */
  zoneName?: string | null;
  /** WGS 84; null when the company has no location (then only same-zone matches). */
  lon: number | null;
  lat: number | null;
}

export type FlowKind = 'input' | 'output' | 'waste' | 'need';

export interface SnapshotFlow {
  id: string;
  companyId: string;
  kind: FlowKind;
  category: string;
  resourceCode: string;
  /** In the resource's canonical unit per year; null when not declared. */
  quantityPerYear: number | null;
  canonicalUnit: string | null;
  period: string | null;
  costEurPerYear: number | null;
  hazardous: boolean;
  quality: Record<string, unknown>;
}

export interface SnapshotResource {
  code: string;
  labelFr: string;
  category: string;
  canonicalUnit: string;
}

export interface EmissionFactor {
  key: string;
  label: string;
  value: number;
  unit: string;
  source: string;
}

export interface MatchingParams {
  /** Distance bound for an exact resource match when no rule gives one, by resource category. */
  exactMatchMaxDistanceKm: Record<string, number>;
  /** Confidence of an exact match (same resource on both sides). */
  exactMatchConfidence: number;
  /** Companies closer than this, or in the same zone, may pool a flow. */
  mutualisationRadiusKm: number;
  /** A pooling proposal needs at least this many companies. */
  mutualisationMinMembers: number;
  /** Proposals scoring below this are dropped. */
  minScore: number;
  /**
   * Substitution cap: a proposal is kept only if it is among the best
   * `maxProposalsPerFlow` (score desc, key asc) of its supply flow AND among
   * the best `maxProposalsPerFlow` of its demand flow, ranked over the
   * non-rejected candidates. Bounds the count by N × min(#supplies, #demands).
   * A value below 1 or not finite disables the cap.
   */
  maxProposalsPerFlow: number;
}

export const DEFAULT_PARAMS: MatchingParams = {
  exactMatchMaxDistanceKm: {
    waste: 50,
    material: 80,
    energy: 5,
    water: 10,
    logistics: 30,
    equipment: 20,
    space: 10,
    service: 30,
    skill: 30,
  },
  exactMatchConfidence: 0.85,
  mutualisationRadiusKm: 3,
  mutualisationMinMembers: 3,
  minScore: 0.05,
  maxProposalsPerFlow: 5,
};

export interface Snapshot {
  territoryId: string;
  companies: SnapshotCompany[];
  flows: SnapshotFlow[];
  resources: SnapshotResource[];
  /** Effective, enabled rules. */
  rules: Rule[];
  emissionFactors: EmissionFactor[];
  params: MatchingParams;
  /** Keys of proposals a person rejected: never proposed again while their flows are unchanged. */
  rejectedKeys?: string[];
}

export type ProposalType = 'substitution' | 'mutualisation';
export type ParticipantRole = 'supplier' | 'receiver' | 'member';
export type WorkingGroupTheme =
  'energy_purchasing' | 'pallets' | 'waste_collection' | 'services' | 'equipment';

export interface Participant {
  role: ParticipantRole;
  companyId: string;
  flowId: string;
}

export interface ScoreBreakdown {
  /** Each factor in [0, 1]; score = product of the factors. */
  confidence: number;
  coverage: number;
  distance: number;
  regularity: number;
  quality: number;
  notes: string[];
}

export interface GainFactorUse {
  key: string;
  label: string;
  value: number;
  unit: string;
  source: string;
  /** What it was applied to, e.g. "12 t × 0.58 kgCO2e/kg (enfouissement évité)". */
  appliedTo: string;
  tco2e: number;
}

export interface EstimatedGains {
  /** Tonnes kept from disposal per year (wastes and by-products counted in t). */
  tonnesDivertedPerYear: number | null;
  /** Net tCO2e avoided per year (credits minus transport), with every factor used. */
  tco2eAvoidedPerYear: number | null;
  eurPerYear: number | null;
  factors: GainFactorUse[];
  assumptions: string[];
}

export interface Proposal {
  /** Deterministic: hash of type, resource and sorted participant flow ids. */
  key: string;
  type: ProposalType;
  resourceCode: string;
  ruleId: string | null;
  score: number;
  breakdown: ScoreBreakdown;
  /** One line, French, anonymous (sectors and distances, never names). */
  explanationFr: string;
  participants: Participant[];
  distanceKm: number | null;
  /** Substitution: quantity exchanged per year in the receiver's canonical unit. */
  quantityPerYear: number | null;
  unit: string | null;
  theme: WorkingGroupTheme | null;
  gains: EstimatedGains;
}

export interface Insights {
  /** A supplies B, B supplies C (chains of substitutions). */
  cascades: { companyIds: string[]; proposalKeys: string[] }[];
  /** Companies involved in the most proposals. */
  anchors: { companyId: string; proposals: number }[];
  /** Supply (waste/output) resources with no outlet in the territory. */
  unmatchedResources: {
    resourceCode: string;
    companies: number;
    quantityPerYear: number;
    unit: string | null;
  }[];
}

export interface MatchResult {
  proposals: Proposal[];
  insights: Insights;
}
