import { describe, expect, it } from 'vitest';
import { completeSiret, isValidSiren, isValidSiret } from '../../shared/siret.ts';

describe('SIRET check', () => {
  it('accepts published valid SIRETs', () => {
    // INSEE's own establishment and a Danone establishment, both public.
    expect(isValidSiret('12002701600357')).toBe(true);
    expect(isValidSiret('55210055400013')).toBe(true);
  });
  it('refuses a wrong check digit, a wrong length and non-digits', () => {
    expect(isValidSiret('55210055400014')).toBe(false);
    expect(isValidSiret('5521005540001')).toBe(false);
    expect(isValidSiret('5521005540001A')).toBe(false);
  });
  it('applies the La Poste exception (sum of digits multiple of 5)', () => {
    expect(isValidSiret('35600000000048')).toBe(true); // head office, Luhn-valid
    expect(isValidSiret('35600000000010')).toBe(true); // digit sum 15, not Luhn-valid
    expect(isValidSiret('35600000000049')).toBe(false);
  });
  it('completes 13 digits into a valid SIRET', () => {
    for (const prefix of ['9000000010000', '1234567890123', '0000000000000']) {
      const s = completeSiret(prefix);
      expect(s).toHaveLength(14);
      expect(isValidSiret(s)).toBe(true);
    }
  });
  it('checks SIREN', () => {
    expect(isValidSiren('552100554')).toBe(true);
    expect(isValidSiren('552100555')).toBe(false);
  });
});
