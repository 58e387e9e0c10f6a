import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.ts';

/** Keys never written to the logs, whatever object carries them. */
export const SECRET_LOG_PATHS = [
  'password',
  'token',
  'key',
  'authorization',
  '*.password',
  '*.token',
  '*.key',
  '*.authorization',
];

/** The worker's structured JSON logger (the API uses Fastify's, configured the same way). */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL'>,
  service: string,
  stream?: DestinationStream,
): Logger {
  const options = {
    level: config.LOG_LEVEL,
    base: { service, pid: process.pid },
    redact: { paths: SECRET_LOG_PATHS, censor: '[secret]' },
  };
  return stream ? pino(options, stream) : pino(options);
}
