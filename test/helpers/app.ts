import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp, type AppOptions } from '../../services/api/src/app.ts';
import { loadConfig, type Config } from '../../services/core/src/config.ts';
import { createRedis } from '../../services/core/src/redis.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export interface TestContext {
  app: FastifyInstance;
  database: TestDatabase;
  redis: Redis;
  config: Config;
  close: () => Promise<void>;
}

/** A real app on a fresh database and the machine's Redis, with a unique queue prefix. */
export async function startTestApp(
  env: Record<string, string> = {},
  opts: AppOptions = {},
): Promise<TestContext> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    LOG_LEVEL: 'silent',
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    ...env,
  });
  const redis = createRedis(config.REDIS_URL);
  const app = await buildApp(config, { db: database.db, redis }, opts);
  await app.ready();
  return {
    app,
    database,
    redis,
    config,
    close: async () => {
      await app.close();
      // Leave the machine's shared Redis as we found it: drop this app's queue keys
      // (skipped when the test pointed the app at an unreachable Redis).
      if (redis.status === 'ready') {
        const keys: string[] = [];
        for await (const batch of redis.scanStream({
          match: `${config.QUEUE_PREFIX}:*`,
          count: 500,
        })) {
          keys.push(...(batch as string[]));
        }
        if (keys.length > 0) await redis.del(...keys);
      }
      redis.disconnect();
      await database.drop();
    },
  };
}

export type Json = Record<string, any>;

/** app.inject with a bearer token and a parsed JSON body. */
export async function call(
  app: FastifyInstance,
  token: string | null,
  opts: InjectOptions & { method: InjectOptions['method'] },
): Promise<LightMyRequestResponse & { body_: Json }> {
  const res = await app.inject({
    ...opts,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.headers ?? {}) },
  });
  let parsed: Json = {};
  try {
    parsed = res.body ? (JSON.parse(res.body) as Json) : {};
  } catch {
    parsed = {};
  }
  return Object.assign(res, { body_: parsed });
}
