// The spreadsheet contract of imports and exports: French headers, one sheet
// (or CSV file) per entity, and how French cell values map to the codes of the
// API. Exports write exactly these headers, so an export imports back as is.
import { CATEGORIES, CONFIDENTIALITY, FLOW_KINDS } from '../schemas/flows.ts';
import { PERIOD_CODES, UNIT_CODES, type Period, type Unit } from '../units.ts';

export interface ColumnDef {
  /** Header as written in the template and the exports. */
  header: string;
  required: boolean;
  description: string;
}

export const COMPANY_SHEET = 'entreprises';
export const FLOW_SHEET = 'flux';
export const SYNERGY_SHEET = 'synergies';

export const COMPANY_COLUMNS = [
  { header: 'siret', required: true, description: '14 chiffres (clé de contrôle vérifiée)' },
  { header: 'raison_sociale', required: true, description: 'Nom de l’entreprise' },
  { header: 'code_naf', required: true, description: 'NAF rév. 2 : 10.71C ou 1071C' },
  {
    header: 'tranche_effectif',
    required: false,
    description: '0, 1-9, 10-49, 50-249, 250-999, 1000+',
  },
  { header: 'adresse', required: false, description: 'Adresse postale' },
  { header: 'longitude', required: false, description: 'WGS 84, degrés décimaux (ex. 5.0415)' },
  { header: 'latitude', required: false, description: 'WGS 84, degrés décimaux (ex. 47.3220)' },
  { header: 'ess', required: false, description: 'Économie sociale et solidaire : oui / non' },
  {
    header: 'consentement_identité',
    required: false,
    description: 'Accepte de montrer son identité aux contreparties : oui / non',
  },
  {
    header: 'consentement_flux',
    required: false,
    description: 'Accepte de partager ses flux : oui / non',
  },
  { header: 'source', required: false, description: 'Origine de la donnée (facultatif)' },
  { header: 'licence', required: false, description: 'Licence de la donnée (facultatif)' },
] as const satisfies readonly ColumnDef[];

export const FLOW_COLUMNS = [
  { header: 'siret', required: true, description: 'SIRET de l’entreprise visitée' },
  {
    header: 'date_visite',
    required: false,
    description: 'Date de la visite : AAAA-MM-JJ ou JJ/MM/AAAA (un diagnostic par date)',
  },
  { header: 'type_flux', required: true, description: 'entrant, sortant, déchet ou besoin' },
  {
    header: 'catégorie',
    required: false,
    description:
      'matière, énergie, eau, déchet, équipement, service, compétence, logistique, espace (défaut : celle de la ressource)',
  },
  {
    header: 'code_ressource',
    required: true,
    description: 'Code du catalogue (ENE.ELEC) ou code déchet européen (15 01 03, 14 06 03*)',
  },
  { header: 'libellé', required: false, description: 'Libellé libre' },
  { header: 'quantité', required: false, description: 'Nombre (virgule ou point décimal)' },
  {
    header: 'unité',
    required: false,
    description: `Obligatoire avec une quantité : ${UNIT_CODES.join(', ')}`,
  },
  {
    header: 'période',
    required: false,
    description: 'an (défaut), trimestre, mois, semaine, jour, ponctuel',
  },
  { header: 'coût_eur_an', required: false, description: 'Coût annuel en euros' },
  {
    header: 'dangereux',
    required: false,
    description: 'oui / non (forcé à oui pour un déchet dangereux *)',
  },
  {
    header: 'confidentialité',
    required: false,
    description: 'public, territoire (défaut), privé',
  },
  { header: 'disponibilité', required: false, description: 'Disponibilité (texte libre)' },
] as const satisfies readonly ColumnDef[];

export const SYNERGY_COLUMNS = [
  { header: 'identifiant', required: true, description: 'Identifiant de la piste' },
  { header: 'type', required: true, description: 'substitution ou mutualisation' },
  { header: 'statut', required: true, description: 'Statut de la piste' },
  { header: 'code_ressource', required: true, description: 'Ressource échangée ou mise en commun' },
  { header: 'ressource', required: false, description: 'Libellé de la ressource' },
  { header: 'score', required: false, description: 'Score du moteur, 0 à 1' },
  { header: 'distance_km', required: false, description: 'Distance' },
  { header: 'quantité_an', required: false, description: 'Quantité annuelle' },
  { header: 'unité', required: false, description: 'Unité de la quantité' },
  { header: 'thème', required: false, description: 'Thème de groupe de travail' },
  {
    header: 'participants',
    required: false,
    description: 'rôle:siret séparés par « | » (fournisseur, receveur, membre)',
  },
  { header: 'tonnes_détournées_an', required: false, description: 'Gain estimé' },
  { header: 'tco2e_évitées_an', required: false, description: 'Gain estimé' },
  { header: 'eur_économisés_an', required: false, description: 'Gain estimé' },
  { header: 'obsolète', required: false, description: 'oui : plus proposée par la dernière passe' },
] as const satisfies readonly ColumnDef[];

/** The columns SIRENE files must carry (INSEE StockEtablissement layout). */
export const SIRENE_REQUIRED = ['siret', 'activitePrincipaleEtablissement'] as const;

export const SIRENE_SOURCE =
  'INSEE, base Sirene des entreprises et de leurs établissements (fichier StockEtablissement)';
export const ETALAB_LICENCE = 'Licence Ouverte / Etalab 2.0';

/** Header matching ignores case, accents, spaces and dashes: "Quantité" = "quantite". */
export function headerKey(h: string): string {
  // Plain ASCII (most labels and codes) needs no accent folding.
  if (/^[\x20-\x7e]*$/.test(h))
    return h
      .toLowerCase()
      .trim()
      .replace(/[\s-]+/g, '_');
  return h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim()
    .replace(/[\s-]+/g, '_');
}

const words = (m: Record<string, string>) =>
  new Map(Object.entries(m).map(([k, v]) => [headerKey(k), v]));

const KIND_WORDS = words({
  entrant: 'input',
  sortant: 'output',
  coproduit: 'output',
  déchet: 'waste',
  besoin: 'need',
  ...Object.fromEntries(FLOW_KINDS.map((k) => [k, k])),
});
export const KIND_LABEL: Record<(typeof FLOW_KINDS)[number], string> = {
  input: 'entrant',
  output: 'sortant',
  waste: 'déchet',
  need: 'besoin',
};

const CATEGORY_WORDS = words({
  matière: 'material',
  énergie: 'energy',
  eau: 'water',
  déchet: 'waste',
  équipement: 'equipment',
  service: 'service',
  compétence: 'skill',
  logistique: 'logistics',
  espace: 'space',
  ...Object.fromEntries(CATEGORIES.map((k) => [k, k])),
});
export const CATEGORY_LABEL: Record<(typeof CATEGORIES)[number], string> = {
  material: 'matière',
  energy: 'énergie',
  water: 'eau',
  waste: 'déchet',
  equipment: 'équipement',
  service: 'service',
  skill: 'compétence',
  logistics: 'logistique',
  space: 'espace',
};

const PERIOD_WORDS = words({
  an: 'year',
  année: 'year',
  annuel: 'year',
  trimestre: 'quarter',
  mois: 'month',
  semaine: 'week',
  jour: 'day',
  ponctuel: 'one_off',
  ...Object.fromEntries(PERIOD_CODES.map((k) => [k, k])),
});
export const PERIOD_LABEL: Record<Period, string> = {
  year: 'an',
  quarter: 'trimestre',
  month: 'mois',
  week: 'semaine',
  day: 'jour',
  one_off: 'ponctuel',
};

const CONFIDENTIALITY_WORDS = words({
  public: 'public',
  territoire: 'territory',
  privé: 'private',
  ...Object.fromEntries(CONFIDENTIALITY.map((k) => [k, k])),
});
export const CONFIDENTIALITY_LABEL: Record<(typeof CONFIDENTIALITY)[number], string> = {
  public: 'public',
  territory: 'territoire',
  private: 'privé',
};

const UNIT_WORDS = new Map<string, Unit>([
  ...UNIT_CODES.map((u) => [u.toLowerCase(), u] as const),
  ['tonne', 't'],
  ['tonnes', 't'],
  ['m³', 'm3'],
  ['l', 'L'],
  ['litre', 'L'],
  ['litres', 'L'],
  ['unité', 'unit'],
  ['unités', 'unit'],
  ['m²', 'm2'],
]);

export const flowKindOf = (v: string) =>
  KIND_WORDS.get(headerKey(v)) as (typeof FLOW_KINDS)[number] | undefined;
export const categoryOf = (v: string) =>
  CATEGORY_WORDS.get(headerKey(v)) as (typeof CATEGORIES)[number] | undefined;
export const periodOf = (v: string) => PERIOD_WORDS.get(headerKey(v)) as Period | undefined;
export const confidentialityOf = (v: string) =>
  CONFIDENTIALITY_WORDS.get(headerKey(v)) as (typeof CONFIDENTIALITY)[number] | undefined;
export const unitOf = (v: string): Unit | undefined =>
  UNIT_WORDS.get(v.trim()) ?? UNIT_WORDS.get(v.trim().toLowerCase());

/** oui/non, vrai/faux, 1/0, true/false, x; empty = undefined; anything else = null (a problem). */
export function booleanOf(v: string): boolean | undefined | null {
  const k = headerKey(v);
  if (k === '') return undefined;
  if (['oui', 'o', 'vrai', '1', 'true', 'x', 'yes'].includes(k)) return true;
  if (['non', 'n', 'faux', '0', 'false', 'no'].includes(k)) return false;
  return null;
}

/** "1 234,5", "1234.5", "1e3" → number; empty → undefined; anything else → null. */
export function numberOf(v: string): number | undefined | null {
  if (/^\d{1,15}$/.test(v)) return Number(v);
  const s = v.replace(/[\s\u00a0\u202f]/g, '');
  if (s === '') return undefined;
  const normalised = /^-?\d+,\d+$/.test(s) ? s.replace(',', '.') : s;
  if (!/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(normalised)) return null;
  const n = Number(normalised);
  return Number.isFinite(n) ? n : null;
}

/** "2024-03-15" or "15/03/2024" → "2024-03-15"; empty → undefined; else null. */
export function dateOf(v: string): string | undefined | null {
  const s = v.trim();
  if (s === '') return undefined;
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(s);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
    if (!match) return null;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return null;
  return date.toISOString().slice(0, 10);
}

/** NAF as INSEE writes it ("10.71C", "1071C", "10.71c") → the stored form "10.71C"; null if malformed. */
export function nafOf(v: string): string | null {
  const s = v.trim().toUpperCase();
  if (!/^\d{2}\.?\d{2}[A-Z]$/.test(s)) return null;
  return s.includes('.') ? s : `${s.slice(0, 2)}.${s.slice(2)}`;
}

/** INSEE headcount band codes (trancheEffectifs) → the project's bands. */
const SIRENE_BANDS: Record<string, string> = {
  '00': '0',
  '01': '1-9',
  '02': '1-9',
  '03': '1-9',
  '11': '10-49',
  '12': '10-49',
  '21': '50-249',
  '22': '50-249',
  '31': '50-249',
  '32': '250-999',
  '41': '250-999',
  '42': '1000+',
  '51': '1000+',
  '52': '1000+',
  '53': '1000+',
};
export const headcountOfSirene = (code: string): string | null => SIRENE_BANDS[code.trim()] ?? null;

// CSV injection (OWASP): a text cell beginning with = + - @ (or a tab / carriage
// return) is run as a formula by spreadsheet programs. Exports prefix it with an
// apostrophe; imports take that apostrophe off again, so a round trip is exact.
const FORMULA_START = /^[=+\-@\t\r]/;
export function escapeCell(v: string): string {
  return FORMULA_START.test(v) ? `'${v}` : v;
}
export function unescapeCell(v: string): string {
  return v.startsWith("'") && FORMULA_START.test(v.slice(1)) ? v.slice(1) : v;
}
