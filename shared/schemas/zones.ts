import { z } from 'zod';
import { AreaGeometry, IsoDateTime, MultiPolygonGeometry, Uuid } from './common.ts';

export const ZoneName = z.string().trim().min(1).max(200);

/** A zone is written as a GeoJSON Feature with a Polygon or MultiPolygon. */
export const ZoneFeatureInput = z.object({
  type: z.literal('Feature'),
  properties: z.object({ name: ZoneName }),
  geometry: AreaGeometry,
});
export const ZoneFeaturePatch = z.object({
  type: z.literal('Feature'),
  properties: z.object({ name: ZoneName }).partial().optional(),
  geometry: AreaGeometry.optional(),
});

export const ZoneFeature = z
  .object({
    type: z.literal('Feature'),
    id: Uuid,
    properties: z.object({
      name: z.string(),
      territoryId: Uuid,
      companyCount: z.number().int(),
      areaKm2: z.number(),
      createdAt: IsoDateTime,
      updatedAt: IsoDateTime,
    }),
    geometry: MultiPolygonGeometry,
  })
  .meta({ id: 'ZoneFeature' });

export const ZoneFeatureCollection = z
  .object({ type: z.literal('FeatureCollection'), features: z.array(ZoneFeature) })
  .meta({ id: 'ZoneFeatureCollection' });
