import { pino, type Logger } from 'pino';

export type { Logger };

/** A JSON logger per service; `LOG_LEVEL` sets the level (default `info`, `warn` under tests). */
export function createLogger(service: string): Logger {
  const level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info');
  return pino({ name: service, level, base: { service } });
}
