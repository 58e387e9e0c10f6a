import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, TerritoryParams, problems } from '../../../../shared/schemas/common.ts';
import {
  Convention,
  ConventionInput,
  ConventionReport,
  ConventionSummary,
  ReportQuery,
} from '../../../../shared/schemas/conventions.ts';
import { contextOf, idempotentCreate, inTransaction } from '../http/transaction.ts';
import { partnerRateLimit } from '../http/rate-limit.ts';
import { sendCached } from '../indicators/indicators.routes.ts';
import * as service from './conventions.service.ts';

export const conventionsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const tags = ['conventions'];

  app.get(
    '/territories/:territoryId/conventions',
    {
      schema: {
        operationId: 'listConventions',
        summary: 'Conventions de financement du territoire',
        tags,
        params: TerritoryParams,
        response: {
          200: z.object({ items: z.array(ConventionSummary) }),
          ...problems(401, 403, 404),
        },
      },
    },
    async (req) => service.listConventions(db, contextOf(req), req.params.territoryId),
  );

  app.post(
    '/territories/:territoryId/conventions',
    {
      schema: {
        operationId: 'createConvention',
        summary:
          'Créer une convention : partenaires, période, actions avec objectifs (indicateur calculé ou saisi, cible) et lignes budgétaires par année et financeur',
        tags,
        params: TerritoryParams,
        body: ConventionInput,
        response: { 201: Convention, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 201, (trx) =>
        service.createConvention(trx, contextOf(req), req.params.territoryId, req.body),
      ),
  );

  app.get(
    '/conventions/:id',
    {
      schema: {
        operationId: 'getConvention',
        summary: 'Une convention avec ses actions, objectifs et budget',
        tags,
        params: IdParams,
        response: { 200: Convention, ...problems(401, 403, 404) },
      },
    },
    async (req) => service.getConvention(db, contextOf(req), req.params.id),
  );

  app.put(
    '/conventions/:id',
    {
      schema: {
        operationId: 'replaceConvention',
        summary: 'Remplacer une convention (actions, objectifs, valeurs saisies, budget)',
        tags,
        params: IdParams,
        body: ConventionInput,
        response: { 200: Convention, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) =>
        service.replaceConvention(trx, contextOf(req), req.params.id, req.body),
      ),
  );

  app.delete(
    '/conventions/:id',
    {
      schema: {
        operationId: 'deleteConvention',
        summary: 'Supprimer une convention',
        tags,
        params: IdParams,
        response: { 204: z.null(), ...problems(401, 403, 404) },
      },
    },
    async (req, reply) => {
      await inTransaction(db, (trx) =>
        service.deleteConvention(trx, contextOf(req), req.params.id),
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/conventions/:id/report',
    {
      config: { rateLimit: partnerRateLimit(app.config) },
      schema: {
        operationId: 'getConventionReport',
        summary:
          'Rapport d’avancement (bilan annuel ou point d’étape) : objectifs réalisé / cible, budget prévu et parts des financeurs, indicateurs clés — JSON, CSV ou page HTML imprimable',
        description:
          'Format : `format=json|csv|html` ou en-tête Accept (text/csv, text/html). Réservé aux chargés de mission du territoire et aux administrateurs.',
        tags,
        params: IdParams,
        querystring: ReportQuery,
        response: {
          200: ConventionReport.describe('JSON ; text/csv ou text/html selon le format'),
          ...problems(400, 401, 403, 404, 429),
        },
      },
    },
    async (req, reply) => {
      const r = await service.report(db, contextOf(req), req.params.id, req.query);
      const accept = req.headers.accept ?? '';
      const format =
        req.query.format ??
        (/\btext\/csv\b/.test(accept) ? 'csv' : /\btext\/html\b/.test(accept) ? 'html' : 'json');
      if (format === 'csv') {
        void reply.header(
          'content-disposition',
          `attachment; filename="rapport-convention-${r.convention.id}.csv"`,
        );
        return sendCached(
          req,
          reply,
          service.reportCsv(r, req.query.decimal),
          'text/csv; charset=utf-8',
          0,
        );
      }
      if (format === 'html')
        return sendCached(req, reply, service.reportHtml(r), 'text/html; charset=utf-8', 0);
      return sendCached(
        req,
        reply,
        JSON.stringify(ConventionReport.parse(r)),
        'application/json; charset=utf-8',
        0,
      );
    },
  );
};
