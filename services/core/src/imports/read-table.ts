// Turns an uploaded file into sheets of text cells. CSV through csv-parse
// (UTF-8 or Windows-1252 through iconv-lite, delimiter ; or , detected), XLSX
// through exceljs. Formulas are never evaluated: a formula cell is flagged so
// that the caller reports it as a row-level problem.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { AppError } from '../../../../shared/errors.ts';
import { headerKey, unescapeCell } from '../../../../shared/imports/columns.ts';

export interface SheetRow {
  /** Line (CSV) or row (XLSX) number as the user sees it; the header is 1. */
  line: number;
  values: string[];
  /** Column indexes holding a formula (XLSX). */
  formulas?: number[];
}

export interface Sheet {
  name: string;
  headers: string[];
  /** headerKey(header) → column index. */
  index: Map<string, number>;
  rows: SheetRow[];
}

export const cell = (sheet: Sheet, row: SheetRow, key: string): string => {
  const i = sheet.index.get(key);
  return i === undefined ? '' : (row.values[i] ?? '');
};

const fileError = (detail: string) => new AppError('invalid_file', detail);

export function isXlsx(buf: Buffer): boolean {
  return buf.length >= 4 && buf.readUInt32BE(0) === 0x504b0304;
}

/** UTF-8 (with or without BOM) or Windows-1252; anything else is refused. */
export function decodeText(buf: Buffer): string {
  if (
    buf.length >= 2 &&
    ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))
  )
    throw fileError(
      'Encodage UTF-16 non pris en charge : enregistrez le fichier en CSV UTF-8 ou Windows-1252',
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    text = iconv.decode(buf, 'win1252');
  }
  // A NUL or another control character means a binary file or an unknown encoding.
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(text.slice(0, 1_000_000)))
    throw fileError(
      'Encodage non reconnu ou fichier binaire : attendu un CSV en UTF-8 ou Windows-1252, ou un classeur XLSX',
    );
  return text;
}

function withHeader(name: string, records: { line: number; values: string[] }[]): Sheet {
  const head = records[0];
  if (!head || head.values.every((v) => v === ''))
    throw fileError(`Fichier vide${name ? ` (feuille « ${name} »)` : ''} : aucune ligne d’en-tête`);
  const headers = head.values.map((h) => h.trim());
  const index = new Map<string, number>();
  headers.forEach((h, i) => {
    const k = headerKey(h);
    if (k !== '' && !index.has(k)) index.set(k, i);
  });
  const rows = records.slice(1).filter((r) => r.values.some((v) => v !== ''));
  return { name, headers, index, rows };
}

/** The most frequent of ; , and tab on the header line (ties go to ;, the French default). */
function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/) + 1 || 10_000);
  const count = (c: string) => firstLine.split(c).length - 1;
  const candidates = [';', ',', '\t'].map((c) => [c, count(c)] as const);
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0]![1] === 0 ? ';' : candidates[0]![0];
}

export function readCsv(buf: Buffer, name: string): Sheet {
  const text = decodeText(buf);
  if (text.replace(/^\ufeff/, '').trim() === '') throw fileError('Fichier vide');
  const delimiter = detectDelimiter(text.replace(/^\ufeff/, ''));
  // Line numbers: without any quote no record spans lines, so a record's line is
  // its index (blank lines kept, then dropped); otherwise csv-parse counts them.
  const quoted = text.includes('"');
  let records: { line: number; values: string[] }[];
  try {
    if (quoted) {
      const parsed = parse(text, {
        bom: true,
        delimiter,
        relax_column_count: true,
        skip_empty_lines: true,
        info: true,
      }) as unknown as { info: { lines: number }; record: string[] }[];
      records = parsed.map((r) => ({ line: r.info.lines, values: r.record }));
    } else {
      // Without any quote CSV escapes nothing: a record is a line and its cells
      // lie between delimiters. Read so, as csv-parse does (test/unit/read-table),
      // five times faster on a large flows file.
      records = text
        .replace(/^\ufeff/, '')
        .split(/\r\n|\n|\r/)
        .map((line, i) => ({ line: i + 1, values: line.split(delimiter) }));
    }
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw fileError(
      `CSV illisible${line ? ` à la ligne ${line}` : ''} : ${(err as Error).message.replace(/^Invalid /, '')}`,
    );
  }
  // One pass, in place: cells trimmed and unescaped, blank records dropped.
  const kept: typeof records = [];
  for (const r of records) {
    let blank = true;
    for (let i = 0; i < r.values.length; i++) {
      const v = unescapeCell(r.values[i]!.trim());
      r.values[i] = v;
      if (v !== '') blank = false;
    }
    if (!blank) kept.push(r);
  }
  return withHeader(name, kept);
}

function cellText(v: ExcelJS.CellValue): { text: string; formula: boolean } {
  if (v === null || v === undefined) return { text: '', formula: false };
  if (typeof v === 'string') return { text: unescapeCell(v.trim()), formula: false };
  if (typeof v === 'number') return { text: String(v), formula: false };
  if (typeof v === 'boolean') return { text: v ? 'oui' : 'non', formula: false };
  if (v instanceof Date) {
    const iso = v.toISOString();
    return { text: iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso, formula: false };
  }
  if ('formula' in v || 'sharedFormula' in v) return { text: '', formula: true };
  if ('error' in v) return { text: '', formula: true };
  if ('richText' in v)
    return {
      text: v.richText
        .map((t) => t.text)
        .join('')
        .trim(),
      formula: false,
    };
  if ('text' in v) return { text: String(v.text).trim(), formula: false };
  return { text: '', formula: false };
}

export async function readXlsx(buf: Buffer): Promise<Sheet[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw fileError('Classeur XLSX illisible (fichier endommagé ou protégé par mot de passe)');
  }
  const sheets: Sheet[] = [];
  for (const ws of wb.worksheets) {
    const records: { line: number; values: string[]; formulas?: number[] }[] = [];
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const values: string[] = [];
      const formulas: number[] = [];
      row.eachCell({ includeEmpty: true }, (c, col) => {
        const { text, formula } = cellText(c.value);
        values[col - 1] = text;
        if (formula) formulas.push(col - 1);
      });
      for (let i = 0; i < values.length; i++) values[i] ??= '';
      records.push({ line: rowNumber, values, ...(formulas.length ? { formulas } : {}) });
    });
    if (records.length === 0) continue;
    const sheet = withHeader(ws.name, records);
    // Formula rows are kept even when every value is empty: they are reported.
    sheet.rows = records.slice(1).filter((r) => r.formulas || r.values.some((v) => v !== ''));
    sheets.push(sheet);
  }
  if (sheets.length === 0) throw fileError('Classeur vide : aucune feuille ne contient de lignes');
  return sheets;
}

/** The sheets of an upload: XLSX (any sheets) or one CSV sheet named `csvName`. */
export async function readSheets(
  buf: Buffer,
  csvName: string,
): Promise<{ format: 'csv' | 'xlsx'; sheets: Sheet[] }> {
  if (buf.length === 0) throw fileError('Fichier vide');
  if (isXlsx(buf)) return { format: 'xlsx', sheets: await readXlsx(buf) };
  return { format: 'csv', sheets: [readCsv(buf, csvName)] };
}

/** A sheet by name (accents and case ignored); a lone sheet stands for any name. */
export function findSheet(sheets: Sheet[], name: string, loneCounts = true): Sheet | undefined {
  const k = headerKey(name);
  return (
    sheets.find((s) => headerKey(s.name) === k) ??
    (loneCounts && sheets.length === 1 ? sheets[0] : undefined)
  );
}

export function requireColumns(sheet: Sheet, required: readonly string[]): void {
  const missing = required.filter((h) => !sheet.index.has(headerKey(h)));
  if (missing.length > 0)
    throw new AppError(
      'missing_columns',
      `Colonnes obligatoires absentes${sheet.name ? ` de la feuille « ${sheet.name} »` : ''} : ${missing.join(', ')}`,
      missing.map((m) => ({ path: `${sheet.name || 'fichier'}.${m}`, message: 'colonne absente' })),
    );
}
