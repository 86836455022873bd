import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitBilling1764200000000 implements MigrationInterface {
  name = 'InitBilling1764200000000';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE billing.wallets (
        user_id uuid PRIMARY KEY,
        balance bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
        held bigint NOT NULL DEFAULT 0 CHECK (held >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT wallets_held_within_balance CHECK (held <= balance)
      );

      CREATE TABLE billing.ledger_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL UNIQUE,
        user_id uuid NOT NULL REFERENCES billing.wallets(user_id),
        kind text NOT NULL
          CHECK (kind IN ('GRANT','HOLD','RELEASE','CAPTURE','PAYOUT','FEE','REFUND')),
        amount bigint NOT NULL CHECK (amount > 0),
        balance_delta bigint NOT NULL,
        held_delta bigint NOT NULL,
        balance_after bigint NOT NULL CHECK (balance_after >= 0),
        held_after bigint NOT NULL CHECK (held_after >= 0 AND held_after <= balance_after),
        task_id uuid,
        reason text CHECK (length(reason) <= 500),
        idempotency_key text UNIQUE CHECK (length(idempotency_key) <= 200),
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Each kind moves money one way only, so a buggy writer cannot disguise a debit as a grant.
        CONSTRAINT ledger_entries_kind_effect CHECK (
          CASE kind
            WHEN 'HOLD' THEN balance_delta = 0 AND held_delta = amount
            WHEN 'RELEASE' THEN balance_delta = 0 AND held_delta = -amount
            WHEN 'CAPTURE' THEN balance_delta = -amount AND held_delta = -amount
            ELSE balance_delta = amount AND held_delta = 0
          END
        )
      );
      CREATE INDEX ledger_entries_user_seq_idx ON billing.ledger_entries (user_id, seq DESC);
      CREATE INDEX ledger_entries_task_idx ON billing.ledger_entries (task_id, kind)
        WHERE task_id IS NOT NULL;

      -- Money is a ledger: history is never rewritten, corrections are new entries.
      CREATE FUNCTION billing.ledger_entries_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'billing.ledger_entries is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'restrict_violation';
      END
      $$;
      CREATE TRIGGER ledger_entries_no_update_delete
        BEFORE UPDATE OR DELETE ON billing.ledger_entries
        FOR EACH ROW EXECUTE FUNCTION billing.ledger_entries_append_only();
      CREATE TRIGGER ledger_entries_no_truncate
        BEFORE TRUNCATE ON billing.ledger_entries
        FOR EACH STATEMENT EXECUTE FUNCTION billing.ledger_entries_append_only();

      -- The platform's own wallet receives fees.
      INSERT INTO billing.wallets (user_id) VALUES ('00000000-0000-0000-0000-000000000000');
    `);
  }

  async down(q: QueryRunner) {
    await q.query(`
      DROP TABLE billing.ledger_entries;
      DROP FUNCTION billing.ledger_entries_append_only();
      DROP TABLE billing.wallets;
    `);
  }
}
