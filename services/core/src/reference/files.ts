// Reads the reference data and knowledge-base files shipped in data/.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import type { ResourceInfo, RuleFileInput } from '../../../../shared/knowledge/validate.ts';

export const DATA_DIR = fileURLToPath(new URL('../../../../data/', import.meta.url));

export async function readCsv(path: string): Promise<Record<string, string>[]> {
  return parse(await readFile(`${DATA_DIR}${path}`), {
    columns: true,
    skip_empty_lines: true,
    trim: true,
  });
}

async function listDir(dir: string, ext: RegExp): Promise<string[]> {
  return (await readdir(`${DATA_DIR}${dir}`)).filter((f) => ext.test(f)).sort();
}

/** The catalogue is split by theme in data/catalogue/*.csv, read in file-name order. */
export async function readCatalogueRows(): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  for (const f of await listDir('catalogue', /\.csv$/))
    rows.push(...(await readCsv(`catalogue/${f}`)));
  return rows;
}

export async function readRuleFiles(): Promise<RuleFileInput[]> {
  const files: RuleFileInput[] = [];
  for (const f of await listDir('rules', /\.ya?ml$/)) {
    files.push({
      path: `rules/${f}`,
      content: parseYaml(await readFile(`${DATA_DIR}rules/${f}`, 'utf8')) as unknown,
    });
  }
  return files;
}

export async function readEmissionFactorKeys(): Promise<Set<string>> {
  return new Set((await readCsv('emission-factors.csv')).map((r) => r.key!));
}

/** Every resource code a rule may name: EWC entries and headings, catalogue rows. */
export async function readResourceIndex(): Promise<Map<string, ResourceInfo>> {
  const index = new Map<string, ResourceInfo>();
  for (const r of await readCsv('ewc.csv')) {
    index.set(r.code!, {
      canonicalUnit: 't',
      selectable: r.level === 'entry',
      hazardous: r.hazardous === 'true',
    });
  }
  for (const r of await readCatalogueRows()) {
    index.set(r.code!, {
      canonicalUnit: r.canonical_unit!,
      selectable: Boolean(r.parent),
      hazardous: false,
    });
  }
  return index;
}
