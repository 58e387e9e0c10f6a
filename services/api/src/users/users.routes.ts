import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiKey,
  ApiKeyCreate,
  ApiKeyCreated,
  User,
  UserCreate,
} from '../../../../shared/schemas/auth.ts';
import { IdParams, PageQuery, Problem, page } from '../../../../shared/schemas/common.ts';
import { contextOf, idempotentCreate, inTransaction } from '../http/transaction.ts';
import * as service from './users.service.ts';

export const usersRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;

  app.post(
    '/users',
    {
      schema: {
        operationId: 'createUser',
        summary:
          'Créer un compte (administrateur : tout rôle ; chargé de mission : comptes entreprise)',
        tags: ['auth'],
        body: UserCreate,
        response: {
          201: User,
          400: Problem,
          401: Problem,
          403: Problem,
          404: Problem,
          409: Problem,
          422: Problem,
        },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 201, (trx) =>
        service.createUser(trx, contextOf(req), req.body),
      ),
  );

  app.get(
    '/users',
    {
      schema: {
        operationId: 'listUsers',
        summary: 'Comptes des territoires du demandeur',
        tags: ['auth'],
        querystring: PageQuery,
        response: { 200: page(User), 401: Problem, 403: Problem },
      },
    },
    async (req) => service.listUsers(db, contextOf(req), req.query),
  );

  app.post(
    '/api-keys',
    {
      schema: {
        operationId: 'createApiKey',
        summary:
          'Créer une clé partenaire (lecture des indicateurs) ; la clé n’est montrée qu’une fois',
        tags: ['auth'],
        body: ApiKeyCreate,
        response: { 201: ApiKeyCreated, 400: Problem, 401: Problem, 403: Problem, 422: Problem },
      },
    },
    async (req, reply) =>
      idempotentCreate(db, req, reply, 201, (trx) =>
        service.createApiKey(trx, contextOf(req), req.body),
      ),
  );

  app.get(
    '/api-keys',
    {
      schema: {
        operationId: 'listApiKeys',
        summary: 'Clés partenaires (sans leur secret)',
        tags: ['auth'],
        response: { 200: z.object({ items: z.array(ApiKey) }), 401: Problem, 403: Problem },
      },
    },
    async (req) => ({ items: await service.listApiKeys(db, contextOf(req)) }),
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        operationId: 'revokeApiKey',
        summary: 'Révoquer une clé partenaire',
        tags: ['auth'],
        params: IdParams,
        response: { 200: ApiKey, 401: Problem, 403: Problem, 404: Problem },
      },
    },
    async (req) =>
      inTransaction(db, (trx) => service.revokeApiKey(trx, contextOf(req), req.params.id)),
  );
};
