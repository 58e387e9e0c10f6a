import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { expectedMigrationVersion } from '../../../core/src/db/migrate.ts';
import { appliedMigrationVersion } from './health.repo.ts';

const Check = z.object({ ok: z.boolean(), detail: z.string().optional() });
const Readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ postgres: Check, migrations: Check, redis: Check }),
});

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timeout after ${ms} ms`)), ms).unref(),
    ),
  ]);
}

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        operationId: 'getHealth',
        summary: 'Le processus répond (liveness)',
        tags: ['ops'],
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        operationId: 'getReadiness',
        summary: 'Prêt à servir : PostgreSQL, migrations et Redis (readiness)',
        tags: ['ops'],
        security: [],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_req, reply) => {
      const { db, redis } = app.deps;
      const checks = {
        postgres: { ok: false } as z.infer<typeof Check>,
        migrations: { ok: false } as z.infer<typeof Check>,
        redis: { ok: false } as z.infer<typeof Check>,
      };
      try {
        const applied = await withTimeout(appliedMigrationVersion(db), 2000);
        checks.postgres = { ok: true };
        const expected = await expectedMigrationVersion();
        checks.migrations =
          applied === expected
            ? { ok: true, detail: `version ${applied}` }
            : { ok: false, detail: `version ${applied ?? 'aucune'}, attendue ${expected}` };
      } catch (err) {
        checks.postgres = { ok: false, detail: err instanceof Error ? err.message : 'injoignable' };
      }
      try {
        await withTimeout(redis.ping(), 2000);
        checks.redis = { ok: true };
      } catch (err) {
        checks.redis = { ok: false, detail: err instanceof Error ? err.message : 'injoignable' };
      }
      const ready = checks.postgres.ok && checks.migrations.ok && checks.redis.ok;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    },
  );
};
