import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { TerritoryParams, page, problems } from '../../../../shared/schemas/common.ts';
import { FlowListItem, FlowListQuery } from '../../../../shared/schemas/flows.ts';
import { contextOf } from '../http/transaction.ts';
import * as service from './flows.service.ts';

export const flowsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  app.get(
    '/territories/:territoryId/flows',
    {
      schema: {
        operationId: 'listFlows',
        summary:
          'Flux du territoire, filtrés par zone, entreprise, type, catégorie, ressource, dangerosité',
        tags: ['flows'],
        params: TerritoryParams,
        querystring: FlowListQuery,
        response: {
          200: page(FlowListItem),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (req) => service.listFlows(db, contextOf(req), req.params.territoryId, req.query),
  );
};
