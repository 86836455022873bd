import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TaskSettlement1764250000000 implements MigrationInterface {
  name = 'TaskSettlement1764250000000';

  async up(q: QueryRunner) {
    await q.query(`
      -- Tasks billing has heard of through task.state_changed: a hold whose task never shows up
      -- here was placed for a task the tasks subgraph failed to record (an orphaned hold).
      -- state is the latest TaskState, or ORPHANED when the sweeper released the hold first.
      CREATE TABLE billing.tasks_seen (
        task_id uuid PRIMARY KEY,
        state text NOT NULL CHECK (length(state) <= 40),
        sequence bigint,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      -- The sweeper looks for old holds; captures and releases are found by task.
      CREATE INDEX ledger_entries_hold_age_idx ON billing.ledger_entries (created_at)
        WHERE kind = 'HOLD';
    `);
  }

  async down(q: QueryRunner) {
    await q.query(`
      DROP INDEX billing.ledger_entries_hold_age_idx;
      DROP TABLE billing.tasks_seen;
    `);
  }
}
