import { describe, expect, it } from 'vitest';
import { distanceBand } from '../../services/api/src/portal/portal.service.ts';

describe('distance bands shown to companies', () => {
  it('puts a distance in its band, bounds going to the band above', () => {
    expect([0, 0.999, 1, 4.9, 5, 19.99, 20, 49.9, 50, 300].map((km) => distanceBand(km))).toEqual([
      '< 1 km',
      '< 1 km',
      '1–5 km',
      '1–5 km',
      '5–20 km',
      '5–20 km',
      '20–50 km',
      '20–50 km',
      '> 50 km',
      '> 50 km',
    ]);
  });

  it('says nothing when a location is missing', () => {
    expect(distanceBand(null)).toBeNull();
    expect(distanceBand(Number.NaN)).toBeNull();
  });
});
