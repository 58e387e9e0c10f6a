import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, problems } from '../../../../shared/schemas/common.ts';
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
          ...problems(401, 403, 404),
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
          ...problems(400, 401, 403, 404, 422),
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
        response: { 200: Diagnostic, ...problems(401, 403, 404) },
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
          ...problems(400, 401, 403, 404, 409, 412, 422, 428),
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
          ...problems(401, 403, 404, 409, 412),
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
        response: { 204: z.null(), ...problems(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      await inTransaction(db, (trx) => service.deleteDraft(trx, contextOf(req), req.params.id));
      return reply.code(204).send(null);
    },
  );
};
