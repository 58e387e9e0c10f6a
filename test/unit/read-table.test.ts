// Files without any quote are read by splitting lines and cells, the others by
// csv-parse: both must give the same sheet. Quoting one plain cell (same value)
// sends a file to csv-parse, so each case is read both ways and compared.
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../services/core/src/imports/read-table.ts';

const cases: Record<string, string> = {
  'LF, trailing newline': 'siret;nom\n1;a\n2;b\n',
  CRLF: 'siret;nom\r\n1;a\r\n2;b',
  'CR only': 'siret;nom\r1;a\r2;b\r',
  'BOM, blank and whitespace-only lines': '\ufeffsiret;nom\n\n1;a\n   \n;\n2;b\n\n',
  'ragged rows, spaces around cells': 'siret;nom;x\n 1 ; a \n2;b;c;d\n3\n',
  commas: 'siret,nom\n1,a\n2,b',
  tabs: 'siret\tnom\n1\ta\n2\tb',
  'escaped formula, accents': "siret;libellé\n1;'=SOMME\n2;Électricité\n",
};

describe('reading CSV without quotes', () => {
  for (const [name, text] of Object.entries(cases)) {
    it(`reads like csv-parse: ${name}`, () => {
      const fast = readCsv(Buffer.from(text, 'utf8'), 'flux');
      const quoted = text.replace(/^(\ufeff?)([^;,\t\r\n]+)/, '$1"$2"');
      expect(quoted).not.toBe(text);
      const parsed = readCsv(Buffer.from(quoted, 'utf8'), 'flux');
      expect(fast).toEqual(parsed);
      expect(fast.rows.length).toBeGreaterThan(0);
    });
  }
});
