import { describe, expect, it } from 'vitest';
import {
  booleanOf,
  dateOf,
  escapeCell,
  flowKindOf,
  headcountOfSirene,
  headerKey,
  nafOf,
  numberOf,
  periodOf,
  unescapeCell,
  unitOf,
} from '../../shared/imports/columns.ts';

describe('import cell values', () => {
  it('matches headers whatever the case, accents and spaces', () => {
    expect(headerKey(' Quantité ')).toBe('quantite');
    expect(headerKey('coût_eur_an')).toBe(headerKey('Cout EUR an'));
    expect(headerKey('activitePrincipaleEtablissement')).toBe('activiteprincipaleetablissement');
  });

  it('reads French and plain numbers, and refuses anything else', () => {
    expect(numberOf('2,5')).toBe(2.5);
    expect(numberOf('1 234,5')).toBe(1234.5);
    expect(numberOf('1234.5')).toBe(1234.5);
    expect(numberOf('-3')).toBe(-3);
    expect(numberOf('1e3')).toBe(1000);
    expect(numberOf('')).toBeUndefined();
    for (const bad of ['=1+1', '12 t', '1,2,3', 'NaN', '[ND]']) expect(numberOf(bad)).toBeNull();
  });

  it('reads ISO and French dates, and refuses impossible ones', () => {
    expect(dateOf('2024-03-15')).toBe('2024-03-15');
    expect(dateOf('15/03/2024')).toBe('2024-03-15');
    expect(dateOf('5/3/2024')).toBe('2024-03-05');
    expect(dateOf('2024-03-15T00:00:00.000Z')).toBe('2024-03-15');
    expect(dateOf('')).toBeUndefined();
    for (const bad of ['31/02/2024', '2024-13-01', 'mars 2024']) expect(dateOf(bad)).toBeNull();
  });

  it('normalises NAF codes as INSEE writes them', () => {
    expect(nafOf('1071C')).toBe('10.71C');
    expect(nafOf('10.71c')).toBe('10.71C');
    expect(nafOf('10.7')).toBeNull();
  });

  it('maps French words to codes', () => {
    expect(flowKindOf('Déchet')).toBe('waste');
    expect(flowKindOf('entrant')).toBe('input');
    expect(flowKindOf('rebut')).toBeUndefined();
    expect(periodOf('mois')).toBe('month');
    expect(unitOf('tonnes')).toBe('t');
    expect(unitOf('kwh')).toBe('kWh');
    expect(booleanOf('Oui')).toBe(true);
    expect(booleanOf('faux')).toBe(false);
    expect(booleanOf('')).toBeUndefined();
    expect(booleanOf('peut-être')).toBeNull();
    expect(headcountOfSirene('12')).toBe('10-49');
    expect(headcountOfSirene('NN')).toBeNull();
  });

  it('escapes text a spreadsheet would run as a formula, and the import takes it back', () => {
    for (const v of ['=SUM(A1:A9)', '+33 1 23', '-x', '@cmd', '\tx']) {
      expect(escapeCell(v)).toBe(`'${v}`);
      expect(unescapeCell(escapeCell(v))).toBe(v);
    }
    expect(escapeCell('Palettes')).toBe('Palettes');
    expect(unescapeCell("'apostrophe")).toBe("'apostrophe");
  });
});
