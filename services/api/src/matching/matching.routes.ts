import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  IdParams,
  PageQuery,
  TerritoryParams,
  page,
  problems,
} from '../../../../shared/schemas/common.ts';
import {
  Insights,
  MatchRun,
  MatchRunCreate,
  Synergy,
  SynergyListQuery,
} from '../../../../shared/schemas/matching.ts';
import { contextOf, idempotentCreate } from '../http/transaction.ts';
import * as service from './matching.service.ts';

export const matchingRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.post(
    '/territories/:territoryId/match-runs',
    {
      schema: {
        operationId: 'createMatchRun',
        summary:
          'Lancer une passe de mise en relation du territoire (asynchrone : 202 et l’identifiant de la passe)',
        tags: ['matching'],
        params: TerritoryParams,
        body: MatchRunCreate,
        response: { 202: MatchRun, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 202, (trx) =>
        service.createRun(trx, contextOf(req), req.params.territoryId, req.body),
      ),
  );

  app.get(
    '/territories/:territoryId/match-runs',
    {
      schema: {
        operationId: 'listMatchRuns',
        summary: 'Passes de mise en relation du territoire, les plus récentes d’abord',
        tags: ['matching'],
        params: TerritoryParams,
        querystring: PageQuery,
        response: { 200: page(MatchRun), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => service.listRuns(db, contextOf(req), req.params.territoryId, req.query),
  );

  app.get(
    '/match-runs/:id',
    {
      schema: {
        operationId: 'getMatchRun',
        summary:
          'État et avancement d’une passe (compteurs, version du moteur et des règles, erreur)',
        tags: ['matching'],
        params: IdParams,
        response: { 200: MatchRun, ...problems(401, 403, 404) },
      },
    },
    async (req) => service.getRun(db, contextOf(req), req.params.id),
  );

  app.get(
    '/territories/:territoryId/synergies',
    {
      schema: {
        operationId: 'listSynergies',
        summary:
          'Pistes de synergie du territoire, par score décroissant, avec explication et gains estimés',
        tags: ['matching'],
        params: TerritoryParams,
        querystring: SynergyListQuery,
        response: { 200: page(Synergy), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => service.listSynergies(db, contextOf(req), req.params.territoryId, req.query),
  );

  app.get(
    '/synergies/:id',
    {
      schema: {
        operationId: 'getSynergy',
        summary: 'Une piste de synergie : participants, score détaillé, gains, explication',
        tags: ['matching'],
        params: IdParams,
        response: { 200: Synergy, ...problems(401, 403, 404) },
      },
    },
    async (req) => service.getSynergy(db, contextOf(req), req.params.id),
  );

  app.get(
    '/territories/:territoryId/insights',
    {
      schema: {
        operationId: 'getMatchingInsights',
        summary:
          'Lecture du graphe : cascades, entreprises pivots, ressources sans débouché (dernière passe complète)',
        tags: ['matching'],
        params: TerritoryParams,
        response: { 200: Insights, ...problems(401, 403, 404) },
      },
    },
    async (req) => service.getInsights(db, contextOf(req), req.params.territoryId),
  );
};
