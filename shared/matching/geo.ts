// Distances and the spatial index (kdbush + geokdbush). Every distance of the
// engine goes through `distanceKm(from, to)` with the same argument order
// (supply then demand; lower company id then higher), so that the indexed and
// the naive implementations compute bit-identical figures.
import KDBush from 'kdbush';
import { around, distance } from 'geokdbush';

export interface Located {
  lon: number | null;
  lat: number | null;
}

export function hasLocation(p: Located): p is { lon: number; lat: number } {
  return p.lon !== null && p.lat !== null && Number.isFinite(p.lon) && Number.isFinite(p.lat);
}

/** Great-circle (haversine) distance in km. */
export function distanceKm(from: { lon: number; lat: number }, to: { lon: number; lat: number }) {
  return distance(from.lon, from.lat, to.lon, to.lat);
}

/** A static index of points; `items[i]` is the payload of point i. */
export interface PointIndex<T> {
  index: KDBush;
  items: T[];
}

export function buildPointIndex<T>(
  items: T[],
  position: (item: T) => { lon: number; lat: number },
): PointIndex<T> {
  const index = new KDBush(items.length);
  for (const item of items) {
    const p = position(item);
    index.add(p.lon, p.lat);
  }
  index.finish();
  return { index, items };
}

/**
 * Items within `maxKm` of a point (a superset: the bound is widened by a hair
 * so that float rounding in geokdbush never loses a point the exact
 * `distanceKm` check accepts; callers filter with `distanceKm`).
 */
export function itemsAround<T>(idx: PointIndex<T>, lon: number, lat: number, maxKm: number): T[] {
  if (idx.items.length === 0) return [];
  const ids = around(idx.index, lon, lat, Infinity, maxKm * (1 + 1e-9) + 1e-6);
  const out: T[] = [];
  for (const id of ids) {
    const item = idx.items[id];
    if (item !== undefined) out.push(item);
  }
  return out;
}
