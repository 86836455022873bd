import type { MigrationInterface, QueryRunner } from 'typeorm';

/** MCP tool calls: what the agents subgraph says about tool servers, and every invocation. */
export class ToolCalls1764900000000 implements MigrationInterface {
  name = 'ToolCalls1764900000000';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE tasks.tool_servers (
        id uuid PRIMARY KEY,
        owner_id uuid NOT NULL,
        name text NOT NULL,
        url text NOT NULL,
        public boolean NOT NULL DEFAULT false,
        status text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE tasks.tools (
        server_id uuid NOT NULL REFERENCES tasks.tool_servers(id) ON DELETE CASCADE,
        name text NOT NULL,
        input_schema jsonb NOT NULL,
        price_credits int NOT NULL DEFAULT 0 CHECK (price_credits >= 0),
        PRIMARY KEY (server_id, name)
      );
      CREATE TABLE tasks.tool_grants (
        server_id uuid NOT NULL REFERENCES tasks.tool_servers(id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        tools text[],
        PRIMARY KEY (server_id, user_id)
      );
      CREATE TABLE tasks.tool_invocations (
        id uuid PRIMARY KEY,
        server_id uuid NOT NULL,
        tool_name text NOT NULL,
        caller_id uuid NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms int NOT NULL CHECK (duration_ms >= 0),
        outcome text NOT NULL CHECK (outcome IN ('OK', 'TOOL_ERROR', 'FAILED', 'TIMEOUT', 'UNREACHABLE')),
        error text,
        price_credits int NOT NULL DEFAULT 0,
        charged boolean NOT NULL DEFAULT false
      );
      CREATE INDEX tool_invocations_tool_idx ON tasks.tool_invocations (server_id, tool_name, started_at DESC);
      CREATE INDEX tool_invocations_caller_idx ON tasks.tool_invocations (caller_id, started_at DESC);
    `);
  }

  async down(q: QueryRunner) {
    await q.query(`
      DROP TABLE tasks.tool_invocations;
      DROP TABLE tasks.tool_grants;
      DROP TABLE tasks.tools;
      DROP TABLE tasks.tool_servers;
    `);
  }
}
