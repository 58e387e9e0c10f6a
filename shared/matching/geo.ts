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

/** Kilometres per degree of latitude on geokdbush's sphere (R = 6371 km). */
export const KM_PER_DEG = (6371 * Math.PI) / 180;

/**
 * The longitude–latitude box [minLon, minLat, maxLon, maxLat] that holds
 * every point of the great-circle disc of `maxKm` around a point (the disc's
 * widest longitude span is at its pole-ward edge), or null near a pole or the
 * antimeridian, where no such box is simple.
 */
export function searchBox(
  lon: number,
  lat: number,
  maxKm: number,
): [number, number, number, number] | null {
  const km = maxKm * (1 + 1e-6) + 1e-6;
  const dLat = km / KM_PER_DEG;
  const edgeLat = Math.abs(lat) + dLat;
  const dLon = edgeLat < 85 ? (km / (KM_PER_DEG * Math.cos((edgeLat * Math.PI) / 180))) * 1.001 : 0;
  if (!(dLon > 0 && lon - dLon > -180 && lon + dLon < 180)) return null;
  return [lon - dLon, lat - dLat * 1.001, lon + dLon, lat + dLat * 1.001];
}

/**
 * Items within `maxKm` of a point (a superset, in no particular order:
 * callers filter with `distanceKm`). A bounding-box query on the kd-tree
 * (`searchBox`); near a pole or the antimeridian it falls back to
 * geokdbush's exact (slower, sorted) search.
 */
export function itemsAround<T>(idx: PointIndex<T>, lon: number, lat: number, maxKm: number): T[] {
  if (idx.items.length === 0) return [];
  const box = searchBox(lon, lat, maxKm);
  const ids = box
    ? idx.index.range(box[0], box[1], box[2], box[3])
    : around(idx.index, lon, lat, Infinity, maxKm * (1 + 1e-6) + 1e-6);
  const out: T[] = [];
  for (const id of ids) {
    const item = idx.items[id];
    if (item !== undefined) out.push(item);
  }
  return out;
}
