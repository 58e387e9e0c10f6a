import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from '../../core/src/config.ts';
import { createDatabase } from '../../core/src/db/database.ts';
import { createRedis } from '../../core/src/redis.ts';
import { buildApp } from './app.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}

const db = createDatabase(config.DATABASE_URL, config.DB_POOL_MAX);
const redis = createRedis(config.REDIS_URL);
const app = await buildApp(config, { db, redis });

// SIGTERM/SIGINT: stop accepting, let in-flight requests finish, then close pools.
closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'shutting down after error');
  await app.close();
  await db.destroy();
  redis.disconnect();
});

await app.listen({ host: config.HOST, port: config.PORT });
