// The catalogue of partner indicators: what each one counts, in which unit,
// from which data, and how it adds up (which decides the secrecy equations).

export const INDICATOR_KEYS = [
  'companies_engaged',
  'ess_engaged',
  'diagnostics_conducted',
  'flows_count',
  'flows_tonnes',
  'flows_mwh',
  'synergies',
  'synergies_reached',
  'synergies_conversion',
  'synergies_implemented_in_period',
  'gains_estimated_tonnes',
  'gains_realised_tonnes',
  'gains_estimated_tco2e',
  'gains_realised_tco2e',
  'gains_estimated_eur',
  'gains_realised_eur',
  'working_groups_active',
  'working_group_members',
  'working_group_meetings',
] as const;
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];

export const FLOW_CATEGORIES = [
  'material',
  'energy',
  'water',
  'waste',
  'equipment',
  'service',
  'skill',
  'logistics',
  'space',
] as const;
export const SYNERGY_TYPES = ['substitution', 'mutualisation'] as const;
export const STATUSES = [
  'proposed',
  'qualified',
  'under_study',
  'in_progress',
  'implemented',
  'rejected',
  'abandoned',
] as const;
/** The funnel: a synergy has "reached" a stage when its history went through it. */
export const FUNNEL_STAGES = [
  'proposed',
  'qualified',
  'under_study',
  'in_progress',
  'implemented',
] as const;

export interface IndicatorDefinition {
  key: IndicatorKey;
  labelFr: string;
  unit: string;
  definitionFr: string;
  sourceFr: string;
  /** What the `dimension` of a value means ('' = none). */
  dimensionFr: string;
  /** Zone values add up to the territory's value. */
  additiveOverZones: boolean;
  /** Month values add up to the quarter's, quarter values to the year's. */
  additiveOverTime: boolean;
}

const FLOWS_SOURCE =
  'Flux des diagnostics validés dans la période (quantité annuelle normalisée dans l’unité canonique de la ressource)';
const SYNERGY_SOURCE =
  'Pistes de synergie et leur historique de statuts (synergy, synergy_event, synergy_participant)';
const GAINS_EST =
  'Gains estimés par le moteur au moment de la proposition (facteurs sourcés dans chaque piste)';
const GAINS_REAL = 'Gains réalisés saisis par le chargé de mission (mesure sur site)';
const GROUPS_SOURCE = 'Groupes de travail, leurs membres et leurs réunions';

export const INDICATOR_DEFINITIONS: readonly IndicatorDefinition[] = [
  {
    key: 'companies_engaged',
    labelFr: 'Entreprises engagées',
    unit: 'entreprises',
    definitionFr:
      'Entreprises distinctes ayant, dans la période, un diagnostic validé, une présence à une réunion de groupe de travail ou un changement de statut (par une personne) d’une synergie où elles sont parties prenantes',
    sourceFr: 'Diagnostics, réunions de groupes de travail, historique des synergies',
    dimensionFr: '',
    additiveOverZones: true,
    additiveOverTime: false,
  },
  {
    key: 'ess_engaged',
    labelFr: 'Structures de l’ESS engagées',
    unit: 'entreprises',
    definitionFr: 'Parmi les entreprises engagées, celles de l’économie sociale et solidaire',
    sourceFr: 'Entreprises (indicateur ESS) et mêmes activités que « Entreprises engagées »',
    dimensionFr: '',
    additiveOverZones: true,
    additiveOverTime: false,
  },
  {
    key: 'diagnostics_conducted',
    labelFr: 'Diagnostics flux réalisés',
    unit: 'diagnostics',
    definitionFr:
      'Diagnostics validés dans la période (chaque version validée compte : une visite de mise à jour est un diagnostic)',
    sourceFr: 'Diagnostics (date de validation)',
    dimensionFr: '',
    additiveOverZones: true,
    additiveOverTime: true,
  },
  {
    key: 'flows_count',
    labelFr: 'Flux recensés',
    unit: 'flux',
    definitionFr:
      'Nombre de flux (entrants, sortants, déchets, besoins) des diagnostics validés dans la période',
    sourceFr: FLOWS_SOURCE,
    dimensionFr: 'Catégorie de flux (vide = toutes catégories)',
    additiveOverZones: true,
    additiveOverTime: true,
  },
  {
    key: 'flows_tonnes',
    labelFr: 'Tonnage annuel des flux recensés',
    unit: 't/an',
    definitionFr: 'Somme des quantités annuelles exprimées en tonnes des flux recensés',
    sourceFr: FLOWS_SOURCE,
    dimensionFr: 'Catégorie de flux (vide = toutes catégories)',
    additiveOverZones: true,
    additiveOverTime: true,
  },
  {
    key: 'flows_mwh',
    labelFr: 'Énergie annuelle des flux recensés',
    unit: 'MWh/an',
    definitionFr: 'Somme des quantités annuelles exprimées en MWh des flux recensés',
    sourceFr: FLOWS_SOURCE,
    dimensionFr: 'Catégorie de flux (vide = toutes catégories)',
    additiveOverZones: true,
    additiveOverTime: true,
  },
  {
    key: 'synergies',
    labelFr: 'Pistes de synergie par type et statut',
    unit: 'pistes',
    definitionFr:
      'Pistes existant à la fin de la période, selon leur statut à cette date ; une piste compte dans chaque zone où elle a une entreprise partie prenante',
    sourceFr: SYNERGY_SOURCE,
    dimensionFr: 'type:statut (« * » = tous), par ex. substitution:implemented ou *:*',
    additiveOverZones: false,
    additiveOverTime: false,
  },
  {
    key: 'synergies_reached',
    labelFr: 'Entonnoir : pistes ayant atteint l’étape',
    unit: 'pistes',
    definitionFr:
      'Pistes existant à la fin de la période dont l’historique est passé par l’étape (proposée → qualifiée → à l’étude → en cours → mise en œuvre)',
    sourceFr: SYNERGY_SOURCE,
    dimensionFr: 'type:étape (« * » = tous types)',
    additiveOverZones: false,
    additiveOverTime: false,
  },
  {
    key: 'synergies_conversion',
    labelFr: 'Entonnoir : taux de passage depuis l’étape précédente',
    unit: 'ratio',
    definitionFr:
      'Pistes ayant atteint l’étape / pistes ayant atteint l’étape précédente (entre 0 et 1) ; secret si l’un des deux l’est',
    sourceFr: SYNERGY_SOURCE,
    dimensionFr: 'type:étape (« * » = tous types)',
    additiveOverZones: false,
    additiveOverTime: false,
  },
  {
    key: 'synergies_implemented_in_period',
    labelFr: 'Synergies mises en œuvre dans la période',
    unit: 'pistes',
    definitionFr: 'Pistes passées au statut « mise en œuvre » pendant la période',
    sourceFr: SYNERGY_SOURCE,
    dimensionFr: '',
    additiveOverZones: false,
    additiveOverTime: true,
  },
  {
    key: 'gains_estimated_tonnes',
    labelFr: 'Tonnes détournées par an (estimées)',
    unit: 't/an',
    definitionFr:
      'Synergies mises en œuvre à la fin de la période : tonnes détournées de l’élimination par an, selon l’estimation ; dans une zone, part des entreprises de la zone (gain réparti à parts égales entre parties prenantes)',
    sourceFr: GAINS_EST,
    dimensionFr: '',
    additiveOverZones: true,
    additiveOverTime: false,
  },
  {
    key: 'gains_realised_tonnes',
    labelFr: 'Tonnes détournées par an (réalisées)',
    unit: 't/an',
    definitionFr:
      'Synergies mises en œuvre à la fin de la période : quantité échangée par an mesurée, quand elle est en tonnes',
    sourceFr: GAINS_REAL,
    dimensionFr: '',
    additiveOverZones: true,
    additiveOverTime: false,
  },
  {
    key: 'gains_estimated_tco2e',
    labelFr: 'tCO2e évitées par an (estimées)',
    unit: 'tCO2e/an',
    definitionFr:
      'Synergies mises en œuvre à la fin de la période : émissions évitées nettes du transport, selon l’estimation',
    sourceFr: GAINS_EST,
    dimensionFr: '',
    additiveOverZones: true,
    additiveOverTime: false,
  },
  {
    key: 'gains_realised_tco2e',
    labelFr: 'tCO2e évitées par an (réalisées)',
    unit: 'tCO2e/an',
    definitionFr: 'Synergies mises en œuvre à la fin de la période : émissions évitées mesurées',
    sourceFr: GAINS_REAL,
    dimensionFr: '',
    additiveOverZones: true,
    additiveOverTime: false,
  },
  {
    key: 'gains_estimated_eur',
    labelFr: 'Économies par an (estimées)',
    unit: '€/an',
    definitionFr: 'Synergies mises en œuvre à la fin de la période : économies annuelles estimées',
    sourceFr: GAINS_EST,
    dimensionFr: '',
    additiveOverZones: true,
    additiveOverTime: false,
  },
  {
    key: 'gains_realised_eur',
    labelFr: 'Économies par an (réalisées)',
    unit: '€/an',
    definitionFr: 'Synergies mises en œuvre à la fin de la période : économies annuelles mesurées',
    sourceFr: GAINS_REAL,
    dimensionFr: '',
    additiveOverZones: true,
    additiveOverTime: false,
  },
  {
    key: 'working_groups_active',
    labelFr: 'Groupes de travail actifs',
    unit: 'groupes',
    definitionFr:
      'Groupes ayant tenu au moins une réunion dans la période ; dans une zone, ceux qui y ont au moins un membre',
    sourceFr: GROUPS_SOURCE,
    dimensionFr: '',
    additiveOverZones: false,
    additiveOverTime: false,
  },
  {
    key: 'working_group_members',
    labelFr: 'Entreprises membres des groupes actifs',
    unit: 'entreprises',
    definitionFr: 'Entreprises distinctes membres d’un groupe actif dans la période',
    sourceFr: GROUPS_SOURCE,
    dimensionFr: '',
    additiveOverZones: true,
    additiveOverTime: false,
  },
  {
    key: 'working_group_meetings',
    labelFr: 'Réunions de groupes de travail',
    unit: 'réunions',
    definitionFr:
      'Réunions tenues dans la période ; dans une zone, celles des groupes qui y ont au moins un membre',
    sourceFr: GROUPS_SOURCE,
    dimensionFr: '',
    additiveOverZones: false,
    additiveOverTime: true,
  },
];

export const DEFINITION_OF: ReadonlyMap<IndicatorKey, IndicatorDefinition> = new Map(
  INDICATOR_DEFINITIONS.map((d) => [d.key, d]),
);

/** Every (indicator, dimension) a territory's answer lists, in a stable order. */
export function allCellKeys(): { indicator: IndicatorKey; dimension: string }[] {
  const out: { indicator: IndicatorKey; dimension: string }[] = [];
  const add = (indicator: IndicatorKey, dimension = '') => out.push({ indicator, dimension });
  add('companies_engaged');
  add('ess_engaged');
  add('diagnostics_conducted');
  for (const k of ['flows_count', 'flows_tonnes', 'flows_mwh'] as const) {
    add(k);
    for (const c of FLOW_CATEGORIES) add(k, c);
  }
  for (const t of ['*', ...SYNERGY_TYPES]) {
    for (const s of ['*', ...STATUSES]) add('synergies', `${t}:${s}`);
  }
  for (const k of ['synergies_reached', 'synergies_conversion'] as const) {
    for (const t of ['*', ...SYNERGY_TYPES]) {
      for (const s of FUNNEL_STAGES) {
        if (k === 'synergies_conversion' && s === 'proposed') continue;
        add(k, `${t}:${s}`);
      }
    }
  }
  add('synergies_implemented_in_period');
  for (const k of [
    'gains_estimated_tonnes',
    'gains_realised_tonnes',
    'gains_estimated_tco2e',
    'gains_realised_tco2e',
    'gains_estimated_eur',
    'gains_realised_eur',
  ] as const)
    add(k);
  add('working_groups_active');
  add('working_group_members');
  add('working_group_meetings');
  return out;
}
