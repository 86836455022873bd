import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitTasks1764500000000 implements MigrationInterface {
  name = 'InitTasks1764500000000';

  async up(q: QueryRunner) {
    await q.query(`
      -- What tasks needs to know about agents, fed by agent.created / agent.updated.
      CREATE TABLE tasks.agents (
        id uuid PRIMARY KEY,
        provider_id uuid NOT NULL,
        name text NOT NULL,
        price_credits int NOT NULL,
        status text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE tasks.tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id uuid NOT NULL REFERENCES tasks.agents(id),
        requester_id uuid NOT NULL,
        provider_id uuid NOT NULL,
        context_id text NOT NULL DEFAULT gen_random_uuid()::text,
        remote_task_id text,
        state text NOT NULL DEFAULT 'SUBMITTED',
        price_credits int NOT NULL,
        last_sequence int NOT NULL DEFAULT 0,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CONSTRAINT tasks_state_check CHECK (state IN ('SUBMITTED', 'WORKING', 'INPUT_REQUIRED',
          'AUTH_REQUIRED', 'COMPLETED', 'FAILED', 'CANCELED', 'REJECTED')),
        CONSTRAINT tasks_price_check CHECK (price_credits >= 0),
        CONSTRAINT tasks_last_sequence_check CHECK (last_sequence >= 0)
      );
      -- Both lists are newest first with the id as tie-breaker (keyset pagination).
      CREATE INDEX tasks_requester_idx ON tasks.tasks (requester_id, created_at DESC, id DESC);
      CREATE INDEX tasks_agent_idx ON tasks.tasks (agent_id, created_at DESC, id DESC);
      CREATE TABLE tasks.task_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        task_id uuid NOT NULL REFERENCES tasks.tasks(id) ON DELETE CASCADE,
        role text NOT NULL,
        parts jsonb NOT NULL,
        remote_message_id text,
        sequence int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT task_messages_role_check CHECK (role IN ('USER', 'AGENT'))
      );
      CREATE UNIQUE INDEX task_messages_task_sequence_key ON tasks.task_messages (task_id, sequence);
      CREATE TABLE tasks.task_artifacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        task_id uuid NOT NULL REFERENCES tasks.tasks(id) ON DELETE CASCADE,
        artifact_id text NOT NULL,
        name text,
        description text,
        parts jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT task_artifacts_task_artifact_key UNIQUE (task_id, artifact_id)
      );
      CREATE TABLE tasks.task_events (
        task_id uuid NOT NULL REFERENCES tasks.tasks(id) ON DELETE CASCADE,
        sequence int NOT NULL,
        kind text NOT NULL,
        state text NOT NULL,
        message_id uuid REFERENCES tasks.task_messages(id),
        artifact_id uuid REFERENCES tasks.task_artifacts(id),
        payload jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (task_id, sequence),
        CONSTRAINT task_events_kind_check CHECK (kind IN ('STATUS', 'MESSAGE', 'ARTIFACT')),
        CONSTRAINT task_events_sequence_check CHECK (sequence >= 1)
      );
    `);
  }

  async down(q: QueryRunner) {
    await q.query(`
      DROP TABLE tasks.task_events; DROP TABLE tasks.task_artifacts;
      DROP TABLE tasks.task_messages; DROP TABLE tasks.tasks; DROP TABLE tasks.agents;
    `);
  }
}
