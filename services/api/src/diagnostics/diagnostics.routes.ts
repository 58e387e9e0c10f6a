import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, Problem } from '../../../../shared/schemas/common.ts';
import {
  Diagnostic,
  DiagnosticSummary,
  DiagnosticWrite,
} from '../../../../shared/schemas/diagnostics.ts';
import { contextOf, idempotentCreate, inTransaction } from '../http/transaction.ts';
import * as service from './diagnostics.service.ts';

const IfMatchHeaders = z.object({
  'if-match': z
    .string()
    .max(200)
    .optional()
    .describe('ETag lu (GET) : protège des modifications concurrentes'),
});

export const diagnosticsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.get(
    '/companies/:id/diagnostics',
    {
      schema: {
        operationId: 'listCompanyDiagnostics',
        summary: 'Historique des diagnostics d’une entreprise (versions, plus récente d’abord)',
        tags: ['diagnostics'],
        params: IdParams,
        response: {
          200: z.object({ items: z.array(DiagnosticSummary) }),
          401: Problem,
          403: Problem,
          404: Problem,
        },
      },
    },
    async (req) => service.listDiagnostics(db, contextOf(req), req.params.id),
  );

  app.post(
    '/companies/:id/diagnostics',
    {
      schema: {
        operationId: 'createDiagnostic',
        summary: 'Saisir un diagnostic de flux (brouillon) avec ses flux, en une requête',
        description:
          'Chaque flux est vérifié : code de ressource (catalogue ou code déchet à 6 chiffres), unité compatible avec l’unité ' +
          'canonique de la ressource, période. La quantité annuelle normalisée est calculée. En-tête Idempotency-Key accepté.',
        tags: ['diagnostics'],
        params: IdParams,
        body: DiagnosticWrite,
        response: {
          201: Diagnostic,
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
          422: Problem,
        },
      },
    },
    async (req, reply) => {
      const d = await idempotentCreate(db, req, reply, 201, (trx) =>
        service.createDiagnostic(trx, contextOf(req), req.params.id, req.body),
      );
      void reply
        .header('etag', service.etagOf(d.revision))
        .header('location', `/v1/diagnostics/${d.id}`);
      return d;
    },
  );

  app.get(
    '/diagnostics/:id',
    {
      schema: {
        operationId: 'getDiagnostic',
        summary: 'Un diagnostic et ses flux (ETag pour If-Match)',
        tags: ['diagnostics'],
        params: IdParams,
        response: { 200: Diagnostic, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (req, reply) => {
      const d = await service.getDiagnostic(db, contextOf(req), req.params.id);
      void reply
        .header('etag', service.etagOf(d.revision))
        .header('cache-control', 'private, no-cache');
      return d;
    },
  );

  app.put(
    '/diagnostics/:id',
    {
      schema: {
        operationId: 'updateDiagnostic',
        summary: 'Remplacer un brouillon (date, notes, flux) ; If-Match obligatoire',
        tags: ['diagnostics'],
        params: IdParams,
        headers: IfMatchHeaders,
        body: DiagnosticWrite,
        response: {
          200: Diagnostic,
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
          409: Problem,
          412: Problem,
          422: Problem,
          428: Problem,
        },
      },
    },
    async (req, reply) => {
      const d = await inTransaction(db, (trx) =>
        service.updateDiagnostic(
          trx,
          contextOf(req),
          req.params.id,
          req.headers['if-match'],
          req.body,
        ),
      );
      void reply.header('etag', service.etagOf(d.revision));
      return d;
    },
  );

  app.post(
    '/diagnostics/:id/validate',
    {
      schema: {
        operationId: 'validateDiagnostic',
        summary:
          'Valider un brouillon : il remplace la version validée précédente (conservée dans l’historique)',
        tags: ['diagnostics'],
        params: IdParams,
        headers: IfMatchHeaders,
        response: {
          200: Diagnostic,
          401: Problem,
          403: Problem,
          404: Problem,
          409: Problem,
          412: Problem,
        },
      },
    },
    async (req, reply) => {
      const d = await inTransaction(db, (trx) =>
        service.validateDiagnostic(trx, contextOf(req), req.params.id, req.headers['if-match']),
      );
      void reply.header('etag', service.etagOf(d.revision));
      return d;
    },
  );

  app.delete(
    '/diagnostics/:id',
    {
      schema: {
        operationId: 'deleteDiagnostic',
        summary: 'Supprimer un brouillon',
        tags: ['diagnostics'],
        params: IdParams,
        response: { 204: z.null(), 401: Problem, 403: Problem, 404: Problem, 409: Problem },
      },
    },
    async (req, reply) => {
      await inTransaction(db, (trx) => service.deleteDraft(trx, contextOf(req), req.params.id));
      return reply.code(204).send(null);
    },
  );
};
