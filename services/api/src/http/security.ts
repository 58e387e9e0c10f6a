import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { rateLimitKey } from './rate-limit.ts';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../../shared/errors.ts';
import type { Config } from '../../../core/src/config.ts';

/**
 * Deepest nesting of objects and arrays in a JSON text, counted without parsing it
 * (so that a hostile 100 000-level document never reaches JSON.parse's recursion).
 * Stops counting as soon as `limit` is exceeded.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return false;
}

/**
 * HTTP hardening: security headers, CORS from configuration, JSON depth limit
 * (the body size limit is Fastify's bodyLimit), and a rate limiter that routes opt
 * into with `config: { rateLimit: { max, timeWindow } }` (global: false).
 */
export async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(fastifyHelmet, {
    // The API answers JSON; the only HTML is the Swagger UI under /docs, which needs
    // its own scripts and styles (served from 'self', see staticCSP there).
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", 'https:', "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
  await app.register(fastifyCors, {
    origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'idempotency-key',
      'if-match',
      'x-request-id',
    ],
    exposedHeaders: ['x-request-id', 'etag', 'location', 'retry-after'],
    credentials: false,
    maxAge: 600,
  });
  await app.register(fastifyRateLimit, {
    global: false,
    // After authentication (onRequest), so that a partner key is counted by its id
    // (all its callers share one budget); anyone else by IP address. In-process
    // counters: the per-account login lockout (login_throttle) is the part shared by
    // every API instance; this one slows down one client hammering one instance.
    hook: 'preHandler',
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_req, ctx) =>
      new AppError(
        'rate_limited',
        `Trop de requêtes : limite de ${ctx.max} atteinte, réessayez dans ${Math.ceil(ctx.ttl / 1000)} s (en-tête Retry-After)`,
      ),
  });

  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: config.BODY_LIMIT_BYTES },
    (req, body, done) => {
      if (jsonDepthExceeds(body as string, config.JSON_MAX_DEPTH)) {
        done(
          new AppError(
            'validation_failed',
            `Document JSON trop imbriqué (profondeur maximale ${config.JSON_MAX_DEPTH})`,
          ),
          undefined,
        );
        return;
      }
      void parseJson(req, body as string, done);
    },
  );
}
