// The synergy lifecycle in one place (pure, no I/O): which status may follow
// which, and the French labels users see. The API service asks `canTransition`
// before every change; nothing else decides it.

import type { SYNERGY_STATUSES } from '../schemas/matching.ts';

export type SynergyStatus = (typeof SYNERGY_STATUSES)[number];

/** Closed statuses: no transition leaves them (a new synergy is created instead). */
export const CLOSED_STATUSES = ['implemented', 'rejected', 'abandoned'] as const;
export const OPEN_STATUSES = ['proposed', 'qualified', 'under_study', 'in_progress'] as const;

/**
 * Statuses of the officers' follow-up list. `proposed` is left out: engine
 * proposals waiting for qualification are the qualification backlog, not a
 * synergy someone carries.
 */
export const FOLLOW_UP_STATUSES = ['qualified', 'under_study', 'in_progress'] as const;

/** Closing statuses that need a reason from the closed list. */
export const STATUSES_NEEDING_REASON = ['rejected', 'abandoned'] as const;

/** Each open status moves one step forward, or closes as rejected or abandoned. */
export const TRANSITIONS: Readonly<Record<SynergyStatus, readonly SynergyStatus[]>> = {
  proposed: ['qualified', 'rejected', 'abandoned'],
  qualified: ['under_study', 'rejected', 'abandoned'],
  under_study: ['in_progress', 'rejected', 'abandoned'],
  in_progress: ['implemented', 'rejected', 'abandoned'],
  implemented: [],
  rejected: [],
  abandoned: [],
};

export function canTransition(from: SynergyStatus, to: SynergyStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function needsReason(to: SynergyStatus): boolean {
  return (STATUSES_NEEDING_REASON as readonly string[]).includes(to);
}

export function isOpen(status: SynergyStatus): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

/** Realised gains are recorded once the exchange runs: in progress (first figures) or implemented. */
export const STATUSES_WITH_REALISED_GAINS = ['in_progress', 'implemented'] as const;

export function acceptsRealisedGains(status: SynergyStatus): boolean {
  return (STATUSES_WITH_REALISED_GAINS as readonly string[]).includes(status);
}

export const REJECTION_REASONS = [
  'technical',
  'economic',
  'regulatory',
  'distance',
  'quantity',
  'quality',
  'no_interest',
  'duplicate',
  'other',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const STATUS_LABELS_FR: Readonly<Record<SynergyStatus, string>> = {
  proposed: 'Proposée',
  qualified: 'Qualifiée',
  under_study: 'À l’étude',
  in_progress: 'En cours de mise en œuvre',
  implemented: 'Mise en œuvre',
  rejected: 'Rejetée',
  abandoned: 'Abandonnée',
};

export const REASON_LABELS_FR: Readonly<Record<RejectionReason, string>> = {
  technical: 'Incompatibilité technique',
  economic: 'Pas rentable',
  regulatory: 'Obstacle réglementaire',
  distance: 'Trop éloigné',
  quantity: 'Quantités insuffisantes ou irrégulières',
  quality: 'Qualité insuffisante',
  no_interest: 'Pas d’intérêt des entreprises',
  duplicate: 'Doublon d’une autre piste',
  other: 'Autre motif',
};
