import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitUsers1764000000000 implements MigrationInterface {
  name = 'InitUsers1764000000000';

  async up(q: QueryRunner) {
    await q.query(`
      CREATE TABLE users.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL DEFAULT '{USER}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_roles_check CHECK (roles <@ ARRAY['USER','PUBLISHER','ADMIN']::text[])
      );
      CREATE UNIQUE INDEX users_email_key ON users.users (email);
      CREATE TABLE users.api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users.users(id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        secret_hash text NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      CREATE UNIQUE INDEX api_keys_prefix_key ON users.api_keys (prefix);
      CREATE INDEX api_keys_user_idx ON users.api_keys (user_id);
    `);
  }

  async down(q: QueryRunner) {
    await q.query('DROP TABLE users.api_keys; DROP TABLE users.users;');
  }
}
