import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '@agentry/core';
import { parsePayload, type StoredEvent, type Topic } from './catalogue';
import { listen } from './listener';
import { EVENTS_CHANNEL } from './publish';

export interface ConsumerOptions<T extends Topic> {
  /** Unique per consuming service and purpose, e.g. `billing.welcome-grants`. */
  name: string;
  topics: readonly T[];
  dataSource: DataSource;
  /** Connection string for the LISTEN connection. */
  url: string;
  log: Logger;
  /**
   * Applies one event, its payload already parsed by the catalogue's schema. Runs in the same
   * transaction that advances the consumer's offset, so an event's effects are committed exactly
   * once, whatever crashes or replicas do. An event whose payload does not match its schema is
   * logged and skipped: retried forever, it would block every later one.
   */
  handle?: (event: StoredEvent<T>, manager: EntityManager) => Promise<void>;
  /**
   * Instead of `handle`: applies a whole batch (in log order, never empty) at once, in the same
   * transaction that advances the offset — for consumers that write to another store, where one
   * write per batch is much cheaper than one per event.
   */
  handleBatch?: (events: StoredEvent<T>[], manager: EntityManager) => Promise<void>;
  /** Safety-net poll interval when no notification arrives (default 2000 ms). */
  pollMs?: number;
  batchSize?: number;
}

export interface Consumer {
  /** Processes everything committed so far, then resolves. */
  catchUp(): Promise<void>;
  stop(): Promise<void>;
}

interface LogRow {
  id: string;
  tx_id: string;
  topic: string;
  key: string;
  payload: unknown;
  producer: string;
  created_at: Date;
}

/** The consumers running in this process and their topics (read by the metrics' lag gauge). */
const consumersInProcess = new Map<string, readonly string[]>();
export const runningConsumers = (): { name: string; topics: readonly string[] }[] =>
  [...consumersInProcess].map(([name, topics]) => ({ name, topics }));

/**
 * Reads the events log in commit-safe order, one replica at a time (the offset row is locked),
 * woken by NOTIFY and by a slow poll.
 */
export async function startConsumer<T extends Topic>(
  options: ConsumerOptions<T>,
): Promise<Consumer> {
  const { dataSource, log, name } = options;
  const batchSize = options.batchSize ?? 200;
  if (!options.handle === !options.handleBatch)
    throw new Error(`consumer ${name}: give exactly one of handle and handleBatch`);
  await dataSource.query(
    'INSERT INTO events.consumers (name) VALUES ($1) ON CONFLICT (name) DO NOTHING',
    [name],
  );

  /** One batch; returns how many events it applied. */
  const runBatch = () =>
    dataSource.transaction(async (m) => {
      const [offset] = await m.query(
        'SELECT tx_id::text AS tx_id, last_id FROM events.consumers WHERE name = $1 FOR UPDATE',
        [name],
      );
      const rows: LogRow[] = await m.query(
        `SELECT id, tx_id::text AS tx_id, topic, key, payload, producer, created_at
           FROM events.log
          WHERE (tx_id, id) > ($1::xid8, $2::bigint)
            AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
            AND topic = ANY($3)
          ORDER BY tx_id, id
          LIMIT $4`,
        [offset.tx_id, offset.last_id, options.topics, batchSize],
      );
      const batch: StoredEvent<T>[] = [];
      for (const r of rows) {
        const topic = r.topic as T;
        const parsed = parsePayload(topic, r.payload);
        if (!parsed.ok) {
          log.warn(
            { consumer: name, eventId: String(r.id), topic, problem: parsed.error },
            'skipping an event whose payload does not match its topic',
          );
          continue;
        }
        const event = {
          id: String(r.id),
          txId: r.tx_id,
          topic,
          key: r.key,
          payload: parsed.payload,
          producer: r.producer,
          createdAt: r.created_at,
        } as StoredEvent<T>;
        if (options.handle) await options.handle(event, m);
        else batch.push(event);
      }
      if (options.handleBatch && batch.length) await options.handleBatch(batch, m);
      const last = rows.at(-1);
      if (last) {
        await m.query(
          'UPDATE events.consumers SET tx_id = $2::xid8, last_id = $3, updated_at = now() WHERE name = $1',
          [name, last.tx_id, last.id],
        );
      }
      return rows.length;
    });

  let running: Promise<void> | null = null;
  let again = false;
  const drain = async () => {
    do {
      again = false;
      while ((await runBatch()) === batchSize) {
        /* a full batch: there may be more */
      }
    } while (again);
  };
  /** Coalesces wake-ups: one drain at a time, re-run if woken meanwhile. */
  const wake = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = drain()
      .catch((err) => log.error({ err, consumer: name }, 'event consumer failed; will retry'))
      .finally(() => {
        running = null;
      });
    return running;
  };

  const topics = new Set<string>(options.topics);
  // Reconnects by itself (PostgreSQL restarted): then drains what was published meanwhile.
  const listener = await listen({
    url: options.url,
    channel: EVENTS_CHANNEL,
    applicationName: `agentry-consumer:${name}`.slice(0, 63),
    log,
    onNotification: (payload) => {
      if (payload && topics.has(payload)) void wake();
    },
    onReconnect: () => void wake(),
  });
  const timer = setInterval(() => void wake(), options.pollMs ?? 2000);
  timer.unref();
  await wake();
  consumersInProcess.set(name, options.topics);

  return {
    async catchUp() {
      // A drain already running may have started before the caller's event committed.
      await wake();
      await wake();
    },
    async stop() {
      consumersInProcess.delete(name);
      clearInterval(timer);
      await running;
      await listener.stop();
    },
  };
}
