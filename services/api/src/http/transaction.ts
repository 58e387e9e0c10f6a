import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../../shared/errors.ts';
import type { Database, Tx } from '../../../core/src/db/database.ts';
import type { RequestContext } from '../auth/principal.ts';
import { unauthenticated } from '../auth/access.ts';
import * as idem from './idempotency.repo.ts';

export function contextOf(req: FastifyRequest): RequestContext {
  if (!req.principal) throw unauthenticated();
  return { principal: req.principal, requestId: req.id };
}

/** The route owns the transaction: everything a request writes lands together or not at all. */
export function inTransaction<T>(db: Database, work: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,200}$/;

/**
 * Runs a creating request once per Idempotency-Key: the key, the writes and the
 * stored answer commit together; a repeat with the same key and body gets the
 * same status and body back; the same key with another body is refused.
 */
export async function idempotentCreate<T>(
  db: Database,
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  work: (trx: Tx) => Promise<T>,
): Promise<T> {
  const key = req.headers['idempotency-key'];
  if (key === undefined) {
    const result = await inTransaction(db, work);
    void reply.code(status);
    return result;
  }
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new AppError('validation_failed', 'En-tête Idempotency-Key invalide', [
      { path: 'headers.idempotency-key', message: '8 à 200 caractères [A-Za-z0-9_.:-]' },
    ]);
  }
  const { principal } = contextOf(req);
  const owner = `${principal.kind}:${principal.id}`;
  const path = req.url.split('?')[0] ?? req.url;
  const requestHash = createHash('sha256')
    .update(`${req.method} ${path}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');

  return inTransaction(db, async (trx) => {
    const claimed = await idem.claimKey(trx, {
      principal: owner,
      key,
      method: req.method,
      path,
      request_hash: requestHash,
    });
    if (!claimed) {
      const previous = await idem.findKey(trx, owner, key);
      if (!previous || previous.request_hash !== requestHash) {
        throw new AppError(
          'idempotency_key_reused',
          'Cette clé a déjà servi pour une requête différente',
        );
      }
      void reply.code(previous.status_code ?? status).header('idempotent-replayed', 'true');
      return previous.response_body as T;
    }
    const result = await work(trx);
    await idem.storeResponse(trx, owner, key, status, result);
    void reply.code(status);
    return result;
  });
}
