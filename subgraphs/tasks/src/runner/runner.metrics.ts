import type { DataSource } from 'typeorm';
import type { ServiceMetrics } from '@agentry/metrics';
import { RUN_QUEUE, type JobQueue } from './job-queue';

/**
 * The tasks subgraph's Prometheus series, read from PostgreSQL at each scrape (so every replica
 * reports the same platform-wide figures: aggregate them with max, not sum): tasks not yet
 * terminal by state, run jobs waiting in the queue, and the age of the oldest task still waiting
 * for its first run.
 */
export function registerRunnerMetrics(metrics: ServiceMetrics, db: DataSource, queue: JobQueue) {
  metrics.gauge({
    name: 'agentry_tasks_open',
    help: 'Tasks not in a terminal state, by state (platform-wide).',
    labelNames: ['state'] as const,
    async collect() {
      try {
        const rows: { state: string; n: string }[] = await db.query(
          `SELECT state, count(*) AS n FROM tasks.tasks
            WHERE state NOT IN ('COMPLETED', 'FAILED', 'CANCELED', 'REJECTED') GROUP BY state`,
        );
        this.reset();
        for (const r of rows) this.set({ state: r.state }, Number(r.n));
      } catch {
        // The database is down; /ready and the pool gauges say so.
      }
    },
  });
  metrics.gauge({
    name: 'agentry_task_queue_depth',
    help: 'Run jobs (send, reply, resume) waiting in the queue for a runner.',
    async collect() {
      try {
        this.set(await queue.boss.getQueueSize(RUN_QUEUE));
      } catch {
        /* as above */
      }
    },
  });
  metrics.gauge({
    name: 'agentry_task_queue_oldest_seconds',
    help: 'Age of the oldest task still SUBMITTED (waiting for its first run); 0 when none.',
    async collect() {
      try {
        const [row]: { age: string | null }[] = await db.query(
          `SELECT EXTRACT(EPOCH FROM now() - min(created_at)) AS age FROM tasks.tasks WHERE state = 'SUBMITTED'`,
        );
        this.set(Number(row?.age ?? 0));
      } catch {
        /* as above */
      }
    },
  });
}
