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
  const lagAge = metrics.gauge({
    name: 'agentry_events_consumer_lag_seconds',
    help: 'Seconds since an events-log consumer last moved its offset while events wait for it (0 when caught up).',
    labelNames: ['consumer'] as const,
  });
  metrics.gauge({
    name: 'agentry_events_consumer_lag_events',
    help: 'Events of its topics committed after the offset of each consumer of this service (counted up to 100000).',
    labelNames: ['consumer'] as const,
    async collect() {
      const consumers = options.consumers();
      if (!consumers.length) return;
      try {
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
        this.reset();
        lagAge.reset();
        for (const row of rows) {
          const consumer = String(row.name);
          const lag = Number(row.lag);
          this.set({ consumer }, lag);
          lagAge.set({ consumer }, lag > 0 ? Number(row.age) : 0);
        }
      } catch {
        // The database is down: the pool gauges and the readiness probe say so.
      }
    },
  });
}
