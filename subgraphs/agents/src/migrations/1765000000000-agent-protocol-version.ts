import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AgentProtocolVersion1765000000000 implements MigrationInterface {
  name = 'AgentProtocolVersion1765000000000';

  async up(q: QueryRunner) {
    // The A2A version an agent's card says it speaks ("1.0" or "0.3"); null for agents described
    // by hand. Every card accepted before this column existed was an A2A v1.0 card.
    await q.query('ALTER TABLE agents.agents ADD COLUMN protocol_version text');
    await q.query(`UPDATE agents.agents SET protocol_version = '1.0' WHERE card_url IS NOT NULL`);
  }

  async down(q: QueryRunner) {
    await q.query('ALTER TABLE agents.agents DROP COLUMN protocol_version');
  }
}
