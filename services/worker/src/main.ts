import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from '../../core/src/config.ts';
import { createDatabase } from '../../core/src/db/database.ts';
import { createRedis } from '../../core/src/redis.ts';
import { jobRegistry } from './jobs.ts';
import { buildWorker, QUEUE_NAME } from './worker.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}

const db = createDatabase(config.DATABASE_URL, config.DB_POOL_MAX);
const redis = createRedis(config.REDIS_URL);
const worker = buildWorker(config, { db, redis, registry: jobRegistry });
worker.on('error', (err) =>
  console.error(JSON.stringify({ level: 'error', msg: 'worker error', err: err.message })),
);
await worker.waitUntilReady();
console.log(
  JSON.stringify({
    level: 'info',
    msg: 'worker ready',
    queue: `${config.QUEUE_PREFIX}:${QUEUE_NAME}`,
    jobs: Object.keys(jobRegistry),
  }),
);

// SIGTERM: stop taking jobs, let running ones finish, close connections.
closeWithGrace({ delay: 30_000 }, async () => {
  await worker.close();
  await db.destroy();
  redis.disconnect();
});
