import type { ServiceMetrics } from './service-metrics';

/** What a pg Pool reports about itself. */
export interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

export interface DatabaseMetricsOptions {
  /** Runs one SQL statement (the service's own pool). */
  query: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
  /** The pool's counts, read at each scrape. */
  pool: () => PoolCounts | undefined;
  /** The events-log consumers running in this process, with their topics. */
  consumers: () => readonly { name: string; topics: readonly string[] }[];
}

/**
 * Database pool use and events-consumer lag, read when Prometheus scrapes (one small query over
 * `events.consumers`; nothing is computed between scrapes).
 */
export function databaseMetrics(metrics: ServiceMetrics, options: DatabaseMetricsOptions) {
  metrics.gauge({
    name: 'agentry_db_pool_connections',
    help: 'Connections of the PostgreSQL pool, by state (total, idle, waiting requests).',
    labelNames: ['state'] as const,
    collect() {
      const counts = options.pool();
      if (!counts) return;
      this.set({ state: 'total' }, counts.totalCount);
      this.set({ state: 'idle' }, counts.idleCount);
      this.set({ state: 'waiting' }, counts.waitingCount);
    },
  });
  // Both lag gauges come from one query, run once per scrape: each gauge's collect awaits the
  // same read (prom-client collects every metric of a scrape at once).
  let reading: Promise<{ consumer: string; lag: number; age: number }[]> | null = null;
  const readLag = () =>
    (reading ??= (async () => {
      const consumers = options.consumers();
      if (!consumers.length) return [];
      // One statement for all of them; each count walks the (topic, tx_id, id) index.
      const rows = await options.query(
        `SELECT c.name, EXTRACT(EPOCH FROM now() - c.updated_at) AS age,
                (SELECT count(*) FROM (
                   SELECT 1 FROM events.log l
                    WHERE l.topic = ANY(w.topics) AND (l.tx_id, l.id) > (c.tx_id, c.last_id)
                    LIMIT 100000) behind) AS lag
           FROM jsonb_to_recordset($1::jsonb) AS w(name text, topics text[])
           JOIN events.consumers c USING (name)`,
        [JSON.stringify(consumers)],
      );
      return rows.map((r) => ({
        consumer: String(r.name),
        lag: Number(r.lag),
        age: Number(r.age),
      }));
    })().finally(() => {
      reading = null;
    }));
  /** Sets a gauge per consumer from the shared read; a database that is down sets nothing. */
  const lagGauge = (
    series: { name: string; help: string },
    value: (row: { lag: number; age: number }) => number,
  ) =>
    metrics.gauge({
      ...series,
      labelNames: ['consumer'] as const,
      async collect() {
        try {
          const rows = await readLag();
          this.reset();
          for (const row of rows) this.set({ consumer: row.consumer }, value(row));
        } catch {
          // The database is down: the pool gauges and the readiness probe say so.
        }
      },
    });
  lagGauge(
    {
      name: 'agentry_events_consumer_lag_events',
      help: 'Events of its topics committed after the offset of each consumer of this service (counted up to 100000).',
    },
    (row) => row.lag,
  );
  lagGauge(
    {
      name: 'agentry_events_consumer_lag_seconds',
      help: 'Seconds since an events-log consumer last moved its offset while events wait for it (0 when caught up).',
    },
    (row) => (row.lag > 0 ? row.age : 0),
  );
}
