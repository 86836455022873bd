import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credits are bigint from the start; this bounds them at 2^53 - 1, the most the API's `Credits`
 * scalar shows exactly (a JSON number). The ledger refuses such movements before writing; the
 * constraints make it hold for any writer. NOT VALID + VALIDATE keeps the lock short.
 */
export class CreditsRange1765000000000 implements MigrationInterface {
  name = 'CreditsRange1765000000000';

  async up(q: QueryRunner) {
    await q.query(`
      ALTER TABLE billing.wallets
        ADD CONSTRAINT wallets_credits_range CHECK (balance <= 9007199254740991 AND held <= 9007199254740991) NOT VALID;
      ALTER TABLE billing.wallets VALIDATE CONSTRAINT wallets_credits_range;
      ALTER TABLE billing.ledger_entries
        ADD CONSTRAINT ledger_entries_credits_range CHECK (
          amount <= 9007199254740991 AND balance_after <= 9007199254740991
          AND held_after <= 9007199254740991) NOT VALID;
      ALTER TABLE billing.ledger_entries VALIDATE CONSTRAINT ledger_entries_credits_range;
    `);
  }

  async down(q: QueryRunner) {
    await q.query(`
      ALTER TABLE billing.ledger_entries DROP CONSTRAINT ledger_entries_credits_range;
      ALTER TABLE billing.wallets DROP CONSTRAINT wallets_credits_range;
    `);
  }
}
