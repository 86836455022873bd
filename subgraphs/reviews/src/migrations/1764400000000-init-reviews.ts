import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitReviews1764400000000 implements MigrationInterface {
  name = 'InitReviews1764400000000';

  async up(q: QueryRunner) {
    await q.query(`
      -- What reviews needs to know about agents (who provides them), fed by agent.created / agent.updated.
      CREATE TABLE reviews.agents (
        id uuid PRIMARY KEY,
        provider_id uuid NOT NULL,
        status text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- Who may review which agent: requesters of a completed task, fed by task.completed.
      CREATE TABLE reviews.eligibility (
        user_id uuid NOT NULL,
        agent_id uuid NOT NULL,
        task_id uuid NOT NULL,
        completed_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, agent_id)
      );
      CREATE TABLE reviews.reviews (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agent_id uuid NOT NULL REFERENCES reviews.agents(id),
        author_id uuid NOT NULL,
        rating smallint NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5),
        CONSTRAINT reviews_title_check CHECK (char_length(title) BETWEEN 1 AND 120),
        CONSTRAINT reviews_body_check CHECK (char_length(body) <= 5000),
        CONSTRAINT reviews_agent_author_key UNIQUE (agent_id, author_id)
      );
      -- Both lists are newest first with the id as tie-breaker (keyset pagination); the agent
      -- index also serves the rating aggregate.
      CREATE INDEX reviews_agent_idx ON reviews.reviews (agent_id, updated_at DESC, id DESC);
      CREATE INDEX reviews_author_idx ON reviews.reviews (author_id, updated_at DESC, id DESC);
    `);
  }

  async down(q: QueryRunner) {
    await q.query(
      'DROP TABLE reviews.reviews; DROP TABLE reviews.eligibility; DROP TABLE reviews.agents;',
    );
  }
}
