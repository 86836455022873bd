import type { DataSource } from 'typeorm';

/**
 * The events log is shared infrastructure (like the job queue), not a subgraph's data: every
 * service may append to it and read from it, never another subgraph's tables.
 *
 * `tx_id` records the writing transaction. Readers only take events of transactions older than
 * the oldest one still running, so an event whose transaction commits late is never skipped
 * (a plain `id > last` offset would lose it).
 */
const DDL = `
CREATE SCHEMA IF NOT EXISTS events;
CREATE TABLE IF NOT EXISTS events.log (
  id bigserial PRIMARY KEY,
  tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  topic text NOT NULL,
  key text NOT NULL,
  payload jsonb NOT NULL,
  producer text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS log_position_idx ON events.log (tx_id, id);
CREATE INDEX IF NOT EXISTS log_topic_position_idx ON events.log (topic, tx_id, id);
CREATE TABLE IF NOT EXISTS events.consumers (
  name text PRIMARY KEY,
  tx_id xid8 NOT NULL DEFAULT '0',
  last_id bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`;

export async function ensureEventsSchema(dataSource: DataSource) {
  await dataSource.transaction(async (m) => {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('agentry:migrate:events'))`);
    await m.query(DDL);
  });
}
