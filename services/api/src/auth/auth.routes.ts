import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LoginBody, LoginResult, Me } from '../../../../shared/schemas/auth.ts';
import { problems } from '../../../../shared/schemas/common.ts';
import { bearerOf } from '../http/authenticate.ts';
import { contextOf } from '../http/transaction.ts';
import { login, LoginLocked, logout, toMe } from './auth.service.ts';

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/auth/login',
    {
      config: {
        public: true,
        rateLimit: { max: app.config.LOGIN_RATE_PER_MINUTE, timeWindow: 60_000 },
      },
      schema: {
        operationId: 'login',
        summary: 'Se connecter : renvoie un jeton porteur',
        tags: ['auth'],
        security: [],
        body: LoginBody,
        response: { 200: LoginResult, ...problems(400, 401, 429) },
      },
    },
    async (req, reply) => {
      let r;
      try {
        r = await login(
          app.deps.db,
          req.body,
          {
            ttlHours: app.config.TOKEN_TTL_HOURS,
            maxAttempts: app.config.LOGIN_MAX_ATTEMPTS,
            lockMinutes: app.config.LOGIN_LOCK_MINUTES,
          },
          req.id,
        );
      } catch (err) {
        if (err instanceof LoginLocked)
          void reply.header('retry-after', String(err.retryAfterSeconds));
        throw err;
      }
      return { token: r.token, expiresAt: r.expiresAt.toISOString(), me: toMe(r.principal) };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: {
        operationId: 'logout',
        summary: 'Se déconnecter : révoque le jeton utilisé',
        tags: ['auth'],
        response: { 204: z.null(), ...problems(401) },
      },
    },
    async (req, reply) => {
      const secret = bearerOf(req.headers);
      if (secret && !secret.startsWith('sbk_')) await logout(app.deps.db, secret);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      schema: {
        operationId: 'getMe',
        summary: 'Qui suis-je : rôle, territoires, entreprise',
        tags: ['auth'],
        response: { 200: Me, ...problems(401) },
      },
    },
    async (req) => toMe(contextOf(req).principal),
  );
};
