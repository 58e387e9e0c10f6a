import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, it, expect, vi } from 'vitest';
import { demoTerritory } from '../../infra/demo/demo-data.ts';
import { isValidSiret } from '../../shared/siret.ts';
import { toCanonicalPerYear } from '../../shared/units.ts';

type Row = Record<string, string>;
type LonLat = [number, number];

function readCsv(name: string): Row[] {
  const path = fileURLToPath(new URL(`../../data/${name}`, import.meta.url));
  return parse<Row>(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true });
}

const catalogue = readdirSync(fileURLToPath(new URL('../../data/catalogue/', import.meta.url)))
  .filter((f) => f.endsWith('.csv'))
  .flatMap((f) => readCsv(`catalogue/${f}`));
const ewc = readCsv('ewc.csv').filter((r) => r.level === 'entry');
const naf = readCsv('naf.csv');

const catalogueByCode = new Map(catalogue.map((r) => [r.code!, r]));
const ewcByCode = new Map(ewc.map((r) => [r.code!, r]));
const nafCodes = new Set(naf.map((r) => r.code!));

// Ray casting; a point on an edge may go either way, so the demo keeps a margin.
function insideRing(p: LonLat, ring: LonLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) {
      inside = !inside;
    }
  }
  return inside;
}

function insideMultiPolygon(p: LonLat, coords: LonLat[][][]): boolean {
  return coords.some(
    (polygon) =>
      insideRing(p, polygon[0]!) && !polygon.slice(1).some((hole) => insideRing(p, hole)),
  );
}

function cross(o: LonLat, a: LonLat, b: LonLat): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function segmentsIntersect(a: LonLat, b: LonLat, c: LonLat, d: LonLat): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/** Signed shoelace area in degrees² (positive = counter-clockwise). */
function signedArea(ring: LonLat[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return s / 2;
}

/** Approximate area in km² (equirectangular projection at the ring's latitude). */
function areaKm2(ring: LonLat[]): number {
  const lat = (ring.reduce((s, c) => s + c[1], 0) / ring.length) * (Math.PI / 180);
  return Math.abs(signedArea(ring)) * 111.32 * 111.32 * Math.cos(lat);
}

const zones = demoTerritory.zones;
const companies = demoTerritory.companies;
const ringsOf = (name: string) => zones.find((z) => z.name === name)!.geom.coordinates;

describe('demo territory', () => {
  it('has the expected identity and three zones', () => {
    expect(demoTerritory.slug).toBe('dijon-demo');
    expect(demoTerritory.name).toMatch(/Dijon/);
    expect(zones.map((z) => z.name).sort()).toEqual(['Cap Nord', 'Grand Sud', "Vital'Est"]);
  });

  it('has valid zone polygons: closed, counter-clockwise, simple, 0.5–3 km², not overlapping', () => {
    for (const zone of zones) {
      expect(zone.geom.type).toBe('MultiPolygon');
      for (const polygon of zone.geom.coordinates) {
        const ring = polygon[0]!;
        expect(ring.length).toBeGreaterThanOrEqual(4);
        expect(ring[0]).toEqual(ring[ring.length - 1]);
        expect(signedArea(ring)).toBeGreaterThan(0);
        const area = areaKm2(ring);
        expect(area, zone.name).toBeGreaterThanOrEqual(0.5);
        expect(area, zone.name).toBeLessThanOrEqual(3);
        // No two non-adjacent edges cross.
        const n = ring.length - 1;
        for (let i = 0; i < n; i++) {
          for (let j = i + 2; j < n; j++) {
            if (i === 0 && j === n - 1) continue;
            expect(segmentsIntersect(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)).toBe(false);
          }
        }
        // Near Dijon.
        for (const [lon, lat] of ring) {
          expect(lon).toBeGreaterThan(4.9);
          expect(lon).toBeLessThan(5.2);
          expect(lat).toBeGreaterThan(47.25);
          expect(lat).toBeLessThan(47.4);
        }
      }
    }
    for (const a of zones) {
      for (const b of zones) {
        if (a === b) continue;
        const ra = a.geom.coordinates[0]![0]!;
        const rb = b.geom.coordinates[0]![0]!;
        for (const p of ra) expect(insideMultiPolygon(p, b.geom.coordinates)).toBe(false);
        for (let i = 0; i + 1 < ra.length; i++) {
          for (let j = 0; j + 1 < rb.length; j++) {
            expect(segmentsIntersect(ra[i]!, ra[i + 1]!, rb[j]!, rb[j + 1]!)).toBe(false);
          }
        }
      }
    }
  });

  it('has 55–65 companies with unique valid SIRETs and unique names', () => {
    expect(companies.length).toBeGreaterThanOrEqual(55);
    expect(companies.length).toBeLessThanOrEqual(65);
    const sirets = companies.map((c) => c.siret);
    for (const s of sirets) expect(isValidSiret(s), s).toBe(true);
    expect(new Set(sirets).size).toBe(sirets.length);
    expect(new Set(companies.map((c) => c.name)).size).toBe(companies.length);
  });

  it('places each company inside its zone only, and zone-less companies outside all zones', () => {
    const outside = companies.filter((c) => c.zoneName === null);
    expect(outside.length).toBeGreaterThanOrEqual(3);
    expect(outside.length).toBeLessThanOrEqual(5);
    for (const c of companies) {
      expect(c.location.type).toBe('Point');
      const p = c.location.coordinates;
      for (const z of zones) {
        const inside = insideMultiPolygon(p, z.geom.coordinates);
        expect(inside, `${c.name} vs ${z.name}`).toBe(z.name === c.zoneName);
      }
      if (c.zoneName !== null) expect(ringsOf(c.zoneName)).toBeDefined();
    }
    for (const zone of zones) {
      expect(companies.filter((c) => c.zoneName === zone.name).length).toBeGreaterThanOrEqual(10);
    }
  });

  it('uses NAF codes from data/naf.csv, plausible bands and ~5 ESS companies', () => {
    for (const c of companies)
      expect(nafCodes.has(c.nafCode), `${c.name}: ${c.nafCode}`).toBe(true);
    const ess = companies.filter((c) => c.isEss).length;
    expect(ess).toBeGreaterThanOrEqual(4);
    expect(ess).toBeLessThanOrEqual(7);
  });

  it('has diagnostics visited in 2022–2023 with 4–10 flows each', () => {
    for (const c of companies) {
      const d = c.diagnostic.visitedAt;
      expect(d).toMatch(/^202[23]-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/);
      expect(new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10)).toBe(d);
      expect(c.diagnostic.flows.length, c.name).toBeGreaterThanOrEqual(4);
      expect(c.diagnostic.flows.length, c.name).toBeLessThanOrEqual(10);
    }
  });

  it('uses known resource codes, matching categories, hazardous flags and compatible units', () => {
    for (const c of companies) {
      for (const f of c.diagnostic.flows) {
        const where = `${c.name} / ${f.label} (${f.resourceCode})`;
        expect(f.quantity, where).toBeGreaterThan(0);
        expect(f.label.length, where).toBeGreaterThan(0);
        let canonical: string;
        if (f.category === 'waste') {
          const entry = ewcByCode.get(f.resourceCode);
          expect(entry, where).toBeDefined();
          expect(f.hazardous, where).toBe(entry!.hazardous === 'true');
          expect(['waste', 'input']).toContain(f.kind);
          canonical = 't';
        } else {
          const row = catalogueByCode.get(f.resourceCode);
          expect(row, where).toBeDefined();
          expect(row!.category, where).toBe(f.category);
          canonical = row!.canonical_unit!;
          expect(f.kind, where).not.toBe('waste');
        }
        const conv = toCanonicalPerYear(f.quantity, f.unit, f.period, canonical);
        expect(conv.ok, where).toBe(true);
      }
    }
  });

  it('seeds the clusters and substitutions the matching engine should find', () => {
    const flows = companies.flatMap((c) => c.diagnostic.flows.map((f) => ({ c, f })));
    const count = (pred: (f: (typeof flows)[number]['f']) => boolean) =>
      new Set(flows.filter(({ f }) => pred(f)).map(({ c }) => c.siret)).size;
    expect(count((f) => f.resourceCode === 'ENE.ELEC')).toBeGreaterThanOrEqual(50);
    expect(count((f) => f.resourceCode === 'ENE.GAS.NAT')).toBeGreaterThanOrEqual(40);
    expect(count((f) => f.resourceCode === 'SRV.PURCH.ELEC')).toBeGreaterThanOrEqual(10);
    expect(count((f) => f.resourceCode === '150101' && f.kind === 'waste')).toBeGreaterThanOrEqual(
      20,
    );
    expect(count((f) => f.resourceCode === '150102' && f.kind === 'waste')).toBeGreaterThanOrEqual(
      12,
    );
    expect(count((f) => f.resourceCode.startsWith('LOG.PAL.'))).toBeGreaterThanOrEqual(15);
    expect(count((f) => f.resourceCode === '020704')).toBeGreaterThanOrEqual(1);
    expect(count((f) => f.resourceCode === 'MAT.AGRI.FEED.COPROD')).toBeGreaterThanOrEqual(1);
    expect(
      count((f) => f.resourceCode.startsWith('ENE.HEAT.WASTE.') && f.kind === 'output'),
    ).toBeGreaterThanOrEqual(5);
    expect(count((f) => f.resourceCode === 'MAT.POLY.PE.RECY')).toBeGreaterThanOrEqual(1);
    expect(count((f) => f.resourceCode === '120101' && f.kind === 'input')).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('is deterministic (plain data, no Date or random values)', async () => {
    vi.resetModules();
    const again = await import('../../infra/demo/demo-data.ts');
    expect(again.demoTerritory).not.toBe(demoTerritory);
    expect(JSON.stringify(again.demoTerritory)).toBe(JSON.stringify(demoTerritory));
  });
});
