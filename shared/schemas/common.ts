import { z } from 'zod';

export const Uuid = z.uuid();
export const IsoDateTime = z.iso.datetime({ offset: true });

export const IdParams = z.object({ id: Uuid });
export const TerritoryParams = z.object({ territoryId: Uuid });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Nombre maximum d’éléments'),
  cursor: z.string().max(500).optional().describe('Curseur opaque renvoyé par la page précédente'),
});

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .describe('À repasser en `cursor` pour la page suivante ; null en fin de liste'),
  });
}

/** Query-string booleans: `true`/`false`/`1`/`0`. */
export const QueryBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string(),
    requestId: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** The problem+json responses a route documents: `...problems(400, 401, 404)`. */
export function problems<const C extends readonly number[]>(
  ...codes: C
): Record<C[number], typeof Problem> {
  return Object.fromEntries(codes.map((c) => [c, Problem])) as Record<C[number], typeof Problem>;
}

// ---------------------------------------------------------------- GeoJSON
// Structure is checked here; topology (self-intersection, ring orientation
// problems) is checked by PostGIS ST_IsValid, which answers 422 with the reason.

const Longitude = z.number().min(-180).max(180);
const Latitude = z.number().min(-90).max(90);
export const Position = z.union([
  z.tuple([Longitude, Latitude]),
  z.tuple([Longitude, Latitude, z.number()]),
]);

const LinearRing = z
  .array(Position)
  .min(4, 'un anneau compte au moins 4 positions')
  .max(100_000)
  .refine((ring) => {
    const a = ring[0];
    const b = ring[ring.length - 1];
    return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
  }, 'un anneau doit être fermé (première position = dernière)');

export const PointGeometry = z
  .object({ type: z.literal('Point'), coordinates: Position })
  .meta({ id: 'PointGeometry', description: 'GeoJSON Point, WGS 84 (longitude, latitude)' });

export const PolygonGeometry = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(LinearRing).min(1).max(1000),
});
export const MultiPolygonGeometry = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(LinearRing).min(1).max(1000)).min(1).max(1000),
});
export const AreaGeometry = z.discriminatedUnion('type', [PolygonGeometry, MultiPolygonGeometry]);
