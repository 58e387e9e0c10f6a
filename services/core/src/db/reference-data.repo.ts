import type pg from 'pg';
import { readCatalogueRows, readCsv } from '../reference/files.ts';
import { loadRuleFiles } from './knowledge.repo.ts';

// Reference data shipped in data/ (see data/SOURCES.md for sources and licences).

export interface ReferenceDataCounts {
  naf: number;
  ewc: number;
  catalogue: number;
  synonyms: number;
  emissionFactors: number;
  rules: number;
}

interface ResourceRow {
  code: string;
  parent_code: string | null;
  source: 'ewc' | 'catalogue';
  category: string;
  canonical_unit: string;
  label_fr: string;
  label_en: string;
  code_display: string | null;
  level: string;
  hazardous: boolean;
  selectable: boolean;
  synonyms_fr: string[];
}

function ewcRows(rows: Record<string, string>[], synonyms: Map<string, string[]>): ResourceRow[] {
  return rows.map((r) => ({
    code: r.code!,
    parent_code:
      r.level === 'entry' ? r.sub_chapter! : r.level === 'sub_chapter' ? r.chapter! : null,
    source: 'ewc',
    category: 'waste',
    canonical_unit: 't',
    label_fr: r.description_fr!,
    label_en: r.description_en!,
    code_display: r.code_display!,
    level: r.level!,
    hazardous: r.hazardous === 'true',
    selectable: r.level === 'entry',
    synonyms_fr: synonyms.get(r.code!) ?? [],
  }));
}

function catalogueRows(rows: Record<string, string>[]): ResourceRow[] {
  const parents = new Set(rows.map((r) => r.parent).filter(Boolean));
  return rows.map((r) => ({
    code: r.code!,
    parent_code: r.parent || null,
    source: 'catalogue',
    category: r.category!,
    canonical_unit: r.canonical_unit!,
    label_fr: r.label_fr!,
    label_en: r.label_en!,
    code_display: null,
    level: parents.has(r.code) ? 'group' : 'item',
    hazardous: false,
    // Category roots only group entries; a flow names something concrete.
    selectable: Boolean(r.parent),
    synonyms_fr: splitSynonyms(r.synonyms_fr),
  }));
}

const splitSynonyms = (s: string | undefined) =>
  (s ?? '')
    .split('|')
    .map((x) => x.trim())
    .filter(Boolean);

/** Idempotent upsert of NAF and the resource catalogue, on the caller's transaction. */
export async function loadReferenceData(client: pg.ClientBase): Promise<ReferenceDataCounts> {
  const naf = await readCsv('naf.csv');
  await client.query(
    `INSERT INTO naf (code, label_fr, section, section_label_fr, division, division_label_fr)
     SELECT * FROM jsonb_to_recordset($1::jsonb)
       AS x(code text, label_fr text, section text, section_label_fr text, division text, division_label_fr text)
     ON CONFLICT (code) DO UPDATE SET label_fr = EXCLUDED.label_fr, section = EXCLUDED.section,
       section_label_fr = EXCLUDED.section_label_fr, division = EXCLUDED.division,
       division_label_fr = EXCLUDED.division_label_fr`,
    [JSON.stringify(naf)],
  );

  const synonyms = new Map(
    (await readCsv('ewc-synonyms.csv')).map((r) => [r.code!, splitSynonyms(r.synonyms_fr)]),
  );
  const ewc = ewcRows(await readCsv('ewc.csv'), synonyms);
  const catalogue = catalogueRows(await readCatalogueRows());
  await client.query(
    `INSERT INTO resource (code, parent_code, source, category, canonical_unit, label_fr, label_en,
                           code_display, level, hazardous, selectable, synonyms_fr, search_text)
     SELECT x.code, x.parent_code, x.source, x.category, x.canonical_unit, x.label_fr, x.label_en,
            x.code_display, x.level, x.hazardous, x.selectable, x.synonyms_fr,
            lower(immutable_unaccent(concat_ws(' ', x.code, x.code_display, x.label_fr, x.label_en,
                                               array_to_string(x.synonyms_fr, ' '))))
     FROM jsonb_to_recordset($1::jsonb) AS x(code text, parent_code text, source text, category text,
       canonical_unit text, label_fr text, label_en text, code_display text, level text,
       hazardous boolean, selectable boolean, synonyms_fr text[])
     ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code, source = EXCLUDED.source,
       category = EXCLUDED.category, canonical_unit = EXCLUDED.canonical_unit,
       label_fr = EXCLUDED.label_fr, label_en = EXCLUDED.label_en, code_display = EXCLUDED.code_display,
       level = EXCLUDED.level, hazardous = EXCLUDED.hazardous, selectable = EXCLUDED.selectable,
       synonyms_fr = EXCLUDED.synonyms_fr, search_text = EXCLUDED.search_text`,
    [JSON.stringify([...ewc, ...catalogue])],
  );
  const factors = await readCsv('emission-factors.csv');
  await client.query(
    `INSERT INTO emission_factor (key, label, value, unit, source, licence, note)
     SELECT key, label, value::double precision, unit, source, licence, nullif(note, '')
     FROM jsonb_to_recordset($1::jsonb)
       AS x(key text, label text, value text, unit text, source text, licence text, note text)
     ON CONFLICT (key) DO UPDATE SET label = EXCLUDED.label, value = EXCLUDED.value, unit = EXCLUDED.unit,
       source = EXCLUDED.source, licence = EXCLUDED.licence, note = EXCLUDED.note`,
    [JSON.stringify(factors)],
  );
  const rules = await loadRuleFiles(client);
  return {
    naf: naf.length,
    ewc: ewc.length,
    catalogue: catalogue.length,
    synonyms: [...ewc, ...catalogue].reduce((n, r) => n + r.synonyms_fr.length, 0),
    emissionFactors: factors.length,
    rules,
  };
}
