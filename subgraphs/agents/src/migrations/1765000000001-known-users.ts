import type { MigrationInterface, QueryRunner } from 'typeorm';

export class KnownUsers1765000000001 implements MigrationInterface {
  name = 'KnownUsers1765000000001';

  async up(q: QueryRunner) {
    // A projection of the users subgraph's sign-ups (user.registered), so a grant can only name
    // a user who exists, without reading another subgraph's tables.
    await q.query('CREATE TABLE agents.known_users (user_id uuid PRIMARY KEY)');
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE agents.known_users');
  }
}
