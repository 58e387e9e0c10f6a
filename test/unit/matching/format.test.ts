import { describe, expect, it } from 'vitest';
import { de, frNumber, frQuantity, lcFirst } from '../../../shared/matching/format.ts';

describe('French formatting', () => {
  it('numbers', () => {
    expect(frNumber(8400)).toBe('8 400');
    expect(frNumber(1234567.8)).toBe('1 234 568');
    expect(frNumber(4.25, 1)).toBe('4,3');
    expect(frNumber(0.8, 2)).toBe('0,8');
    expect(frNumber(12.04)).toBe('12');
    expect(frNumber(3.14159)).toBe('3,14');
    expect(frNumber(-2.5)).toBe('-2,5');
    expect(frNumber(-0.001)).toBe('0');
    expect(frNumber(100)).toBe('100');
  });
  it('quantities and articles', () => {
    expect(frQuantity(8400, 'MWh')).toBe('8 400 MWh/an');
    expect(frQuantity(1200, 'unit')).toBe('1 200 unités/an');
    expect(frQuantity(3, 'm3')).toBe('3 m³/an');
    expect(lcFirst('Électricité')).toBe('électricité');
    expect(lcFirst('DIB en mélange')).toBe('DIB en mélange');
    expect(de('électricité')).toBe("d'électricité");
    expect(de('drêches')).toBe('de drêches');
  });
});
