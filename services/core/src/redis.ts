import { Redis } from 'ioredis';

/** BullMQ needs maxRetriesPerRequest: null on the connections it blocks on. */
export function createRedis(url: string, onError: (err: Error) => void = () => undefined): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
  });
  // ioredis reconnects by itself; an unhandled 'error' event would crash the
  // process while Redis restarts. /ready reports the outage instead.
  redis.on('error', onError);
  return redis;
}

/**
 * A connection for producers (the outbox relay): commands fail at once while
 * Redis is away instead of waiting in ioredis's offline queue, so the relay
 * leaves its rows pending and retries later.
 */
export function createProducerRedis(
  url: string,
  onError: (err: Error) => void = () => undefined,
): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
  });
  redis.on('error', onError);
  return redis;
}
