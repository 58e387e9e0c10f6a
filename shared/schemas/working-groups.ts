import { z } from 'zod';
import { IsoDateTime, PageQuery, Uuid } from './common.ts';
import { Synergy } from './matching.ts';

export const WORKING_GROUP_THEMES = [
  'energy_purchasing',
  'shared_services',
  'pallets',
  'waste_collection',
  'equipment',
  'custom',
] as const;
export type WorkingGroupTheme = (typeof WORKING_GROUP_THEMES)[number];

export const THEME_LABELS_FR: Readonly<Record<WorkingGroupTheme, string>> = {
  energy_purchasing: 'Achats groupés d’énergie (gaz et électricité)',
  shared_services: 'Services mutualisés',
  pallets: 'Palettes',
  waste_collection: 'Collecte mutualisée des déchets',
  equipment: 'Équipements et espaces partagés',
  custom: 'Thème libre',
};

export const WorkingGroupThemeSchema = z.enum(WORKING_GROUP_THEMES);

export const WorkingGroupCreate = z
  .object({
    theme: WorkingGroupThemeSchema,
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(4000).optional(),
  })
  .strict();

export const WorkingGroupUpdate = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().max(4000).nullable().optional(),
    status: z.enum(['active', 'closed']).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'au moins un champ à modifier');

export const WorkingGroupMember = z.object({
  companyId: Uuid,
  companyName: z.string(),
  siret: z.string(),
  source: z.enum(['manual', 'synergy']).describe('Ajoutée à la main ou avec une mutualisation'),
  addedAt: IsoDateTime,
});

/** What any reader of a group sees (a member company too). */
export const WorkingGroupSummary = z
  .object({
    id: Uuid,
    territoryId: Uuid,
    theme: WorkingGroupThemeSchema,
    themeLabelFr: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: z.enum(['active', 'closed']),
    memberCount: z.number().int(),
    lastMeetingOn: z.iso.date().nullable(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'WorkingGroupSummary' });

export const WorkingGroup = WorkingGroupSummary.extend({
  members: z.array(WorkingGroupMember),
  synergyIds: z.array(Uuid).describe('Pistes de synergie rattachées au groupe'),
}).meta({ id: 'WorkingGroup' });

export const WorkingGroupListQuery = PageQuery.extend({
  theme: WorkingGroupThemeSchema.optional(),
  status: z.enum(['active', 'closed']).optional(),
});

export const MemberParams = z.object({ id: Uuid, companyId: Uuid });
export const LinkParams = z.object({ id: Uuid, synergyId: Uuid });

export const MeetingCreate = z
  .object({
    heldOn: z.iso.date().describe('Date de la réunion'),
    title: z.string().trim().max(200).optional(),
    attendeeCompanyIds: z.array(Uuid).max(500).default([]),
    attendeeNames: z
      .array(z.string().trim().min(1).max(200))
      .max(200)
      .default([])
      .describe('Participants sans fiche entreprise (partenaires, experts)'),
    minutes: z.string().max(50_000).optional().describe('Compte rendu'),
  })
  .strict();

export const Meeting = z
  .object({
    id: Uuid,
    workingGroupId: Uuid,
    heldOn: z.iso.date(),
    title: z.string().nullable(),
    attendees: z.array(z.object({ companyId: Uuid, companyName: z.string() })),
    attendeeNames: z.array(z.string()),
    minutes: z.string().nullable(),
    createdAt: IsoDateTime,
  })
  .meta({ id: 'WorkingGroupMeeting' });

export const MeetingList = z.object({ items: z.array(Meeting) });

export const PooledVolumesQuery = z.object({
  format: z.enum(['json', 'csv']).optional().describe('csv : fichier pour l’appel d’offres'),
  separator: z
    .enum(['semicolon', 'comma'])
    .default('semicolon')
    .describe('CSV : « ; » et virgule décimale (tableurs français, défaut) ou « , » et point'),
});

export const PooledVolumeTotal = z.object({
  kind: z.enum(['input', 'output', 'waste', 'need']),
  resourceCode: z.string(),
  resourceLabel: z.string(),
  unit: z.string().nullable(),
  quantityPerYear: z.number(),
  companies: z.number().int(),
});

export const PooledVolumeLine = z.object({
  companyId: Uuid,
  companyName: z.string(),
  siret: z.string(),
  diagnosticId: Uuid,
  visitedAt: z.iso.date().nullable(),
  kind: z.enum(['input', 'output', 'waste', 'need']),
  resourceCode: z.string(),
  resourceLabel: z.string(),
  unit: z.string().nullable(),
  quantityPerYear: z.number().nullable(),
});

export const PooledVolumes = z
  .object({
    workingGroupId: Uuid,
    theme: WorkingGroupThemeSchema,
    ruleFr: z.string().describe('Quels flux sont comptés, en clair'),
    totals: z.array(PooledVolumeTotal),
    lines: z.array(PooledVolumeLine),
    membersWithoutValidatedDiagnostic: z.array(Uuid),
  })
  .meta({ id: 'PooledVolumes' });

export const SuggestionList = z.object({
  items: z.array(Synergy).describe('Mutualisations du thème du groupe, pas encore rattachées'),
});
