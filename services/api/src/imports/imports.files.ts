// Writing spreadsheets: CSV through csv-stringify (separator ;, UTF-8 with a
// BOM so that French spreadsheet programs read the accents), XLSX through
// exceljs. Text cells that a spreadsheet would run as a formula are escaped.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { escapeCell, type ColumnDef } from '../../../../shared/imports/columns.ts';

export type CellValue = string | number | null;

export interface SheetData {
  name: string;
  columns: readonly ColumnDef[];
  rows: CellValue[][];
}

export const CONTENT_TYPE = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export function toCsv(sheet: SheetData): Buffer {
  const text = stringify(
    [
      sheet.columns.map((c) => c.header),
      ...sheet.rows.map((r) =>
        r.map((v) => (v === null ? '' : typeof v === 'number' ? String(v) : escapeCell(v))),
      ),
    ],
    { delimiter: ';', record_delimiter: '\r\n' },
  );
  return Buffer.from(`\ufeff${text}`, 'utf8');
}

export async function toXlsx(sheets: SheetData[], help = false): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Symbiose';
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    ws.addRow(s.columns.map((c) => c.header)).font = { bold: true };
    // Values are written as values: a string is never stored as a formula.
    for (const r of s.rows) ws.addRow(r.map((v) => (v === null ? null : v)));
    ws.columns.forEach((c) => (c.width = 18));
  }
  if (help) {
    const ws = wb.addWorksheet('aide');
    ws.addRow(['feuille', 'colonne', 'obligatoire', 'description']).font = { bold: true };
    for (const s of sheets)
      for (const c of s.columns)
        ws.addRow([s.name, c.header, c.required ? 'oui' : 'non', c.description]);
    ws.columns.forEach((c) => (c.width = 30));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
