// French labels for the enums of the contract.
import { FLOW_KINDS } from '../../shared/schemas/flows.ts';
import { SYNERGY_STATUSES } from '../../shared/schemas/matching.ts';
import {
  PERIOD_CODES,
  UNITS,
  UNIT_CODES,
  dimensionOfCanonical,
  type Unit,
} from '../../shared/units.ts';
import { STATUS_LABELS_FR } from '../../shared/lifecycle/state-machine.ts';
import type { SynergyStatus } from './types.ts';

export { FLOW_KINDS, PERIOD_CODES, SYNERGY_STATUSES, UNIT_CODES };

export const KIND_LABELS: Record<(typeof FLOW_KINDS)[number], string> = {
  input: 'Entrant (achat)',
  output: 'Sortant (coproduit)',
  waste: 'Déchet',
  need: 'Besoin',
};

export const PERIOD_LABELS: Record<(typeof PERIOD_CODES)[number], string> = {
  year: 'par an',
  quarter: 'par trimestre',
  month: 'par mois',
  week: 'par semaine',
  day: 'par jour',
  one_off: 'ponctuel',
};

/**
 * Status labels of the badges, from the lifecycle module the API answers
 * GET /v1/synergy-lifecycle with (forms read that endpoint: labels, next statuses, reasons).
 */
export const STATUS_LABELS: Readonly<Record<SynergyStatus, string>> = STATUS_LABELS_FR;

export const RUN_STATUS_LABELS = {
  queued: 'en file d’attente',
  running: 'en cours',
  succeeded: 'terminée',
  failed: 'en échec',
} as const;

export const TYPE_LABELS = {
  substitution: 'Substitution',
  mutualisation: 'Mutualisation',
} as const;

export const ROLE_LABELS = {
  supplier: 'Fournisseur',
  receiver: 'Receveur',
  member: 'Membre',
} as const;

export const HEADCOUNT_LABELS: Record<string, string> = {
  '0': '0 salarié',
  '1-9': '1 à 9',
  '10-49': '10 à 49',
  '50-249': '50 à 249',
  '250-999': '250 à 999',
  '1000+': '1 000 et plus',
};

export function unitLabel(u: string | null | undefined): string {
  if (!u) return '';
  return u in UNITS ? UNITS[u as Unit].label_fr : u;
}

/** Units a resource counted in `canonicalUnit` accepts (same dimension). */
export function unitsFor(canonicalUnit: string | null | undefined): Unit[] {
  const dim = canonicalUnit ? dimensionOfCanonical(canonicalUnit) : undefined;
  return dim ? UNIT_CODES.filter((u) => UNITS[u].dimension === dim) : [...UNIT_CODES];
}

const nf = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
export const fmt = (n: number | null | undefined, digits = 1) =>
  n == null ? '—' : (digits === 2 ? nf2 : nf).format(n);
export const fmtEur = (n: number | null | undefined) =>
  n == null
    ? '—'
    : new Intl.NumberFormat('fr-FR', {
        style: 'currency',
        currency: 'EUR',
        maximumFractionDigits: 0,
      }).format(n);
export const fmtDate = (s: string | null | undefined) =>
  s ? new Date(s).toLocaleDateString('fr-FR', { dateStyle: 'medium' }) : '—';
export const fmtDateTime = (s: string | null | undefined) =>
  s ? new Date(s).toLocaleString('fr-FR', { dateStyle: 'short', timeStyle: 'short' }) : '—';
