import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, TerritoryParams, page, problems } from '../../../../shared/schemas/common.ts';
import {
  Company,
  CompanyCreate,
  CompanyListQuery,
  CompanyUpdate,
} from '../../../../shared/schemas/companies.ts';
import { contextOf, idempotentCreate, inTransaction } from '../http/transaction.ts';
import * as service from './companies.service.ts';

export const companiesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/territories/:territoryId/companies',
    {
      schema: {
        operationId: 'listCompanies',
        summary: 'Entreprises du territoire, filtrées par zone, NAF, nom ou SIRET',
        tags: ['companies'],
        params: TerritoryParams,
        querystring: CompanyListQuery,
        response: { 200: page(Company), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => service.listCompanies(db, contextOf(req), req.params.territoryId, req.query),
  );

  app.post(
    '/territories/:territoryId/companies',
    {
      schema: {
        operationId: 'createCompany',
        summary: 'Enregistrer une entreprise (SIRET contrôlé, NAF rév. 2, position GeoJSON)',
        tags: ['companies'],
        params: TerritoryParams,
        body: CompanyCreate,
        response: {
          201: Company,
          ...problems(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 201, (trx) =>
        service.createCompany(trx, contextOf(req), req.params.territoryId, req.body),
      ),
  );

  app.get(
    '/companies/:id',
    {
      schema: {
        operationId: 'getCompany',
        summary: 'Une entreprise',
        tags: ['companies'],
        params: IdParams,
        response: { 200: Company, ...problems(401, 403, 404) },
      },
    },
    async (req) =>
      service.toCompany(await service.getReadableCompany(db, contextOf(req), req.params.id)),
  );

  app.patch(
    '/companies/:id',
    {
      schema: {
        operationId: 'updateCompany',
        summary: 'Modifier une entreprise (la zone suit la position)',
        tags: ['companies'],
        params: IdParams,
        body: CompanyUpdate,
        response: {
          200: Company,
          ...problems(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (req) =>
      inTransaction(db, (trx) =>
        service.updateCompany(trx, contextOf(req), req.params.id, req.body),
      ),
  );
};
