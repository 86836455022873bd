import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AgentReviews1764900000000 implements MigrationInterface {
  name = 'AgentReviews1764900000000';

  async up(q: QueryRunner) {
    // A projection of the reviews subgraph's ratings (review.submitted / review.deleted), so the
    // catalogue can be sorted by rating without reading another subgraph's tables.
    await q.query(`
      CREATE TABLE agents.agent_reviews (
        review_id uuid PRIMARY KEY,
        agent_id uuid NOT NULL,
        rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5)
      )`);
    await q.query('CREATE INDEX agent_reviews_agent_idx ON agents.agent_reviews (agent_id)');
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE agents.agent_reviews');
  }
}
