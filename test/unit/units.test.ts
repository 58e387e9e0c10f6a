import { describe, expect, it } from 'vitest';
import { toCanonicalPerYear } from '../../shared/units.ts';

describe('unit system', () => {
  it('converts mass to tonnes per year', () => {
    expect(toCanonicalPerYear(1000, 'kg', 'year', 't')).toEqual({
      ok: true,
      quantityPerYear: 1,
      canonicalUnit: 't',
    });
    expect(toCanonicalPerYear(2, 't', 'month', 't')).toMatchObject({ quantityPerYear: 24 });
    expect(toCanonicalPerYear(500, 'kg', 'week', 't')).toMatchObject({ quantityPerYear: 26 });
  });
  it('converts energy to MWh per year', () => {
    expect(toCanonicalPerYear(1500, 'kWh', 'month', 'MWh')).toMatchObject({ quantityPerYear: 18 });
    expect(toCanonicalPerYear(36, 'GJ', 'year', 'MWh')).toMatchObject({ quantityPerYear: 10 });
    expect(toCanonicalPerYear(1, 'tep', 'year', 'MWh')).toMatchObject({ quantityPerYear: 11.63 });
  });
  it('converts volumes, counts, time and area', () => {
    expect(toCanonicalPerYear(250, 'L', 'day', 'm3')).toMatchObject({ quantityPerYear: 91.25 });
    expect(toCanonicalPerYear(40, 'unit', 'week', 'unit')).toMatchObject({ quantityPerYear: 2080 });
    expect(toCanonicalPerYear(2, 'day_work', 'month', 'h')).toMatchObject({ quantityPerYear: 168 });
    expect(toCanonicalPerYear(1, 'ha', 'one_off', 'm2')).toMatchObject({ quantityPerYear: 10000 });
    expect(toCanonicalPerYear(3, 't', 'quarter', 't')).toMatchObject({ quantityPerYear: 12 });
  });
  it('refuses a unit of another dimension, with a French reason', () => {
    const r = toCanonicalPerYear(10, 'kWh', 'year', 't');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/ne se convertit pas/);
    expect(toCanonicalPerYear(10, 'm3', 'year', 't').ok).toBe(false);
    expect(toCanonicalPerYear(10, 't', 'year', 'furlong').ok).toBe(false);
  });
});
