// From an uploaded file to a plan of writes and the list of every row-level
// problem. The dry run stops here; the commit plans again from the stored file
// (the territory may have changed since) and applies the plan only when it has
// no problem at all.
import { z } from 'zod';
import { AppError } from '../../../../shared/errors.ts';
import {
  COMPANY_COLUMNS,
  COMPANY_SHEET,
  ETALAB_LICENCE,
  FLOW_COLUMNS,
  FLOW_SHEET,
  SIRENE_REQUIRED,
  SIRENE_SOURCE,
  booleanOf,
  categoryOf,
  confidentialityOf,
  dateOf,
  flowKindOf,
  headcountOfSirene,
  headerKey,
  nafOf,
  numberOf,
  periodOf,
  unitOf,
} from '../../../../shared/imports/columns.ts';
import { normaliseResourceCode } from '../../../../shared/resource-code.ts';
import { AreaGeometry } from '../../../../shared/schemas/common.ts';
import { HEADCOUNT_BANDS } from '../../../../shared/schemas/companies.ts';
import { isValidSiret } from '../../../../shared/siret.ts';
import { toCanonicalPerYear } from '../../../../shared/units.ts';
import type { Executor } from '../db/database.ts';
import * as repo from '../db/imports.repo.ts';
import {
  cell,
  decodeText,
  findSheet,
  readSheets,
  requireColumns,
  type Sheet,
  type SheetRow,
} from './read-table.ts';

export interface ImportProblem {
  sheet?: string;
  row: number;
  column: string | null;
  value: string | null;
  message: string;
}

export interface ImportOptions {
  /** SIRENE: keep the establishments of these communes (INSEE codes). */
  communes?: string[];
  /** SIRENE: keep the establishments inside this zone's polygon. */
  zoneId?: string;
}

export interface PendingFlow extends Omit<
  repo.FlowWrite,
  'diagnostic_id' | 'company_id' | 'position'
> {
  siret: string;
  visited_at: string | null;
}

export interface ImportPlan {
  format: 'csv' | 'xlsx' | 'geojson';
  rowsTotal: number;
  problems: ImportProblem[];
  source: string | null;
  licence: string | null;
  companies: {
    create: repo.CompanyWrite[];
    update: { id: string; v: repo.CompanyWrite }[];
    unchanged: number;
  };
  flows: {
    /** Diagnostics to create, one per (SIRET, visit date), in file order. */
    newDiagnostics: { siret: string; visited_at: string | null }[];
    /** New flows, with the existing draft they join (or null: a new diagnostic). */
    create: (PendingFlow & { existingDiagnosticId: string | null })[];
    update: { id: string; diagnosticId: string; v: Omit<PendingFlow, 'siret' | 'visited_at'> }[];
    unchanged: number;
    /** Next free position of each existing draft that receives flows. */
    nextPosition: Map<string, number>;
  };
  zones: {
    create: { name: string; geojson: string }[];
    update: { id: string; geojson: string }[];
    unchanged: number;
  };
  skipped: { closed: number; outside: number; alreadyKnown: number };
}

export const MAX_STORED_PROBLEMS = 1000;

/** A reader of named cells, with the header lookups done once per sheet. */
function cellsOf(sheet: Sheet, headers: readonly string[]) {
  const idx = new Map(headers.map((h) => [h, sheet.index.get(headerKey(h))]));
  return (row: SheetRow) => (h: string) => {
    const i = idx.get(h);
    return i === undefined ? '' : (row.values[i] ?? '');
  };
}

/** Memoises a pure function of a cell's text (few distinct values over many rows). */
function memo<T>(f: (v: string) => T): (v: string) => T {
  const cache = new Map<string, T>();
  return (v) => {
    if (cache.has(v)) return cache.get(v) as T;
    const r = f(v);
    if (cache.size < 10_000) cache.set(v, r);
    return r;
  };
}

class Problems {
  list: ImportProblem[] = [];
  count = 0;
  /** By sheet, then row (stable: a row's problems keep their column order). */
  sorted(): ImportProblem[] {
    return [...this.list]
      .sort((a, b) => (a.sheet ?? '').localeCompare(b.sheet ?? '') || a.row - b.row)
      .slice(0, MAX_STORED_PROBLEMS);
  }
  add(
    sheet: Sheet | string | null,
    row: number,
    column: string | null,
    value: string | null,
    message: string,
  ) {
    this.count++;
    if (this.list.length < MAX_STORED_PROBLEMS * 10)
      this.list.push({
        ...(sheet ? { sheet: typeof sheet === 'string' ? sheet : sheet.name } : {}),
        row,
        column,
        value: value === null ? null : value.slice(0, 200),
        message,
      });
  }
}

function emptyPlan(format: ImportPlan['format']): ImportPlan {
  return {
    format,
    rowsTotal: 0,
    problems: [],
    source: null,
    licence: null,
    companies: { create: [], update: [], unchanged: 0 },
    flows: { newDiagnostics: [], create: [], update: [], unchanged: 0, nextPosition: new Map() },
    zones: { create: [], update: [], unchanged: 0 },
    skipped: { closed: 0, outside: 0, alreadyKnown: 0 },
  };
}

/** Formula cells are refused, never evaluated. Returns true when the row has some. */
function refuseFormulas(p: Problems, sheet: Sheet, row: SheetRow): boolean {
  if (!row.formulas) return false;
  for (const i of row.formulas)
    p.add(
      sheet,
      row.line,
      sheet.headers[i] ?? null,
      null,
      'formule refusée : remplacez-la par sa valeur (les formules ne sont pas évaluées)',
    );
  return true;
}

/** The SIRET of a cell, or the reason it is not one (memoised: a SIRET repeats on many flow rows). */
const siretVerdict = memo((raw: string): { siret: string } | { problem: string } => {
  const siret = raw.replace(/[\s\u00a0]/g, '');
  if (siret === '') return { problem: 'SIRET manquant' };
  if (!/^\d{14}$/.test(siret)) return { problem: 'le SIRET compte 14 chiffres' };
  if (!isValidSiret(siret))
    return { problem: 'SIRET invalide : la clé de contrôle (Luhn) ne correspond pas' };
  return { siret };
});

function checkSiret(p: Problems, sheet: Sheet, row: SheetRow, raw: string): string | null {
  const v = siretVerdict(raw);
  if ('siret' in v) return v.siret;
  p.add(sheet, row.line, 'siret', raw, v.problem);
  return null;
}

/** A valid SIRET not seen earlier in the file (a second one is reported, then kept as seen). */
function checkNewSiret(
  p: Problems,
  sheet: Sheet,
  row: SheetRow,
  raw: string,
  seen: Map<string, number>,
): string | null {
  const siret = checkSiret(p, sheet, row, raw);
  if (siret && seen.has(siret)) {
    p.add(
      sheet,
      row.line,
      'siret',
      siret,
      `SIRET en double dans le fichier (ligne ${seen.get(siret)})`,
    );
  }
  if (siret) seen.set(siret, row.line);
  return siret;
}

const sameCompany = (a: repo.CompanyWrite, b: repo.ExistingCompany) =>
  a.name === b.name &&
  a.naf_code === b.naf_code &&
  a.headcount_band === b.headcount_band &&
  a.address === b.address &&
  a.lon === b.lon &&
  a.lat === b.lat &&
  a.is_ess === b.is_ess &&
  a.consent_share_identity === b.consent_share_identity &&
  a.consent_share_flows === b.consent_share_flows &&
  a.source === b.source &&
  a.source_licence === b.source_licence;

interface Reference {
  nafs: Set<string>;
  companies: Map<string, repo.ExistingCompany>;
}

/** Companies of a spreadsheet: created by SIRET, or updated when a value differs. */
function planCompanies(p: Problems, plan: ImportPlan, sheet: Sheet, ref: Reference): Set<string> {
  requireColumns(
    sheet,
    COMPANY_COLUMNS.filter((c) => c.required).map((c) => c.header),
  );
  const has = (h: string) => sheet.index.has(headerKey(h));
  const seen = new Map<string, number>();
  const cells = cellsOf(
    sheet,
    COMPANY_COLUMNS.map((c) => c.header),
  );
  for (const row of sheet.rows) {
    if (refuseFormulas(p, sheet, row)) continue;
    const get = cells(row);
    const before = p.count;
    const siret = checkNewSiret(p, sheet, row, get('siret'), seen);
    const name = get('raison_sociale');
    if (name === '') p.add(sheet, row.line, 'raison_sociale', name, 'raison sociale manquante');
    else if (name.length > 300)
      p.add(sheet, row.line, 'raison_sociale', name, 'au plus 300 caractères');
    const nafRaw = get('code_naf');
    const naf = nafOf(nafRaw);
    if (nafRaw === '') p.add(sheet, row.line, 'code_naf', nafRaw, 'code NAF manquant');
    else if (!naf)
      p.add(sheet, row.line, 'code_naf', nafRaw, 'code NAF mal formé : attendu 10.71C ou 1071C');
    else if (!ref.nafs.has(naf))
      p.add(sheet, row.line, 'code_naf', nafRaw, `code NAF inconnu dans la NAF rév. 2 : ${naf}`);
    const bandRaw = get('tranche_effectif');
    if (bandRaw !== '' && !(HEADCOUNT_BANDS as readonly string[]).includes(bandRaw))
      p.add(
        sheet,
        row.line,
        'tranche_effectif',
        bandRaw,
        `tranche inconnue : attendu ${HEADCOUNT_BANDS.join(', ')}`,
      );
    const address = get('adresse');
    if (address.length > 500) p.add(sheet, row.line, 'adresse', address, 'au plus 500 caractères');
    const lon = numberOf(get('longitude'));
    const lat = numberOf(get('latitude'));
    if (lon === null || (lon !== undefined && Math.abs(lon) > 180))
      p.add(
        sheet,
        row.line,
        'longitude',
        get('longitude'),
        'longitude invalide (degrés décimaux, -180 à 180)',
      );
    if (lat === null || (lat !== undefined && Math.abs(lat) > 90))
      p.add(
        sheet,
        row.line,
        'latitude',
        get('latitude'),
        'latitude invalide (degrés décimaux, -90 à 90)',
      );
    if (typeof lon === 'number' && lat === undefined)
      p.add(sheet, row.line, 'latitude', '', 'latitude manquante (la longitude est donnée)');
    if (lon === undefined && typeof lat === 'number')
      p.add(sheet, row.line, 'longitude', '', 'longitude manquante (la latitude est donnée)');
    const flags = (['ess', 'consentement_identité', 'consentement_flux'] as const).map((h) => {
      const b = booleanOf(get(h));
      if (b === null) p.add(sheet, row.line, h, get(h), 'attendu oui ou non');
      return b ?? undefined;
    });
    if (p.count > before || !siret || !naf) continue;
    const existing = ref.companies.get(siret);
    // A column absent from the file keeps the stored value.
    const keep = <T>(h: string, v: T, stored: T | undefined, fallback: T): T =>
      has(h) ? v : (stored ?? fallback);
    const coords = has('longitude') && has('latitude');
    const v: repo.CompanyWrite = {
      siret,
      name,
      naf_code: naf,
      headcount_band: keep('tranche_effectif', bandRaw || null, existing?.headcount_band, null),
      address: keep('adresse', address || null, existing?.address, null),
      lon: coords ? ((lon as number | undefined) ?? null) : (existing?.lon ?? null),
      lat: coords ? ((lat as number | undefined) ?? null) : (existing?.lat ?? null),
      is_ess: keep('ess', flags[0] ?? false, existing?.is_ess, false),
      consent_share_identity: keep(
        'consentement_identité',
        flags[1] ?? false,
        existing?.consent_share_identity,
        false,
      ),
      consent_share_flows: keep(
        'consentement_flux',
        flags[2] ?? false,
        existing?.consent_share_flows,
        false,
      ),
      source: keep('source', get('source') || null, existing?.source, null),
      source_licence: keep('licence', get('licence') || null, existing?.source_licence, null),
    };
    if (!existing) plan.companies.create.push(v);
    else if (sameCompany(v, existing)) plan.companies.unchanged++;
    else plan.companies.update.push({ id: existing.id, v });
  }
  return new Set(seen.keys());
}

export const flowKey = (kind: string, resourceCode: string, label: string | null) =>
  `${kind}|${resourceCode}|${headerKey(label ?? '')}`;

const sameFlow = (a: Omit<PendingFlow, 'siret' | 'visited_at'>, b: repo.ExistingFlow) =>
  a.category === b.category &&
  a.quantity === b.quantity &&
  a.unit === b.unit &&
  a.period === b.period &&
  a.cost_eur_per_year === b.cost_eur_per_year &&
  a.hazardous === b.hazardous &&
  a.availability === b.availability &&
  a.confidentiality === b.confidentiality &&
  a.label === b.label;

async function planFlows(
  db: Executor,
  p: Problems,
  plan: ImportPlan,
  sheet: Sheet,
  ref: Reference,
  sheetCompanies: Set<string>,
) {
  requireColumns(
    sheet,
    FLOW_COLUMNS.filter((c) => c.required).map((c) => c.header),
  );
  const resources = await repo.resourcesByCode(db);
  const rows: (PendingFlow & { line: number; existingDiagnosticId: string | null })[] = [];
  const seen = new Map<string, number>();
  const cells = cellsOf(
    sheet,
    FLOW_COLUMNS.map((c) => c.header),
  );
  const [kindOf, dateOfM, codeOf, categoryOfM, unitOfM, periodOfM, confOf, boolOf] = [
    memo(flowKindOf),
    memo(dateOf),
    memo(normaliseResourceCode),
    memo(categoryOf),
    memo(unitOf),
    memo(periodOf),
    memo(confidentialityOf),
    memo(booleanOf),
  ];
  for (const row of sheet.rows) {
    if (refuseFormulas(p, sheet, row)) continue;
    const get = cells(row);
    const before = p.count;
    const siret = checkSiret(p, sheet, row, get('siret'));
    if (siret && !ref.companies.has(siret) && !sheetCompanies.has(siret))
      p.add(
        sheet,
        row.line,
        'siret',
        siret,
        'entreprise inconnue : ajoutez-la à la feuille « entreprises » ou importez-la d’abord',
      );
    const visited = dateOfM(get('date_visite'));
    if (visited === null)
      p.add(
        sheet,
        row.line,
        'date_visite',
        get('date_visite'),
        'date invalide : attendu AAAA-MM-JJ ou JJ/MM/AAAA',
      );
    const kindRaw = get('type_flux');
    const kind = kindOf(kindRaw);
    if (!kind)
      p.add(
        sheet,
        row.line,
        'type_flux',
        kindRaw,
        kindRaw === ''
          ? 'type de flux manquant'
          : 'type de flux inconnu : entrant, sortant, déchet ou besoin',
      );
    const codeRaw = get('code_ressource');
    const code = codeRaw === '' ? '' : codeOf(codeRaw);
    const resource = resources.get(code);
    if (codeRaw === '')
      p.add(sheet, row.line, 'code_ressource', codeRaw, 'code de ressource manquant');
    else if (!resource)
      p.add(
        sheet,
        row.line,
        'code_ressource',
        codeRaw,
        /^\d+$/.test(code)
          ? `code déchet inconnu dans la liste européenne des déchets : ${codeRaw}`
          : `code de ressource inconnu du catalogue : ${codeRaw}`,
      );
    else if (!resource.selectable)
      p.add(
        sheet,
        row.line,
        'code_ressource',
        codeRaw,
        `« ${codeRaw} » est une rubrique : choisissez une ressource précise`,
      );
    const catRaw = get('catégorie');
    const category = catRaw === '' ? resource?.category : categoryOfM(catRaw);
    if (catRaw !== '' && !category)
      p.add(sheet, row.line, 'catégorie', catRaw, 'catégorie inconnue');
    const label = get('libellé') || null;
    if (label && label.length > 300)
      p.add(sheet, row.line, 'libellé', label, 'au plus 300 caractères');
    const qRaw = get('quantité');
    const quantity = numberOf(qRaw);
    const unitRaw = get('unité');
    const unit = unitRaw === '' ? undefined : unitOfM(unitRaw);
    const periodRaw = get('période');
    const period = periodRaw === '' ? 'year' : periodOfM(periodRaw);
    if (quantity === null)
      p.add(sheet, row.line, 'quantité', qRaw, 'quantité invalide : un nombre est attendu');
    else if (quantity !== undefined && (quantity < 0 || quantity > 1e12))
      p.add(sheet, row.line, 'quantité', qRaw, 'quantité hors bornes (0 à 10¹²)');
    if (unitRaw !== '' && !unit) p.add(sheet, row.line, 'unité', unitRaw, 'unité inconnue');
    if (quantity === undefined && unitRaw !== '')
      p.add(sheet, row.line, 'quantité', qRaw, 'quantité manquante (une unité est donnée)');
    if (typeof quantity === 'number' && unitRaw === '')
      p.add(sheet, row.line, 'unité', unitRaw, 'unité manquante (une quantité est donnée)');
    if (!period)
      p.add(
        sheet,
        row.line,
        'période',
        periodRaw,
        'période inconnue : an, trimestre, mois, semaine, jour, ponctuel',
      );
    let quantityPerYear: number | null = null;
    let canonicalUnit: string | null = null;
    if (typeof quantity === 'number' && unit && period && resource) {
      const conv = toCanonicalPerYear(quantity, unit, period, resource.canonical_unit);
      if (!conv.ok)
        p.add(sheet, row.line, 'unité', unitRaw, `unité non convertible : ${conv.reason}`);
      else {
        quantityPerYear = conv.quantityPerYear;
        canonicalUnit = conv.canonicalUnit;
      }
    }
    const costRaw = get('coût_eur_an');
    const cost = numberOf(costRaw);
    if (cost === null || (typeof cost === 'number' && Math.abs(cost) > 1e10))
      p.add(
        sheet,
        row.line,
        'coût_eur_an',
        costRaw,
        'coût invalide : un nombre d’euros est attendu',
      );
    const hazardous = boolOf(get('dangereux'));
    if (hazardous === null)
      p.add(sheet, row.line, 'dangereux', get('dangereux'), 'attendu oui ou non');
    const confRaw = get('confidentialité');
    const confidentiality = confRaw === '' ? 'territory' : confOf(confRaw);
    if (!confidentiality)
      p.add(sheet, row.line, 'confidentialité', confRaw, 'attendu public, territoire ou privé');
    const availability = get('disponibilité') || null;
    if (p.count > before || !siret || !kind || !resource || !category || !confidentiality) continue;
    const importKey = flowKey(kind, resource.code, label);
    const dupKey = `${siret}|${visited ?? ''}|${importKey}`;
    const first = seen.get(dupKey);
    if (first !== undefined) {
      p.add(
        sheet,
        row.line,
        'code_ressource',
        codeRaw,
        `ligne en double : même entreprise, date, type, ressource et libellé qu’à la ligne ${first}`,
      );
      continue;
    }
    seen.set(dupKey, row.line);
    const hasQuantity = typeof quantity === 'number';
    rows.push({
      line: row.line,
      siret,
      visited_at: visited ?? null,
      kind,
      category,
      resource_code: resource.code,
      label,
      quantity: hasQuantity ? quantity : null,
      unit: hasQuantity ? (unit ?? null) : null,
      period: hasQuantity ? (period ?? null) : null,
      quantity_per_year: quantityPerYear,
      canonical_unit: canonicalUnit,
      cost_eur_per_year: typeof cost === 'number' ? cost : null,
      // A hazardous EWC entry (*) cannot be declared harmless.
      hazardous: resource.hazardous || (hazardous ?? false),
      availability,
      confidentiality,
      import_key: importKey,
      existingDiagnosticId: null,
    });
  }

  // Flows of existing diagnostics (same company, same visit date) are found by their row key.
  const companyIds = [
    ...new Set(rows.map((r) => ref.companies.get(r.siret)?.id).filter((x) => x !== undefined)),
  ];
  const diagnostics = await repo.latestDiagnosticsByVisit(db, companyIds);
  const diagnosticOf = new Map(
    diagnostics.map((d) => [`${d.company_id}|${d.visited_at ?? ''}`, d]),
  );
  const existingFlows = await repo.flowsOfDiagnostics(
    db,
    diagnostics.map((d) => d.id),
  );
  const flowsByDiag = new Map<string, Map<string, repo.ExistingFlow>>();
  for (const f of existingFlows) {
    let m = flowsByDiag.get(f.diagnostic_id);
    if (!m) flowsByDiag.set(f.diagnostic_id, (m = new Map<string, repo.ExistingFlow>()));
    m.set(flowKey(f.kind, f.resource_code, f.label), f);
    plan.flows.nextPosition.set(
      f.diagnostic_id,
      Math.max(plan.flows.nextPosition.get(f.diagnostic_id) ?? 0, f.position + 1),
    );
  }
  const newDiagnostics = new Set<string>();
  for (const r of rows) {
    const companyId = ref.companies.get(r.siret)?.id;
    const d = companyId ? diagnosticOf.get(`${companyId}|${r.visited_at ?? ''}`) : undefined;
    // The rows go into the plan as they are (no copies: this loop sees every row).
    const { line, siret, visited_at } = r;
    if (!d) {
      const k = `${siret}|${visited_at ?? ''}`;
      if (!newDiagnostics.has(k)) {
        newDiagnostics.add(k);
        plan.flows.newDiagnostics.push({ siret, visited_at });
      }
      plan.flows.create.push(r);
      continue;
    }
    const existing = flowsByDiag.get(d.id)?.get(r.import_key);
    if (existing && sameFlow(r, existing)) {
      plan.flows.unchanged++;
      continue;
    }
    if (d.status !== 'draft') {
      p.add(
        sheet,
        line,
        existing ? 'quantité' : 'code_ressource',
        null,
        `le diagnostic du ${visited_at ?? '(sans date)'} de ${siret} est validé et ne se modifie plus : donnez une nouvelle date de visite`,
      );
      continue;
    }
    if (existing) plan.flows.update.push({ id: existing.id, diagnosticId: d.id, v: r });
    else {
      r.existingDiagnosticId = d.id;
      plan.flows.create.push(r);
    }
  }
}

const ZoneCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.unknown()).max(10_000),
});
const ZoneName = z.string().trim().min(1).max(200);

async function planZones(
  db: Executor,
  p: Problems,
  plan: ImportPlan,
  content: Buffer,
  territoryId: string,
) {
  let json: unknown;
  try {
    json = JSON.parse(decodeText(content));
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('invalid_file', 'GeoJSON illisible : le fichier n’est pas du JSON valide');
  }
  const fc = ZoneCollection.safeParse(json);
  if (!fc.success)
    throw new AppError(
      'invalid_file',
      'Attendu une FeatureCollection GeoJSON (type « FeatureCollection », tableau « features »)',
    );
  if (fc.data.features.length === 0)
    throw new AppError('invalid_file', 'FeatureCollection vide : aucune zone');
  plan.rowsTotal = fc.data.features.length;
  const candidates: { row: number; name: string; geojson: string }[] = [];
  const seen = new Map<string, number>();
  fc.data.features.forEach((f, i) => {
    const row = i + 1;
    const props = (f as { properties?: Record<string, unknown> } | null)?.properties ?? {};
    const rawName = props.name ?? props.nom ?? props.NOM ?? props.libelle;
    const name = ZoneName.safeParse(rawName);
    const geometry = AreaGeometry.safeParse((f as { geometry?: unknown } | null)?.geometry);
    if (!name.success)
      p.add(
        'features',
        row,
        'properties.name',
        typeof rawName === 'string' ? rawName : null,
        'nom de zone manquant (propriété « name » ou « nom »)',
      );
    if (!geometry.success)
      p.add(
        'features',
        row,
        'geometry',
        null,
        'géométrie attendue : Polygon ou MultiPolygon en WGS 84, anneaux fermés',
      );
    if (!name.success || !geometry.success) return;
    if (seen.has(name.data)) {
      p.add(
        'features',
        row,
        'properties.name',
        name.data,
        `zone en double dans le fichier (entité ${seen.get(name.data)})`,
      );
      return;
    }
    seen.set(name.data, row);
    candidates.push({ row, name: name.data, geojson: JSON.stringify(geometry.data) });
  });
  const reasons = await repo.geometryProblems(
    db,
    candidates.map((c) => c.geojson),
  );
  const existing = await repo.zonesByName(db, territoryId);
  for (const [k, c] of candidates.entries()) {
    const reason = reasons[k];
    if (reason) {
      p.add('features', c.row, 'geometry', null, `polygone invalide : ${reason}`);
      continue;
    }
    const z = existing.get(c.name);
    if (!z) plan.zones.create.push({ name: c.name, geojson: c.geojson });
    else if (await repo.sameGeometry(db, z.id, c.geojson)) plan.zones.unchanged++;
    else plan.zones.update.push({ id: z.id, geojson: c.geojson });
  }
}

async function planSirene(
  db: Executor,
  p: Problems,
  plan: ImportPlan,
  sheet: Sheet,
  ref: Reference,
  territoryId: string,
  options: ImportOptions,
) {
  requireColumns(sheet, SIRENE_REQUIRED);
  const communes = options.communes?.length ? new Set(options.communes) : null;
  const get = (row: SheetRow, h: string) => cell(sheet, row, headerKey(h));
  const kept: {
    siret: string;
    v: repo.CompanyWrite;
    point: { x: number; y: number; srid: 2154 | 4326 } | null;
  }[] = [];
  const seen = new Map<string, number>();
  for (const row of sheet.rows) {
    if (refuseFormulas(p, sheet, row)) continue;
    if (get(row, 'etatAdministratifEtablissement').toUpperCase() === 'F') {
      plan.skipped.closed++;
      continue;
    }
    if (communes && !communes.has(get(row, 'codeCommuneEtablissement'))) {
      plan.skipped.outside++;
      continue;
    }
    const before = p.count;
    const siret = checkNewSiret(p, sheet, row, get(row, 'siret'), seen);
    const nafRaw = get(row, 'activitePrincipaleEtablissement');
    const naf = nafOf(nafRaw);
    if (nafRaw === '')
      p.add(
        sheet,
        row.line,
        'activitePrincipaleEtablissement',
        nafRaw,
        'activité principale manquante',
      );
    else if (!naf || !ref.nafs.has(naf))
      p.add(
        sheet,
        row.line,
        'activitePrincipaleEtablissement',
        nafRaw,
        `code NAF inconnu dans la NAF rév. 2 : ${nafRaw}`,
      );
    if (p.count > before || !siret || !naf) continue;
    if (ref.companies.has(siret)) {
      plan.skipped.alreadyKnown++;
      continue;
    }
    const lon = numberOf(get(row, 'longitude'));
    const lat = numberOf(get(row, 'latitude'));
    const lx = numberOf(get(row, 'coordonneeLambertAbscisseEtablissement'));
    const ly = numberOf(get(row, 'coordonneeLambertOrdonneeEtablissement'));
    const point =
      typeof lon === 'number' &&
      typeof lat === 'number' &&
      Math.abs(lon) <= 180 &&
      Math.abs(lat) <= 90
        ? { x: lon, y: lat, srid: 4326 as const }
        : typeof lx === 'number' && typeof ly === 'number'
          ? { x: lx, y: ly, srid: 2154 as const }
          : null;
    const street = [
      get(row, 'numeroVoieEtablissement'),
      get(row, 'typeVoieEtablissement'),
      get(row, 'libelleVoieEtablissement'),
    ]
      .filter(Boolean)
      .join(' ');
    const town = [get(row, 'codePostalEtablissement'), get(row, 'libelleCommuneEtablissement')]
      .filter(Boolean)
      .join(' ');
    const name =
      get(row, 'denominationUsuelleEtablissement') ||
      get(row, 'enseigne1Etablissement') ||
      get(row, 'denominationUniteLegale') ||
      `Établissement ${siret}`;
    kept.push({
      siret,
      point,
      v: {
        siret,
        name: name.slice(0, 300),
        naf_code: naf,
        headcount_band: headcountOfSirene(get(row, 'trancheEffectifsEtablissement')),
        address: [street, town].filter(Boolean).join(', ').slice(0, 500) || null,
        lon: null,
        lat: null,
        is_ess: false,
        consent_share_identity: false,
        consent_share_flows: false,
        source: SIRENE_SOURCE,
        source_licence: ETALAB_LICENCE,
      },
    });
  }
  const withPoint = kept.flatMap((k, i) => (k.point ? [{ i, ...k.point }] : []));
  const located = await repo.locatePoints(db, withPoint, options.zoneId ?? null);
  const inside = new Set<number>();
  for (const l of located) {
    const k = kept[l.i]!;
    k.v.lon = l.lon;
    k.v.lat = l.lat;
    if (l.inside) inside.add(l.i);
  }
  kept.forEach((k, i) => {
    // Filtering by polygon needs a position: establishments without one are left out.
    if (options.zoneId && !inside.has(i)) plan.skipped.outside++;
    else plan.companies.create.push(k.v);
  });
}

/** Reads the file and plans the import; file-level faults throw (422), row faults are listed. */
export async function planImport(
  db: Executor,
  input: { territoryId: string; kind: repo.ImportKind; content: Buffer; options: ImportOptions },
): Promise<ImportPlan & { problemCount: number }> {
  const p = new Problems();
  if (input.content.length === 0) throw new AppError('invalid_file', 'Fichier vide');
  if (input.kind === 'zones') {
    const plan = emptyPlan('geojson');
    await planZones(db, p, plan, input.content, input.territoryId);
    return { ...plan, problems: p.sorted(), problemCount: p.count };
  }
  const { format, sheets } = await readSheets(
    input.content,
    input.kind === 'diagnostics' ? FLOW_SHEET : COMPANY_SHEET,
  );
  const plan = emptyPlan(format);
  const ref: Reference = {
    nafs: await repo.nafCodes(db),
    companies: await repo.companiesOfTerritory(db, input.territoryId),
  };
  if (input.kind === 'companies') {
    const sheet = findSheet(sheets, COMPANY_SHEET);
    if (!sheet)
      throw new AppError('missing_columns', 'Feuille « entreprises » absente du classeur');
    plan.rowsTotal = sheet.rows.length;
    planCompanies(p, plan, sheet, ref);
  } else if (input.kind === 'diagnostics') {
    const flowSheet = findSheet(sheets, FLOW_SHEET, format === 'csv');
    if (!flowSheet) throw new AppError('missing_columns', 'Feuille « flux » absente du classeur');
    const companySheet = format === 'xlsx' ? findSheet(sheets, COMPANY_SHEET, false) : undefined;
    plan.rowsTotal = flowSheet.rows.length + (companySheet?.rows.length ?? 0);
    const sheetCompanies = companySheet
      ? planCompanies(p, plan, companySheet, ref)
      : new Set<string>();
    await planFlows(db, p, plan, flowSheet, ref, sheetCompanies);
  } else {
    const sheet = sheets[0]!;
    plan.rowsTotal = sheet.rows.length;
    plan.source = SIRENE_SOURCE;
    plan.licence = ETALAB_LICENCE;
    if (
      input.options.zoneId &&
      !(await repo.zoneOfTerritory(db, input.territoryId, input.options.zoneId))
    )
      throw new AppError('not_found', 'Zone introuvable dans ce territoire');
    await planSirene(db, p, plan, sheet, ref, input.territoryId, input.options);
  }
  if (plan.rowsTotal === 0)
    throw new AppError(
      'invalid_file',
      'Fichier sans aucune ligne de données (seulement l’en-tête)',
    );
  return { ...plan, problems: p.sorted(), problemCount: p.count };
}

/** What the plan will do (dry run) or did (commit). */
export function summaryOf(plan: ImportPlan): Record<string, number> {
  return {
    companiesCreated: plan.companies.create.length,
    companiesUpdated: plan.companies.update.length,
    companiesUnchanged: plan.companies.unchanged,
    diagnosticsCreated: plan.flows.newDiagnostics.length,
    flowsCreated: plan.flows.create.length,
    flowsUpdated: plan.flows.update.length,
    flowsUnchanged: plan.flows.unchanged,
    zonesCreated: plan.zones.create.length,
    zonesUpdated: plan.zones.update.length,
    zonesUnchanged: plan.zones.unchanged,
    skippedClosed: plan.skipped.closed,
    skippedOutside: plan.skipped.outside,
    skippedAlreadyKnown: plan.skipped.alreadyKnown,
  };
}
