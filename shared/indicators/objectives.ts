// Objective metrics a convention can be measured against: computed from the
// data over the objective's window (or entered by hand: 'manual').
export const OBJECTIVE_METRICS = [
  'diagnostics_conducted',
  'companies_diagnosed',
  'zones_with_diagnostics',
  'companies_engaged',
  'synergies_proposed',
  'synergies_implemented',
  'working_groups_active',
  'working_group_meetings',
  'tonnes_diverted_estimated',
  'tonnes_diverted_realised',
  'tco2e_avoided_estimated',
  'tco2e_avoided_realised',
  'eur_saved_estimated',
  'eur_saved_realised',
  'manual',
] as const;
export type ObjectiveMetric = (typeof OBJECTIVE_METRICS)[number];

export const OBJECTIVE_METRIC_LABELS_FR: Record<ObjectiveMetric, { label: string; unit: string }> =
  {
    diagnostics_conducted: {
      label: 'Diagnostics flux validés dans la fenêtre',
      unit: 'diagnostics',
    },
    companies_diagnosed: { label: 'Entreprises diagnostiquées', unit: 'entreprises' },
    zones_with_diagnostics: {
      label: 'Zones d’activités avec au moins un diagnostic',
      unit: 'zones',
    },
    companies_engaged: {
      label: 'Entreprises engagées (diagnostic, réunion de groupe ou synergie suivie)',
      unit: 'entreprises',
    },
    synergies_proposed: { label: 'Pistes de synergie identifiées', unit: 'pistes' },
    synergies_implemented: { label: 'Synergies mises en œuvre', unit: 'pistes' },
    working_groups_active: {
      label: 'Groupes de travail réunis au moins une fois',
      unit: 'groupes',
    },
    working_group_meetings: { label: 'Réunions de groupes de travail', unit: 'réunions' },
    tonnes_diverted_estimated: { label: 'Tonnes détournées par an (estimées)', unit: 't/an' },
    tonnes_diverted_realised: { label: 'Tonnes détournées par an (réalisées)', unit: 't/an' },
    tco2e_avoided_estimated: { label: 'tCO2e évitées par an (estimées)', unit: 'tCO2e/an' },
    tco2e_avoided_realised: { label: 'tCO2e évitées par an (réalisées)', unit: 'tCO2e/an' },
    eur_saved_estimated: { label: 'Économies par an (estimées)', unit: '€/an' },
    eur_saved_realised: { label: 'Économies par an (réalisées)', unit: '€/an' },
    manual: { label: 'Saisie manuelle', unit: '' },
  };
