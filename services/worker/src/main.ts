import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from '../../core/src/config.ts';
import { createDatabase } from '../../core/src/db/database.ts';
import { createRedis } from '../../core/src/redis.ts';
import { buildJobRegistry } from './jobs.ts';
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
const registry = buildJobRegistry({ db });
const running = buildWorker(config, { db, redis, registry });
const log = (level: string, msg: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ level, time: Date.now(), msg, ...extra }));
running.worker.on('error', (err) => log('error', 'worker error', { err: err.message }));
running.worker.on('completed', (job) =>
  log('info', 'job completed', { job: job.name, id: job.id }),
);
running.worker.on('failed', (job, err) =>
  log('warn', 'job failed', { job: job?.name, id: job?.id, err: err.message }),
);
await running.worker.waitUntilReady();
log('info', 'worker ready', {
  queue: `${config.QUEUE_PREFIX}:${QUEUE_NAME}`,
  jobs: Object.keys(registry),
});

// SIGTERM: stop taking jobs, let running ones finish, close connections.
closeWithGrace({ delay: 30_000 }, async () => {
  await running.close();
  await db.destroy();
  redis.disconnect();
});
