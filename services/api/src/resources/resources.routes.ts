import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { page, problems } from '../../../../shared/schemas/common.ts';
import {
  Naf,
  NafListQuery,
  Resource,
  ResourceListQuery,
} from '../../../../shared/schemas/resources.ts';
import * as service from './resources.service.ts';

// The catalogue and the nomenclatures are reference data: any authenticated caller may read them.
export const resourcesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/resources',
    {
      schema: {
        operationId: 'searchResources',
        summary:
          'Chercher dans le catalogue : libellé FR/EN, synonymes, préfixe de code (déchets : liste européenne)',
        tags: ['resources'],
        querystring: ResourceListQuery,
        response: { 200: page(Resource), ...problems(400, 401) },
      },
    },
    async (req) => service.searchResources(db, req.query),
  );

  app.get(
    '/resources/:code',
    {
      schema: {
        operationId: 'getResource',
        summary: 'Une ressource du catalogue',
        tags: ['resources'],
        params: z.object({ code: z.string().min(1).max(40) }),
        response: { 200: Resource, ...problems(401, 404) },
      },
    },
    async (req) => service.getResource(db, req.params.code),
  );

  app.get(
    '/naf',
    {
      schema: {
        operationId: 'searchNaf',
        summary: 'Chercher un code NAF rév. 2 par code ou libellé',
        tags: ['resources'],
        querystring: NafListQuery,
        response: { 200: page(Naf), ...problems(400, 401) },
      },
    },
    async (req) => service.searchNaf(db, req.query),
  );
};
