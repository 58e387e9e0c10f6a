import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../../../shared/errors.ts';
import { bearerOf } from '../http/authenticate.ts';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Prometheus exposition (text format 0.0.4); behind METRICS_TOKEN when it is set. */
export const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/metrics', { schema: { hide: true }, config: { public: true } }, async (req, reply) => {
    const expected = app.config.METRICS_TOKEN;
    if (expected) {
      const given = bearerOf(req.headers);
      if (!given || !sameSecret(given, expected)) {
        throw new AppError('unauthenticated', 'Jeton de métriques absent ou incorrect');
      }
    }
    const body = await app.metrics.render();
    return reply.type(app.metrics.registry.contentType).send(body);
  });
};
