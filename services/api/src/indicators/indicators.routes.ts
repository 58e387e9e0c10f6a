import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problems } from '../../../../shared/schemas/common.ts';
import {
  IndicatorDefinitions,
  IndicatorQuery,
  Indicators,
} from '../../../../shared/schemas/indicators.ts';
import { contextOf } from '../http/transaction.ts';
import { partnerRateLimit } from '../http/rate-limit.ts';
import * as service from './indicators.service.ts';

/** Whether the caller asked for CSV (`?format=csv` wins over `Accept: text/csv`). */
export function wantsCsv(req: FastifyRequest, format: 'json' | 'csv' | undefined): boolean {
  return (
    format === 'csv' || (format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ''))
  );
}

/**
 * Sends a body with a strong ETag (hash of the exact bytes) and answers 304
 * when the caller already holds it. Private: answers depend on the caller.
 */
export function sendCached(
  req: FastifyRequest,
  reply: FastifyReply,
  body: string,
  type: string,
  maxAgeSeconds = 60,
) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  void reply
    .header('etag', etag)
    .header('cache-control', `private, max-age=${maxAgeSeconds}, must-revalidate`)
    .header('vary', 'Authorization, X-Api-Key, Accept');
  const inm = req.headers['if-none-match'];
  if (
    typeof inm === 'string' &&
    inm.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`)
  )
    return reply
      .code(304)
      .serializer(() => '')
      .send('');
  return reply
    .type(type)
    .serializer((payload: unknown) => payload as string)
    .send(body);
}

export const indicatorsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const tags = ['indicators'];

  app.get(
    '/indicators',
    {
      config: { rateLimit: partnerRateLimit(app.config) },
      schema: {
        operationId: 'getIndicators',
        summary:
          'Indicateurs du programme pour un territoire (ou une zone) et une période, en JSON ou CSV ; secret statistique pour les partenaires',
        description:
          'Clé partenaire (Authorization: Bearer sbk_… ou X-Api-Key), chargé de mission du territoire ou administrateur. ' +
          'Période : `period` = AAAA, AAAA-Qn ou AAAA-MM (défaut : année en cours), ou `from`/`to` (AAAA-MM) ; `interval` donne une série par mois, trimestre ou année. ' +
          'CSV avec `?format=csv` ou `Accept: text/csv` (`decimal=comma` : « ; » et virgule décimale). ' +
          'ETag et Cache-Control ; If-None-Match → 304. Limite de débit par clé (429 + Retry-After). ' +
          'Définitions, unités et sources : GET /v1/indicators/definitions.',
        tags,
        querystring: IndicatorQuery,
        response: {
          200: Indicators.describe('JSON ; en CSV : text/csv, une ligne par période et valeur'),
          ...problems(400, 401, 403, 404, 429),
        },
      },
    },
    async (req, reply) => {
      const answer = await service.getIndicators(db, contextOf(req), req.query, {
        syncBuildMs: app.config.INDICATORS_SYNC_BUILD_MS,
        onBuildError: (err) => req.log.error({ err }, 'indicator build failed'),
      });
      if (wantsCsv(req, req.query.format)) {
        void reply.header('content-disposition', 'attachment; filename="indicateurs.csv"');
        return sendCached(
          req,
          reply,
          service.indicatorsCsv(answer, req.query.decimal),
          'text/csv; charset=utf-8',
        );
      }
      // Built to the Indicators schema by the service (typed); not re-validated per request.
      return sendCached(req, reply, JSON.stringify(answer), 'application/json; charset=utf-8');
    },
  );

  app.get(
    '/indicators/definitions',
    {
      config: { rateLimit: partnerRateLimit(app.config) },
      schema: {
        operationId: 'listIndicatorDefinitions',
        summary:
          'Catalogue des indicateurs : définition, unité, source, règles du secret statistique',
        tags,
        response: { 200: IndicatorDefinitions, ...problems(401, 429) },
      },
    },
    async (req, reply) => {
      contextOf(req);
      return sendCached(
        req,
        reply,
        JSON.stringify(service.definitions()),
        'application/json; charset=utf-8',
        3600,
      );
    },
  );
};
