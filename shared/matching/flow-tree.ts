// A static 2-d tree of the located flows of one side and one resource code.
// Each node keeps the bounding box of its points and the extremes of their
// yearly quantities, so that a node gives both a range query (the exact
// enumerations) and an upper bound of the score of any pair it holds (the
// best-first searches of a flow's top N: see `TopSearch` in top.ts).
import { searchBox } from './geo.ts';

/** Points per leaf: small, so that a leaf's bound is tight. */
const LEAF_SIZE = 8;
const RAD = Math.PI / 180;
/** geokdbush's sphere (km). */
const EARTH_RADIUS_KM = 6371;

const HALF_RAD = RAD / 2;

/** a before b: by coordinate, then by index (a strict order, whatever the ties). */
const before = (coord: Float64Array, a: number, b: number) =>
  coord[a]! < coord[b]! || (coord[a] === coord[b] && a < b);

/**
 * Reorders order[lo..hi] so that order[k] is the element of rank k, every
 * element before it ranking lower and every one after it higher (Hoare's
 * selection, median-of-three pivots): a median split in linear time.
 */
function select(order: Int32Array, lo: number, hi: number, k: number, coord: Float64Array) {
  const swap = (i: number, j: number) => {
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  };
  while (hi > lo) {
    const m = (lo + hi) >> 1;
    if (before(coord, order[m]!, order[lo]!)) swap(m, lo);
    if (before(coord, order[hi]!, order[lo]!)) swap(hi, lo);
    if (before(coord, order[hi]!, order[m]!)) swap(hi, m);
    const pivot = order[m]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (before(coord, order[i]!, pivot)) i++;
      while (before(coord, pivot, order[j]!)) j--;
      if (i <= j) swap(i++, j--);
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

export class FlowTree<T> {
  /** Payloads, coordinates and quantities in tree order. */
  readonly items: T[];
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  /** Yearly quantity, NaN when not declared. */
  readonly qty: Float64Array;
  /** Per node: range of points [start, end), children (−1 for a leaf), box, quantity extremes. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly minLon: Float64Array;
  readonly maxLon: Float64Array;
  readonly minLat: Float64Array;
  readonly maxLat: Float64Array;
  /** Largest declared quantity below the node (0 when none). */
  readonly maxQty: Float64Array;
  /** Largest 1/quantity over the positive declared quantities below the node (0 when none). */
  readonly maxInvQty: Float64Array;
  /** Smallest cosine of the latitudes of the node's box. */
  readonly cosMin: Float64Array;
  /** 1 when a point below the node has no positive declared quantity. */
  readonly unknownQty: Uint8Array;
  /** The canonical unit of every point (null when none has one), or undefined when they differ. */
  readonly unit: string | null | undefined;
  nodeCount = 0;

  constructor(
    items: readonly T[],
    position: (item: T) => { lon: number; lat: number },
    quantity: (item: T) => number | null,
    unit: (item: T) => string | null,
  ) {
    const n = items.length;
    const order = new Int32Array(n);
    const lon0 = new Float64Array(n);
    const lat0 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      order[i] = i;
      const p = position(items[i]!);
      lon0[i] = p.lon;
      lat0[i] = p.lat;
    }
    // At most this many nodes: leaves hold LEAF_SIZE / 2 to LEAF_SIZE points.
    const cap = Math.max(1, 4 * Math.ceil(n / LEAF_SIZE) + 4);
    const ints = () => new Int32Array(cap);
    const reals = () => new Float64Array(cap);
    [this.start, this.end, this.left, this.right] = [ints(), ints(), ints(), ints()];
    [this.minLon, this.maxLon, this.minLat, this.maxLat] = [reals(), reals(), reals(), reals()];
    [this.maxQty, this.maxInvQty, this.cosMin] = [reals(), reals(), reals()];
    this.unknownQty = new Uint8Array(cap);
    // Median splits on the wider side of each box; the point order is final
    // once every range is split, then the arrays are laid out in that order.
    const split = (lo: number, hi: number): number => {
      const node = this.nodeCount++;
      this.start[node] = lo;
      this.end[node] = hi;
      let x0 = Infinity;
      let x1 = -Infinity;
      let y0 = Infinity;
      let y1 = -Infinity;
      for (let k = lo; k < hi; k++) {
        const i = order[k]!;
        x0 = Math.min(x0, lon0[i]!);
        x1 = Math.max(x1, lon0[i]!);
        y0 = Math.min(y0, lat0[i]!);
        y1 = Math.max(y1, lat0[i]!);
      }
      this.minLon[node] = x0;
      this.maxLon[node] = x1;
      this.minLat[node] = y0;
      this.maxLat[node] = y1;
      this.cosMin[node] = Math.max(0, Math.min(Math.cos(y0 * RAD), Math.cos(y1 * RAD)));
      if (hi - lo <= LEAF_SIZE) {
        this.left[node] = -1;
        this.right[node] = -1;
        return node;
      }
      const byLon = (x1 - x0) * Math.cos(((y0 + y1) / 2) * RAD) >= y1 - y0;
      const coord = byLon ? lon0 : lat0;
      const mid = (lo + hi) >> 1;
      select(order, lo, hi - 1, mid, coord);
      this.left[node] = split(lo, mid);
      this.right[node] = split(mid, hi);
      return node;
    };
    if (n > 0) split(0, n);
    this.items = new Array<T>(n);
    this.lon = new Float64Array(n);
    this.lat = new Float64Array(n);
    this.qty = new Float64Array(n);
    let common: string | null | undefined = n > 0 ? unit(items[0]!) : null;
    for (let k = 0; k < n; k++) {
      const i = order[k]!;
      const item = items[i]!;
      this.items[k] = item;
      this.lon[k] = lon0[i]!;
      this.lat[k] = lat0[i]!;
      const q = quantity(item);
      this.qty[k] = q === null ? NaN : q;
      if (common !== undefined && unit(item) !== common) common = undefined;
    }
    this.unit = common;
    // Quantity extremes, children before parents (children have higher numbers).
    for (let node = this.nodeCount - 1; node >= 0; node--) {
      let mq = 0;
      let mi = 0;
      let unknown = 0;
      const l = this.left[node]!;
      if (l < 0) {
        for (let k = this.start[node]!; k < this.end[node]!; k++) {
          const q = this.qty[k]!;
          if (!(q > 0)) {
            unknown = 1;
            continue;
          }
          mq = Math.max(mq, q);
          mi = Math.max(mi, 1 / q);
        }
      } else {
        const r = this.right[node]!;
        mq = Math.max(this.maxQty[l]!, this.maxQty[r]!);
        mi = Math.max(this.maxInvQty[l]!, this.maxInvQty[r]!);
        unknown = this.unknownQty[l]! | this.unknownQty[r]!;
      }
      this.unknownQty[node] = unknown;
      this.maxQty[node] = mq;
      this.maxInvQty[node] = mi;
    }
  }

  get size(): number {
    return this.items.length;
  }

  /**
   * Items within `maxKm` of a point: a superset, in no particular order
   * (callers filter with `distanceKm`), as `itemsAround` of geo.ts.
   */
  around(lon: number, lat: number, maxKm: number, visit: (item: T) => void): void {
    if (this.items.length === 0) return;
    const box = searchBox(lon, lat, maxKm);
    if (box === null) {
      for (const item of this.items) visit(item);
      return;
    }
    const [x0, y0, x1, y1] = box;
    const stack = [0];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (
        this.maxLon[node]! < x0 ||
        this.minLon[node]! > x1 ||
        this.maxLat[node]! < y0 ||
        this.minLat[node]! > y1
      ) {
        continue;
      }
      const l = this.left[node]!;
      if (l >= 0) {
        stack.push(this.right[node]!, l);
        continue;
      }
      for (let k = this.start[node]!; k < this.end[node]!; k++) {
        const x = this.lon[k]!;
        const y = this.lat[k]!;
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) visit(this.items[k]!);
      }
    }
  }

  /**
   * A lower bound of the great-circle distance (km, geokdbush's sphere) from
   * a point to any point of a node: hav(d/R) = hav(Δφ) + cos φ1 cos φ2 hav(Δλ),
   * each term bounded below over the node's box, and d ≥ 2R √hav(d/R)
   * (asin x ≥ x), with a margin for rounding. `cosLat`: cos φ1.
   */
  minDistanceKm(node: number, lon: number, lat: number, cosLat: number): number {
    const y0 = this.minLat[node]!;
    const y1 = this.maxLat[node]!;
    const x0 = this.minLon[node]!;
    const x1 = this.maxLon[node]!;
    const dPhi = lat < y0 ? y0 - lat : lat > y1 ? lat - y1 : 0;
    let dLam = lon < x0 ? x0 - lon : lon > x1 ? lon - x1 : 0;
    if (dPhi === 0 && dLam === 0) return 0;
    if (dLam > 180) dLam = 360 - dLam;
    let h = 0;
    if (dPhi > 0) {
      const s = Math.sin(dPhi * HALF_RAD);
      h = s * s;
    }
    if (dLam > 0) {
      const s = Math.sin(dLam * HALF_RAD);
      h += cosLat * this.cosMin[node]! * s * s;
    }
    return 2 * EARTH_RADIUS_KM * Math.sqrt(Math.min(1, h)) * (1 - 1e-9);
  }
}
