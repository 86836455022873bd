import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AgentCards1764700000000 implements MigrationInterface {
  name = 'AgentCards1764700000000';

  async up(q: QueryRunner) {
    // card_url is the normalised well-known card URL, so a base URL and its card URL are one
    // listing; agents described by hand have none. Existing agents stay available.
    await q.query(`
      ALTER TABLE agents.agents
        ADD COLUMN card_url text NULL,
        ADD COLUMN available boolean NOT NULL DEFAULT true,
        ADD COLUMN last_seen_at timestamptz NULL,
        ADD COLUMN card_checked_at timestamptz NULL,
        ADD COLUMN card_error text NULL,
        ADD CONSTRAINT agents_card_url_check
          CHECK (card_url ~ '^https?://' AND char_length(card_url) <= 2048),
        ADD CONSTRAINT agents_card_error_check CHECK (char_length(card_error) <= 500);
      CREATE UNIQUE INDEX agents_card_url_key ON agents.agents (card_url) WHERE card_url IS NOT NULL;
      -- The refresher's round: least recently checked cards first.
      CREATE INDEX agents_card_check_idx ON agents.agents (card_checked_at ASC NULLS FIRST, id)
        WHERE card_url IS NOT NULL;
    `);
  }

  async down(q: QueryRunner) {
    await q.query(`
      DROP INDEX agents.agents_card_check_idx;
      DROP INDEX agents.agents_card_url_key;
      ALTER TABLE agents.agents
        DROP CONSTRAINT agents_card_error_check,
        DROP CONSTRAINT agents_card_url_check,
        DROP COLUMN card_error,
        DROP COLUMN card_checked_at,
        DROP COLUMN last_seen_at,
        DROP COLUMN available,
        DROP COLUMN card_url;
    `);
  }
}
