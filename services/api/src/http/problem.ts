import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  AppError,
  ERROR_CODES,
  type ErrorCode,
  type FieldError,
} from '../../../../shared/errors.ts';

export const PROBLEM_TYPE_BASE = 'https://symbiose.fr/problems/';

function send(
  req: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  detail?: string,
  errors?: FieldError[],
) {
  const { status, title } = ERROR_CODES[code];
  return reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `${PROBLEM_TYPE_BASE}${code}`,
      title,
      status,
      detail: detail ?? title,
      instance: req.url,
      code,
      requestId: req.id,
      ...(errors && errors.length > 0 ? { errors } : {}),
    });
}

// PostgreSQL error classes that mean "the database is not there right now".
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08003',
  '08006',
  '08001',
]);
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);

function pgCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** One error path: typed domain errors, schema errors, framework errors, database errors → problem+json. */
export function registerProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) return send(req, reply, err.code, err.message, err.errors);

    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = err.validation.map((v) => {
        const where = (v.instancePath || '').replace(/^\//, '').replaceAll('/', '.');
        const ctx = err.validationContext ?? 'body';
        return { path: where ? `${ctx}.${where}` : ctx, message: v.message ?? 'invalide' };
      });
      return send(req, reply, 'validation_failed', 'La requête ne respecte pas le schéma', errors);
    }

    const code = pgCode(err);
    if (code === '23505') return send(req, reply, 'conflict', 'Cet enregistrement existe déjà');
    if (code === '23503')
      return send(req, reply, 'unprocessable', 'Référence vers un enregistrement inexistant');
    if (code === '23514' || code === '22P02' || code === '22003')
      return send(req, reply, 'unprocessable', 'Valeur refusée par la base de données');
    if (code === '40001' || code === '40P01')
      return send(req, reply, 'conflict', 'Modification concurrente ; réessayez');
    if (
      code &&
      (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_ERRNOS.has(code) || code.startsWith('08'))
    ) {
      req.log.warn({ err: { message: err.message, code } }, 'database unavailable');
      void reply.header('retry-after', '5');
      return send(req, reply, 'unavailable', 'Base de données momentanément indisponible');
    }
    if (/Connection terminated|timeout exceeded when trying to connect/i.test(err.message)) {
      void reply.header('retry-after', '5');
      return send(req, reply, 'unavailable', 'Base de données momentanément indisponible');
    }

    // Fastify's own 4xx: malformed JSON, unsupported media type, body too large…
    const status = err.statusCode ?? 500;
    if (status === 413) return send(req, reply, 'payload_too_large');
    if (status >= 400 && status < 500) {
      const fastifyCode =
        err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'Type de contenu non pris en charge'
          : undefined;
      return reply
        .code(status)
        .type('application/problem+json')
        .send({
          type: `${PROBLEM_TYPE_BASE}validation_failed`,
          title: ERROR_CODES.validation_failed.title,
          status,
          detail:
            fastifyCode ??
            (status === 400 ? 'Corps de requête illisible (JSON invalide ?)' : err.message),
          instance: req.url,
          code: 'validation_failed',
          requestId: req.id,
        });
    }

    // 5xx: log everything, leak nothing (no stack, no SQL).
    req.log.error({ err }, 'unhandled error');
    return send(req, reply, 'internal', 'Une erreur interne est survenue ; elle a été journalisée');
  });

  app.setNotFoundHandler((req, reply) =>
    send(req, reply, 'not_found', `Aucune route ${req.method} ${req.url.split('?')[0]}`),
  );
}

/**
 * Errors raised by the router before any hook runs (a path parameter over 100 characters,
 * a malformed URL…): the same problem+json as everything else.
 */
export function frameworkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const status =
    err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  const detail =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'Paramètre de chemin trop long'
      : err.code === 'FST_ERR_BAD_URL'
        ? 'Adresse de requête invalide'
        : 'Requête invalide';
  void reply
    .code(status)
    .type('application/problem+json')
    .send({
      type: `${PROBLEM_TYPE_BASE}validation_failed`,
      title: ERROR_CODES.validation_failed.title,
      status,
      detail,
      instance: req.url.slice(0, 200),
      code: 'validation_failed',
      requestId: req.id,
    });
}
