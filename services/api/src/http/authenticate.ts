import type { FastifyInstance } from 'fastify';
import type { Database } from '../../../core/src/db/database.ts';
import { unauthenticated } from '../auth/access.ts';
import { authenticate } from '../auth/auth.service.ts';
import type { Principal } from '../auth/principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Route reachable without a token (health, login, docs). */
    public?: boolean;
  }
}

/** Reads "Authorization: Bearer <token or API key>" or "X-Api-Key: <key>". */
export function bearerOf(
  headers: Record<string, string | string[] | undefined>,
): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined;
}

export function registerAuthentication(app: FastifyInstance, db: Database): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    // Only the versioned API is protected; /health, /ready, /docs and /openapi.json are public.
    if (!req.url.startsWith('/v1/') || req.routeOptions.config.public || req.is404) return;
    const secret = bearerOf(req.headers);
    if (!secret || secret.length > 200)
      throw unauthenticated('Jeton absent : en-tête Authorization: Bearer …');
    const principal = await authenticate(db, secret);
    if (!principal) throw unauthenticated();
    req.principal = principal;
  });
}
