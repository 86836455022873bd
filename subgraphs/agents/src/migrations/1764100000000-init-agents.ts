import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitAgents1764100000000 implements MigrationInterface {
  name = 'InitAgents1764100000000';

  async up(q: QueryRunner) {
    // The search document is a generated column over one function, so it can never drift from
    // the row. array_to_string is only STABLE in general but immutable for text[], hence the
    // IMMUTABLE wrapper that generated columns require.
    await q.query(`
      CREATE FUNCTION agents.agent_search_document(
        name text, description text, category text, tags text[], skills jsonb
      ) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('english'::regconfig, name), 'A')
            || setweight(to_tsvector('english'::regconfig, concat_ws(' ',
                 category,
                 array_to_string(tags, ' '),
                 (SELECT string_agg(s->>'name', ' ') FROM jsonb_array_elements(skills) s))), 'B')
            || setweight(to_tsvector('english'::regconfig, concat_ws(' ',
                 description,
                 (SELECT string_agg(s->>'description', ' ') FROM jsonb_array_elements(skills) s))), 'C')
      $$;

      CREATE TABLE agents.agents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        url text NOT NULL,
        version text NOT NULL,
        provider_id uuid NOT NULL,
        skills jsonb NOT NULL DEFAULT '[]',
        capabilities jsonb NOT NULL
          DEFAULT '{"streaming": false, "pushNotifications": false, "stateTransitionHistory": false}',
        default_input_modes text[] NOT NULL DEFAULT '{text/plain}',
        default_output_modes text[] NOT NULL DEFAULT '{text/plain}',
        category text NOT NULL,
        tags text[] NOT NULL DEFAULT '{}',
        price_credits integer NOT NULL,
        status text NOT NULL DEFAULT 'PUBLISHED',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search_document tsvector NOT NULL GENERATED ALWAYS AS
          (agents.agent_search_document(name, description, category, tags, skills)) STORED,
        -- The API validates first; these only stop a bug from storing what the API would refuse.
        CONSTRAINT agents_slug_check CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,59}$'),
        CONSTRAINT agents_name_check CHECK (char_length(name) BETWEEN 1 AND 100),
        CONSTRAINT agents_description_check CHECK (char_length(description) <= 2000),
        CONSTRAINT agents_url_check CHECK (url ~ '^https?://' AND char_length(url) <= 2048),
        CONSTRAINT agents_version_check CHECK (char_length(version) BETWEEN 1 AND 50),
        CONSTRAINT agents_category_check CHECK (category ~ '^[a-z0-9][a-z0-9-]{0,49}$'),
        CONSTRAINT agents_tags_check CHECK (cardinality(tags) <= 20),
        CONSTRAINT agents_skills_check CHECK (jsonb_typeof(skills) = 'array'),
        CONSTRAINT agents_price_check CHECK (price_credits BETWEEN 0 AND 1000000),
        CONSTRAINT agents_status_check CHECK (status IN ('DRAFT', 'PUBLISHED', 'SUSPENDED'))
      );
      CREATE UNIQUE INDEX agents_slug_key ON agents.agents (slug);
      CREATE INDEX agents_search_idx ON agents.agents USING gin (search_document);
      CREATE INDEX agents_tags_idx ON agents.agents USING gin (tags);
      CREATE INDEX agents_listing_idx ON agents.agents (status, created_at DESC, id DESC);
      CREATE INDEX agents_category_idx ON agents.agents (category, created_at DESC, id DESC);
      CREATE INDEX agents_provider_idx ON agents.agents (provider_id, created_at DESC, id DESC);
    `);
  }

  async down(q: QueryRunner) {
    await q.query(
      'DROP TABLE agents.agents; DROP FUNCTION agents.agent_search_document(text, text, text, text[], jsonb);',
    );
  }
}
