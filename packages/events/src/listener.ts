import { Client } from 'pg';
import type { Logger } from '@agentry/core';

export interface ListenOptions {
  /** Connection string (the LISTEN connection is a dedicated one, outside any pool). */
  url: string;
  /** The channel to LISTEN on (a plain identifier, e.g. `agentry_events`). */
  channel: string;
  /** Shown in pg_stat_activity (default `agentry-listener`). */
  applicationName?: string;
  log: Logger;
  /** Called with each notification's payload. */
  onNotification: (payload: string | undefined) => void;
  /**
   * Called after the connection was lost and LISTEN is established again: notifications sent
   * meanwhile are gone, so the owner should catch up from storage now.
   */
  onReconnect?: () => void;
  /** First delay before reconnecting (default 100 ms); doubles up to `maxBackoffMs`. */
  minBackoffMs?: number;
  /** Longest delay between reconnection attempts (default 5000 ms). */
  maxBackoffMs?: number;
}

export interface PgListener {
  /** True while a connection is LISTENing. */
  readonly connected: boolean;
  /** How many times LISTEN was established again after a lost connection. */
  readonly reconnects: number;
  stop(): Promise<void>;
}

/**
 * A LISTEN connection that comes back by itself: when PostgreSQL restarts or the connection
 * drops, it reconnects with exponential backoff (jittered, capped), LISTENs again and calls
 * `onReconnect` so the owner catches up on what it missed. The one way any process here
 * LISTENs (event consumers, the task-event stream). The first connection is made before this
 * resolves (so a service does not start against a database it cannot reach).
 */
export async function listen(options: ListenOptions): Promise<PgListener> {
  const min = options.minBackoffMs ?? 100;
  const max = options.maxBackoffMs ?? 5000;
  const { log, channel } = options;
  if (!/^[a-z_][a-z0-9_]*$/i.test(channel)) throw new Error(`bad channel name: ${channel}`);
  let client: Client | null = null;
  let stopped = false;
  let connected = false;
  let reconnects = 0;
  let retry: NodeJS.Timeout | undefined;
  let attempt = 0;

  const connect = async (): Promise<void> => {
    const c = new Client({
      connectionString: options.url,
      application_name: options.applicationName ?? 'agentry-listener',
    });
    // Set once LISTEN is in place: a failure before that is the caller's to handle.
    let established = false;
    let lost = false;
    let died = false;
    const onLost = (err?: Error) => {
      died = true;
      if (lost || !established) return;
      lost = true;
      connected = false;
      if (client === c) client = null;
      c.removeAllListeners('notification');
      void c.end().catch(() => {});
      if (stopped) return;
      log.warn({ err: err?.message, channel }, 'LISTEN connection lost; reconnecting');
      schedule();
    };
    // Before connect: an error during connect must not become an unhandled 'error' event.
    c.on('error', onLost);
    c.on('end', () => onLost());
    c.on('notification', (msg) => options.onNotification(msg.payload));
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (err) {
      c.removeAllListeners('notification');
      await c.end().catch(() => {});
      throw err;
    }
    if (stopped) {
      await c.end().catch(() => {});
      return;
    }
    established = true;
    client = c;
    connected = true;
    attempt = 0;
    // It died between LISTEN and here: treat it as lost now.
    if (died) onLost();
  };

  const schedule = () => {
    if (stopped || retry) return;
    const delay = Math.min(max, min * 2 ** attempt++);
    retry = setTimeout(
      () => {
        retry = undefined;
        connect()
          .then(() => {
            if (stopped || !connected) return;
            reconnects++;
            log.info({ channel, reconnects }, 'LISTEN re-established');
            options.onReconnect?.();
          })
          .catch((err) => {
            log.debug({ err: (err as Error)?.message, channel }, 'LISTEN reconnect failed');
            schedule();
          });
      },
      // Jitter, so that every listener of a process does not knock at the same instant.
      delay / 2 + Math.random() * (delay / 2),
    );
    retry.unref();
  };

  await connect();
  return {
    get connected() {
      return connected;
    },
    get reconnects() {
      return reconnects;
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const c = client;
      client = null;
      connected = false;
      await c?.end().catch(() => {});
    },
  };
}
