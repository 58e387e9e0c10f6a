import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiKey,
  ApiKeyCreate,
  ApiKeyCreated,
  PasswordChange,
  PersonalData,
  User,
  UserCreate,
} from '../../../../shared/schemas/auth.ts';
import { IdParams, PageQuery, page, problems } from '../../../../shared/schemas/common.ts';
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
          ...problems(400, 401, 403, 404, 409, 422),
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
        response: { 200: page(User), ...problems(401, 403) },
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
        response: { 201: ApiKeyCreated, ...problems(400, 401, 403, 422) },
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
        response: { 200: z.object({ items: z.array(ApiKey) }), ...problems(401, 403) },
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
        response: { 200: ApiKey, ...problems(401, 403, 404) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) => service.revokeApiKey(trx, contextOf(req), req.params.id)),
  );

  app.post(
    '/me/password',
    {
      config: { rateLimit: { max: app.config.LOGIN_RATE_PER_MINUTE, timeWindow: 60_000 } },
      schema: {
        operationId: 'changePassword',
        summary: 'Changer son mot de passe (tous les jetons du compte sont révoqués)',
        tags: ['auth'],
        body: PasswordChange,
        response: { 204: z.null(), ...problems(400, 401, 403, 422, 429) },
      },
    },
    async (req, reply) => {
      await inTransaction(db, (trx) => service.changePassword(trx, contextOf(req), req.body));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/users/:id/personal-data',
    {
      schema: {
        operationId: 'exportPersonalData',
        summary:
          'Données personnelles d’un compte (RGPD, droit d’accès) : l’intéressé ou un administrateur',
        tags: ['auth'],
        params: IdParams,
        response: { 200: PersonalData, ...problems(401, 403, 404) },
      },
    },
    async (req) => service.exportPersonalData(db, contextOf(req), req.params.id),
  );

  app.post(
    '/users/:id/erase',
    {
      schema: {
        operationId: 'eraseUser',
        summary:
          'Effacer les données personnelles d’un compte (RGPD, droit à l’effacement) : administrateur ; le journal et les agrégats restent, anonymisés',
        tags: ['auth'],
        params: IdParams,
        response: { 200: User, ...problems(401, 403, 404, 409) },
      },
    },
    async (req) =>
      inTransaction(db, (trx) => service.eraseUser(trx, contextOf(req), req.params.id)),
  );
};
