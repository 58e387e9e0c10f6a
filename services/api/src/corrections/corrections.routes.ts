import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdParams, page, problems } from '../../../../shared/schemas/common.ts';
import {
  Correction,
  CorrectionCreate,
  CorrectionDecision,
  CorrectionListQuery,
  CorrectionRejection,
} from '../../../../shared/schemas/portal.ts';
import { contextOf, idempotentCreate, inTransaction } from '../http/transaction.ts';
import * as service from './corrections.service.ts';

export const correctionsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.post(
    '/diagnostics/:id/corrections',
    {
      schema: {
        operationId: 'createCorrection',
        summary:
          'Proposer des corrections au diagnostic en vigueur (ajout, modification, suppression de flux)',
        description:
          'Réservé aux utilisateurs de l’entreprise. Les flux proposés sont vérifiés comme dans un diagnostic ' +
          '(ressource, unité). Un chargé de mission accepte (nouveau brouillon) ou refuse. En-tête Idempotency-Key accepté.',
        tags: ['portal'],
        params: IdParams,
        body: CorrectionCreate,
        response: { 201: Correction, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 201, (trx) =>
        service.createCorrection(trx, contextOf(req), req.params.id, req.body),
      ),
  );

  app.get(
    '/companies/:id/corrections',
    {
      schema: {
        operationId: 'listCompanyCorrections',
        summary: 'Corrections proposées par l’entreprise, les plus récentes d’abord',
        tags: ['portal'],
        params: IdParams,
        querystring: CorrectionListQuery,
        response: { 200: page(Correction), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => service.listCorrections(db, contextOf(req), req.params.id, req.query),
  );

  app.post(
    '/corrections/:id/accept',
    {
      schema: {
        operationId: 'acceptCorrection',
        summary:
          'Accepter une correction : un nouveau brouillon du diagnostic est créé avec les corrections, à valider',
        tags: ['portal'],
        params: IdParams,
        body: CorrectionDecision,
        response: { 200: Correction, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) =>
        service.acceptCorrection(trx, contextOf(req), req.params.id, req.body),
      ),
  );

  app.post(
    '/corrections/:id/reject',
    {
      schema: {
        operationId: 'rejectCorrection',
        summary: 'Refuser une correction, avec un commentaire pour l’entreprise',
        tags: ['portal'],
        params: IdParams,
        body: CorrectionRejection,
        response: { 200: Correction, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) =>
        service.rejectCorrection(trx, contextOf(req), req.params.id, req.body),
      ),
  );
};
