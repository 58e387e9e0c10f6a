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
closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
  if (err) app.log.error({ err }, 'shutting down after error');
  else app.log.info({ signal }, 'shutting down: finishing in-flight requests');
  // Keep-alive connections that become idle once their request is answered are closed
  // too (the server only closes the ones idle at the moment it stops listening).
  const reaper = setInterval(() => app.server.closeIdleConnections(), 100);
  await app.close();
  clearInterval(reaper);
  await db.destroy();
  redis.disconnect();
});

await app.listen({ host: config.HOST, port: config.PORT });
