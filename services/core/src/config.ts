import { z } from 'zod';

// Configuration is read once at start-up, parsed, frozen and passed down.
const ConfigSchema = z.object({
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/symbiose'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Lifetime of a login token, in hours. */
  TOKEN_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  /** Prefix of BullMQ queue names, so that tests and territories never share a queue. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('symbiose'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Imports with more rows than this are committed by the worker (202), smaller ones at once. */
  IMPORT_SYNC_MAX_ROWS: z.coerce.number().int().min(0).default(2000),
  /** Requests per window on the partner routes (indicators, reports), per key or IP. */
  PARTNER_RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(1_000_000).default(120),
  PARTNER_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** A territory whose last indicator build took longer is rebuilt in the background. */
  INDICATORS_SYNC_BUILD_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  /** Browser origins allowed to call the API (comma-separated, e.g. https://eit.example.fr); empty: none. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
    )
    .pipe(z.array(z.url())),
  /** Largest accepted request body, in bytes. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  /** Deepest accepted JSON nesting (objects and arrays). */
  JSON_MAX_DEPTH: z.coerce.number().int().min(4).max(1000).default(32),
  /** Failed logins on one account before it is locked. */
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /** How long a locked account stays locked, in minutes. */
  LOGIN_LOCK_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
  /** Login attempts per client IP address and minute (all accounts together). */
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  /** When set, GET /metrics requires "Authorization: Bearer <METRICS_TOKEN>". */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Port of the worker's /metrics endpoint (0: none). */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}
