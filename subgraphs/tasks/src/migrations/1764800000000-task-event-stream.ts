import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A global, commit-safe order over all task events, for subscriptions: `position` orders events
 * within a transaction, `tx_id` across them; readers only take rows of transactions older than
 * the oldest running one, so an event that commits late is never skipped.
 */
export class TaskEventStream1764800000000 implements MigrationInterface {
  name = 'TaskEventStream1764800000000';

  async up(q: QueryRunner) {
    await q.query(`
      ALTER TABLE tasks.task_events
        ADD COLUMN tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        ADD COLUMN position bigserial;
      CREATE INDEX task_events_stream_idx ON tasks.task_events (tx_id, position);
    `);
  }

  async down(q: QueryRunner) {
    await q.query(`
      DROP INDEX tasks.task_events_stream_idx;
      ALTER TABLE tasks.task_events DROP COLUMN tx_id, DROP COLUMN position;
    `);
  }
}
