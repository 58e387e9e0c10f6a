import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig } from '../../core/src/config.ts';
import { createDatabase } from '../../core/src/db/database.ts';
import { createLogger } from '../../core/src/logger.ts';
import { createRedis } from '../../core/src/redis.ts';
import { buildJobRegistry } from './jobs.ts';
import { startMetricsServer } from './metrics-server.ts';
import { buildWorker, QUEUE_NAME } from './worker.ts';

let config;
try {
  config = loadConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
}

const logger = createLogger(config, 'worker');
const db = createDatabase(config.DATABASE_URL, config.DB_POOL_MAX);
const redis = createRedis(config.REDIS_URL);
const registry = buildJobRegistry({ db });
const running = buildWorker(config, { db, redis, registry, logger });
const metricsServer =
  config.WORKER_METRICS_PORT > 0
    ? await startMetricsServer(running.metrics, config.HOST, config.WORKER_METRICS_PORT).catch(
        (err: unknown) => {
          // A busy port must not stop the worker: it only loses its /metrics.
          logger.error({ err: { message: String(err) } }, 'metrics server not started');
          return null;
        },
      )
    : null;
await running.worker.waitUntilReady();
logger.info(
  {
    queue: `${config.QUEUE_PREFIX}:${QUEUE_NAME}`,
    jobs: Object.keys(registry),
    metricsPort: metricsServer ? config.WORKER_METRICS_PORT : null,
  },
  'worker ready',
);

// SIGTERM: stop taking jobs, let running ones finish, close connections.
closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after error');
  else logger.info({ signal }, 'shutting down: finishing running jobs');
  await running.close();
  metricsServer?.close();
  await db.destroy();
  redis.disconnect();
  logger.info('worker stopped');
});
