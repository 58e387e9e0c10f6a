import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, TerritoryParams, problems } from '../../../../shared/schemas/common.ts';
import {
  ZoneFeature,
  ZoneFeatureCollection,
  ZoneFeatureInput,
  ZoneFeaturePatch,
} from '../../../../shared/schemas/zones.ts';
import { contextOf, idempotentCreate, inTransaction } from '../http/transaction.ts';
import * as service from './zones.service.ts';

export const zonesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/territories/:territoryId/zones',
    {
      schema: {
        operationId: 'listZones',
        summary: 'Zones d’activités du territoire (GeoJSON FeatureCollection)',
        tags: ['zones'],
        params: TerritoryParams,
        response: { 200: ZoneFeatureCollection, ...problems(401, 404) },
      },
    },
    async (req) => service.listZones(db, contextOf(req), req.params.territoryId),
  );

  app.post(
    '/territories/:territoryId/zones',
    {
      schema: {
        operationId: 'createZone',
        summary: 'Dessiner une zone : Feature GeoJSON (Polygon ou MultiPolygon, WGS 84)',
        description:
          'Une géométrie auto-intersectante ou invalide est refusée (422). Les entreprises situées dans le polygone y sont rattachées.',
        tags: ['zones'],
        params: TerritoryParams,
        body: ZoneFeatureInput,
        response: {
          201: ZoneFeature,
          ...problems(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 201, (trx) =>
        service.createZone(trx, contextOf(req), req.params.territoryId, req.body),
      ),
  );

  app.get(
    '/zones/:id',
    {
      schema: {
        operationId: 'getZone',
        summary: 'Une zone (Feature GeoJSON)',
        tags: ['zones'],
        params: IdParams,
        response: { 200: ZoneFeature, ...problems(401, 404) },
      },
    },
    async (req) => service.getZone(db, contextOf(req), req.params.id),
  );

  app.patch(
    '/zones/:id',
    {
      schema: {
        operationId: 'updateZone',
        summary: 'Renommer ou redessiner une zone',
        tags: ['zones'],
        params: IdParams,
        body: ZoneFeaturePatch,
        response: {
          200: ZoneFeature,
          ...problems(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (req) =>
      inTransaction(db, (trx) => service.updateZone(trx, contextOf(req), req.params.id, req.body)),
  );

  app.delete(
    '/zones/:id',
    {
      schema: {
        operationId: 'deleteZone',
        summary: 'Supprimer une zone (les entreprises restent, sans zone)',
        tags: ['zones'],
        params: IdParams,
        response: { 204: z.null(), ...problems(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await inTransaction(db, (trx) => service.deleteZone(trx, contextOf(req), req.params.id));
      return reply.code(204).send(null);
    },
  );
};
