import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ToolServers1764800000000 implements MigrationInterface {
  name = 'ToolServers1764800000000';

  async up(q: QueryRunner) {
    // The catalogue of an MCP server is what it last said about itself (tools, resources,
    // templates, prompts); prices and grants are the owner's and survive a refresh. url is the
    // normalised endpoint, one listing per endpoint. price_credits is the default per-call price
    // given to tools a refresh discovers later.
    await q.query(`
      CREATE TABLE agents.tool_servers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL,
        name text NOT NULL,
        url text NOT NULL,
        public boolean NOT NULL DEFAULT false,
        price_credits integer NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'ONLINE',
        server_name text NULL,
        server_version text NULL,
        instructions text NULL,
        resources jsonb NOT NULL DEFAULT '[]',
        resource_templates jsonb NOT NULL DEFAULT '[]',
        prompts jsonb NOT NULL DEFAULT '[]',
        last_seen_at timestamptz NULL,
        checked_at timestamptz NULL,
        check_error text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- The API validates first; these only stop a bug from storing what the API would refuse.
        CONSTRAINT tool_servers_name_check CHECK (char_length(name) BETWEEN 1 AND 100),
        CONSTRAINT tool_servers_url_check CHECK (url ~ '^https?://' AND char_length(url) <= 2048),
        CONSTRAINT tool_servers_price_check CHECK (price_credits BETWEEN 0 AND 100000),
        CONSTRAINT tool_servers_status_check CHECK (status IN ('ONLINE', 'UNAVAILABLE')),
        CONSTRAINT tool_servers_resources_check CHECK (jsonb_typeof(resources) = 'array'),
        CONSTRAINT tool_servers_templates_check CHECK (jsonb_typeof(resource_templates) = 'array'),
        CONSTRAINT tool_servers_prompts_check CHECK (jsonb_typeof(prompts) = 'array'),
        CONSTRAINT tool_servers_check_error_check CHECK (char_length(check_error) <= 500)
      );
      CREATE UNIQUE INDEX tool_servers_url_key ON agents.tool_servers (url);
      CREATE INDEX tool_servers_owner_idx ON agents.tool_servers (owner_id, created_at DESC, id DESC);
      CREATE INDEX tool_servers_public_idx ON agents.tool_servers (created_at DESC, id DESC)
        WHERE public;
      -- The refresher's round: least recently checked servers first.
      CREATE INDEX tool_servers_check_idx ON agents.tool_servers (checked_at ASC NULLS FIRST, id);

      CREATE TABLE agents.tools (
        server_id uuid NOT NULL REFERENCES agents.tool_servers (id) ON DELETE CASCADE,
        name text NOT NULL,
        title text NULL,
        description text NOT NULL DEFAULT '',
        input_schema jsonb NOT NULL,
        output_schema jsonb NULL,
        annotations jsonb NULL,
        price_credits integer NOT NULL DEFAULT 0,
        PRIMARY KEY (server_id, name),
        CONSTRAINT tools_name_check CHECK (char_length(name) BETWEEN 1 AND 128),
        CONSTRAINT tools_input_schema_check CHECK (jsonb_typeof(input_schema) = 'object'),
        CONSTRAINT tools_price_check CHECK (price_credits BETWEEN 0 AND 100000)
      );

      -- tools NULL grants every tool of the server, including ones it adds later.
      CREATE TABLE agents.tool_grants (
        server_id uuid NOT NULL REFERENCES agents.tool_servers (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        tools text[] NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (server_id, user_id),
        CONSTRAINT tool_grants_tools_check CHECK (tools IS NULL OR cardinality(tools) >= 1)
      );
      CREATE INDEX tool_grants_user_idx ON agents.tool_grants (user_id, server_id);
    `);
  }

  async down(q: QueryRunner) {
    await q.query(
      'DROP TABLE agents.tool_grants; DROP TABLE agents.tools; DROP TABLE agents.tool_servers;',
    );
  }
}
