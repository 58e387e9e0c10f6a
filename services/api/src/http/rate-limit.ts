// Rate limiting of the partner-facing routes (indicators, convention reports),
// with @fastify/rate-limit (registered once, in security.ts), applied by a route that sets
// `config: { rateLimit: partnerRateLimit(app.config) }`, so other routes can
// reuse it. A partner key is counted by its key id (all its callers share one
// budget), anyone else by IP address. The counters live in memory, per process:
// behind N API processes a key gets up to N times the budget; this needs no
// Redis, so a Redis outage never refuses a request.
import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../../core/src/config.ts';

export function rateLimitKey(req: FastifyRequest): string {
  const p = req.principal;
  return p?.kind === 'api_key' ? `api_key:${p.id}` : `ip:${req.ip}`;
}

/** The route-level settings of the partner routes. */
export function partnerRateLimit(config: Config): RateLimitOptions {
  return {
    max: config.PARTNER_RATE_LIMIT_MAX,
    timeWindow: config.PARTNER_RATE_LIMIT_WINDOW_SECONDS * 1000,
    groupId: 'partner',
  };
}
