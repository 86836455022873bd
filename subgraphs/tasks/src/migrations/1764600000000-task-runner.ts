import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What running tasks on A2A agents needs: the agent's endpoint and a lease per running task. */
export class TaskRunner1764600000000 implements MigrationInterface {
  name = 'TaskRunner1764600000000';

  async up(q: QueryRunner) {
    await q.query(`
      ALTER TABLE tasks.agents ADD COLUMN url text, ADD COLUMN card_url text;
      ALTER TABLE tasks.tasks
        ADD COLUMN lease_owner text,
        ADD COLUMN lease_expires_at timestamptz;
      -- The sweeper looks for running tasks whose runner stopped renewing its lease.
      CREATE INDEX tasks_running_lease_idx ON tasks.tasks (lease_expires_at)
        WHERE state IN ('SUBMITTED', 'WORKING');
      -- An agent message is recorded once, even when a resumed stream repeats it.
      CREATE UNIQUE INDEX task_messages_remote_key ON tasks.task_messages (task_id, remote_message_id)
        WHERE remote_message_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner) {
    await q.query(`
      DROP INDEX tasks.task_messages_remote_key;
      DROP INDEX tasks.tasks_running_lease_idx;
      ALTER TABLE tasks.tasks DROP COLUMN lease_owner, DROP COLUMN lease_expires_at;
      ALTER TABLE tasks.agents DROP COLUMN url, DROP COLUMN card_url;
    `);
  }
}
