// Lifecycle, working groups and company portal: types inferred from the zod schemas the
// API validates and serialises with (shared/schemas), and one typed call per route.
import type { z } from 'zod';
import type {
  FollowUpItem as FollowUpItemSchema,
  FollowUpQuery as FollowUpQuerySchema,
  LifecycleReference as LifecycleReferenceSchema,
  RealisedGainsInput as RealisedGainsInputSchema,
  RejectionReason as RejectionReasonSchema,
  SynergyEvent as SynergyEventSchema,
  SynergyEventList as SynergyEventListSchema,
  TransitionCreate as TransitionCreateSchema,
} from '../../shared/schemas/lifecycle.ts';
import type {
  Answer as AnswerSchema,
  CompanySynergy as CompanySynergySchema,
  CompanySynergyListQuery as CompanySynergyListQuerySchema,
  Counterpart as CounterpartSchema,
  Notification as NotificationSchema,
  NotificationList as NotificationListSchema,
  NotificationListQuery as NotificationListQuerySchema,
  PortalGains as PortalGainsSchema,
  SynergyAnswerWrite as SynergyAnswerWriteSchema,
} from '../../shared/schemas/portal.ts';
import type {
  Meeting as MeetingSchema,
  MeetingCreate as MeetingCreateSchema,
  MeetingList as MeetingListSchema,
  PooledVolumes as PooledVolumesSchema,
  SuggestionList as SuggestionListSchema,
  WorkingGroup as WorkingGroupSchema,
  WorkingGroupCreate as WorkingGroupCreateSchema,
  WorkingGroupListQuery as WorkingGroupListQuerySchema,
  WorkingGroupSummary as WorkingGroupSummarySchema,
  WorkingGroupUpdate as WorkingGroupUpdateSchema,
} from '../../shared/schemas/working-groups.ts';
import { api, download } from './api.ts';
import type { Page, Synergy } from './types.ts';

export type { WorkingGroupTheme } from '../../shared/schemas/working-groups.ts';

// ------------------------------------------------------------------ lifecycle
export type RejectionReason = z.infer<typeof RejectionReasonSchema>;
export type TransitionBody = z.input<typeof TransitionCreateSchema>;
export type SynergyEvent = z.infer<typeof SynergyEventSchema>;
export type SynergyEventList = z.infer<typeof SynergyEventListSchema>;
export type LifecycleReference = z.infer<typeof LifecycleReferenceSchema>;
export type RealisedGainsBody = z.input<typeof RealisedGainsInputSchema>;
export type FollowUpItem = z.infer<typeof FollowUpItemSchema>;
export type FollowUpQuery = Partial<z.infer<typeof FollowUpQuerySchema>>;

// Labels, allowed transitions and reasons change with the API, not with the app: read once.
let referenceCache: Promise<LifecycleReference> | null = null;

export const lifecycle = {
  reference: (): Promise<LifecycleReference> => {
    referenceCache ??= api.get<LifecycleReference>('/synergy-lifecycle').catch((e: unknown) => {
      referenceCache = null;
      throw e;
    });
    return referenceCache;
  },
  transition: (synergyId: string, body: TransitionBody) =>
    api.post<Synergy>(`/synergies/${synergyId}/transitions`, body),
  events: (synergyId: string) => api.get<SynergyEventList>(`/synergies/${synergyId}/events`),
  setRealisedGains: (synergyId: string, body: RealisedGainsBody) =>
    api.put<Synergy>(`/synergies/${synergyId}/realised-gains`, body),
  followUp: (territoryId: string, query: FollowUpQuery = {}) =>
    api.get<Page<FollowUpItem>>(`/territories/${territoryId}/follow-up`, query),
};

// ------------------------------------------------------------- working groups
export type WorkingGroupSummary = z.infer<typeof WorkingGroupSummarySchema>;
export type WorkingGroup = z.infer<typeof WorkingGroupSchema>;
export type WorkingGroupCreate = z.input<typeof WorkingGroupCreateSchema>;
export type WorkingGroupUpdate = z.input<typeof WorkingGroupUpdateSchema>;
export type WorkingGroupListQuery = Partial<z.infer<typeof WorkingGroupListQuerySchema>>;
export type Meeting = z.infer<typeof MeetingSchema>;
export type MeetingCreate = z.input<typeof MeetingCreateSchema>;
export type MeetingList = z.infer<typeof MeetingListSchema>;
export type PooledVolumes = z.infer<typeof PooledVolumesSchema>;
export type SuggestionList = z.infer<typeof SuggestionListSchema>;

export const workingGroups = {
  list: (territoryId: string, query: WorkingGroupListQuery = {}) =>
    api.get<Page<WorkingGroupSummary>>(`/territories/${territoryId}/working-groups`, query),
  create: (territoryId: string, body: WorkingGroupCreate) =>
    api.post<WorkingGroup>(`/territories/${territoryId}/working-groups`, body),
  get: (id: string) => api.get<WorkingGroup>(`/working-groups/${id}`),
  update: (id: string, body: WorkingGroupUpdate) =>
    api.patch<WorkingGroup>(`/working-groups/${id}`, body),
  addMember: (id: string, companyId: string) =>
    api.put<WorkingGroup>(`/working-groups/${id}/members/${companyId}`),
  removeMember: (id: string, companyId: string) =>
    api.del(`/working-groups/${id}/members/${companyId}`),
  meetings: (id: string) => api.get<MeetingList>(`/working-groups/${id}/meetings`),
  addMeeting: (id: string, body: MeetingCreate) =>
    api.post<Meeting>(`/working-groups/${id}/meetings`, body),
  linkSynergy: (id: string, synergyId: string) =>
    api.put<WorkingGroup>(`/working-groups/${id}/synergies/${synergyId}`),
  unlinkSynergy: (id: string, synergyId: string) =>
    api.del(`/working-groups/${id}/synergies/${synergyId}`),
  suggestions: (id: string) => api.get<SuggestionList>(`/working-groups/${id}/suggestions`),
  pooledVolumes: (id: string) => api.get<PooledVolumes>(`/working-groups/${id}/pooled-volumes`),
  /** The CSV for a call for tenders, fetched with the bearer token and saved as a file. */
  pooledVolumesCsv: (id: string, name: string) =>
    download(
      `/working-groups/${id}/pooled-volumes`,
      { format: 'csv' },
      `volumes-${slug(name)}.csv`,
    ),
  ofCompany: (companyId: string) =>
    api.get<{ items: WorkingGroupSummary[] }>(`/companies/${companyId}/working-groups`),
};

function slug(s: string): string {
  const out = s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return out || 'groupe';
}

// --------------------------------------------------------------------- portal
export type Answer = z.infer<typeof AnswerSchema>;
export type AnswerBody = z.input<typeof SynergyAnswerWriteSchema>;
export type CompanySynergy = z.infer<typeof CompanySynergySchema>;
export type Counterpart = z.infer<typeof CounterpartSchema>;
export type PortalGains = z.infer<typeof PortalGainsSchema>;
export type CompanySynergyListQuery = Partial<z.infer<typeof CompanySynergyListQuerySchema>>;
export type Notification = z.infer<typeof NotificationSchema>;
export type NotificationList = z.infer<typeof NotificationListSchema>;
export type NotificationListQuery = Partial<z.infer<typeof NotificationListQuerySchema>>;

export const portal = {
  synergies: (companyId: string, query: CompanySynergyListQuery = {}) =>
    api.get<Page<CompanySynergy>>(`/companies/${companyId}/synergies`, query),
  answer: (companyId: string, synergyId: string, body: AnswerBody) =>
    api.post<CompanySynergy>(`/companies/${companyId}/synergies/${synergyId}/answer`, body),
  notifications: (companyId: string, query: NotificationListQuery = {}) =>
    api.get<NotificationList>(`/companies/${companyId}/notifications`, query),
  markRead: (id: string) => api.post<Notification>(`/notifications/${id}/read`),
};
