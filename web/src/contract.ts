// Endpoints agreed in the lifecycle and portal contracts, built in parallel branches.
// Their zod schemas are not in shared/schemas yet: these types are written from the
// contract and must be replaced by z.infer of the real schemas once they are merged
// (one file to change: every page imports these types and calls from here).
import { api, download } from './api.ts';
import type { Page, Synergy, SynergyStatus } from './types.ts';

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

export interface TransitionBody {
  to: SynergyStatus;
  reasonCode?: RejectionReason;
  comment?: string;
}

export interface SynergyEvent {
  id: string;
  fromStatus: SynergyStatus | null;
  toStatus: SynergyStatus;
  reasonCode: RejectionReason | null;
  comment: string | null;
  actor: { id: string; displayName: string } | null;
  at: string;
}

export const WORKING_GROUP_THEMES = [
  'energy_purchasing',
  'shared_services',
  'pallets',
  'waste_collection',
  'equipment',
  'custom',
] as const;
export type WorkingGroupTheme = (typeof WORKING_GROUP_THEMES)[number];

/** Fields the contract does not spell out are read defensively (optional). */
export interface WorkingGroup {
  id: string;
  territoryId: string;
  name: string;
  theme: WorkingGroupTheme;
  description?: string | null;
  members?: { companyId: string; companyName?: string; role?: string | null }[];
  synergyIds?: string[];
  createdAt?: string;
}

export interface Meeting {
  id: string;
  heldAt?: string;
  date?: string;
  title?: string | null;
  notes?: string | null;
}

export interface PooledVolume {
  resourceCode: string;
  resourceLabel?: string | null;
  quantityPerYear: number | null;
  unit: string | null;
  companies?: number;
}

export type Answer = 'accept' | 'decline' | 'introduce';
export type DistanceBand = '< 1 km' | '1–5 km' | '5–20 km' | '20–50 km' | '> 50 km';

export interface CompanySynergy {
  id: string;
  type: Synergy['type'];
  resourceCode: string;
  resourceLabel: string | null;
  status: SynergyStatus;
  score: number | null;
  summaryFr: string;
  myRole: 'supplier' | 'receiver' | 'member';
  quantityPerYear: number | null;
  unit: string | null;
  estimatedGains: unknown;
  myAnswer: Answer | null;
  introduced: boolean;
  counterparts: {
    role: 'supplier' | 'receiver' | 'member';
    sectorLabel: string;
    zoneName: string | null;
    distanceBand: DistanceBand | null;
    quantityPerYear: number | null;
    unit: string | null;
    answer: Answer | null;
    identity: null | {
      name: string;
      siret: string;
      address: string | null;
      contactEmail: string | null;
      contactPhone: string | null;
    };
  }[];
}

export interface Notification {
  id: string;
  kind: 'new_proposal' | 'counterpart_answered' | 'introduced';
  synergyId: string | null;
  textFr: string;
  createdAt: string;
  readAt: string | null;
}

// ------------------------------------------------------------------ lifecycle
export const lifecycle = {
  transition: (synergyId: string, body: TransitionBody) =>
    api.post<Synergy>(`/synergies/${synergyId}/transitions`, body),
  events: (synergyId: string) =>
    api.get<{ items: SynergyEvent[] }>(`/synergies/${synergyId}/events`),
  followUp: (territoryId: string) =>
    api.get<Page<Synergy> | { items: Synergy[] }>(`/territories/${territoryId}/follow-up`),
};

export const workingGroups = {
  list: (territoryId: string) =>
    api.get<Page<WorkingGroup> | { items: WorkingGroup[] }>(
      `/territories/${territoryId}/working-groups`,
    ),
  create: (territoryId: string, body: { name: string; theme: WorkingGroupTheme }) =>
    api.post<WorkingGroup>(`/territories/${territoryId}/working-groups`, body),
  get: (id: string) => api.get<WorkingGroup>(`/working-groups/${id}`),
  addMember: (id: string, companyId: string) =>
    api.put<unknown>(`/working-groups/${id}/members/${companyId}`, {}),
  removeMember: (id: string, companyId: string) =>
    api.del(`/working-groups/${id}/members/${companyId}`),
  meetings: (id: string) =>
    api.get<Page<Meeting> | { items: Meeting[] }>(`/working-groups/${id}/meetings`),
  addMeeting: (id: string, body: { heldAt: string; title?: string; notes?: string }) =>
    api.post<Meeting>(`/working-groups/${id}/meetings`, body),
  pooledVolumes: (id: string) =>
    api.get<{ items: PooledVolume[] }>(`/working-groups/${id}/pooled-volumes`),
  pooledVolumesCsv: (id: string) =>
    download(`/working-groups/${id}/pooled-volumes`, { format: 'csv' }, `volumes-${id}.csv`),
};

// --------------------------------------------------------------------- portal
export const portal = {
  synergies: (companyId: string) =>
    api.get<Page<CompanySynergy>>(`/companies/${companyId}/synergies`),
  answer: (
    companyId: string,
    synergyId: string,
    body: { answer: Answer; reasonCode?: RejectionReason; comment?: string },
  ) => api.post<CompanySynergy>(`/companies/${companyId}/synergies/${synergyId}/answer`, body),
  notifications: (companyId: string) =>
    api.get<{ items: Notification[]; unread: number }>(`/companies/${companyId}/notifications`),
  markRead: (id: string) => api.post<unknown>(`/notifications/${id}/read`),
};
