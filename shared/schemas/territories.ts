import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.ts';

export const Slug = z
  .string()
  .min(2)
  .max(60)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'minuscules, chiffres et tirets');

export const TerritoryCreate = z.object({
  slug: Slug,
  name: z.string().trim().min(2).max(200),
});
export const TerritoryUpdate = TerritoryCreate.partial();

export const Territory = z
  .object({
    id: Uuid,
    slug: z.string(),
    name: z.string(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  })
  .meta({ id: 'Territory' });
