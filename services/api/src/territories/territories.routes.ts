import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, PageQuery, page, problems } from '../../../../shared/schemas/common.ts';
import {
  Territory,
  TerritoryCreate,
  TerritoryUpdate,
} from '../../../../shared/schemas/territories.ts';
import { contextOf, idempotentCreate, inTransaction } from '../http/transaction.ts';
import * as service from './territories.service.ts';

export const territoriesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/territories',
    {
      schema: {
        operationId: 'listTerritories',
        summary: 'Territoires visibles par le demandeur',
        tags: ['territories'],
        querystring: PageQuery,
        response: { 200: page(Territory), ...problems(400, 401) },
      },
    },
    async (req) => service.listTerritories(db, contextOf(req), req.query),
  );

  app.post(
    '/territories',
    {
      schema: {
        operationId: 'createTerritory',
        summary: 'Créer un territoire (administrateur)',
        tags: ['territories'],
        body: TerritoryCreate,
        response: { 201: Territory, ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 201, (trx) =>
        service.createTerritory(trx, contextOf(req), req.body),
      ),
  );

  app.get(
    '/territories/:id',
    {
      schema: {
        operationId: 'getTerritory',
        summary: 'Un territoire',
        tags: ['territories'],
        params: IdParams,
        response: { 200: Territory, ...problems(401, 404) },
      },
    },
    async (req) =>
      service.toTerritory(await service.getVisibleTerritory(db, contextOf(req), req.params.id)),
  );

  app.patch(
    '/territories/:id',
    {
      schema: {
        operationId: 'updateTerritory',
        summary: 'Renommer un territoire (administrateur)',
        tags: ['territories'],
        params: IdParams,
        body: TerritoryUpdate,
        response: {
          200: Territory,
          ...problems(400, 401, 403, 404, 409),
        },
      },
    },
    async (req) =>
      inTransaction(db, (trx) =>
        service.updateTerritory(trx, contextOf(req), req.params.id, req.body),
      ),
  );
};
