import type { EntityManager } from 'typeorm';
import { EVENT_CATALOGUE, parsePayload, type DomainEvent } from './catalogue';

export const EVENTS_CHANNEL = 'agentry_events';

/**
 * Appends events inside the caller's transaction (the transactional outbox): they exist exactly
 * when the state change that caused them does. Each payload is checked against the catalogue
 * and stamped with its topic's producer; listeners are woken on commit.
 */
export async function publishEvents(manager: EntityManager, events: readonly DomainEvent[]) {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('publishEvents must run inside a transaction');
  }
  if (!events.length) return;
  const values: unknown[] = [];
  const rows = events.map((e, i) => {
    const parsed = parsePayload(e.topic, e.payload);
    // A producer bug, not user input: refuse it rather than poison every consumer's log.
    if (!parsed.ok) throw new Error(`invalid ${e.topic} payload: ${parsed.error}`);
    values.push(e.topic, e.key, JSON.stringify(e.payload), EVENT_CATALOGUE[e.topic].producer);
    const o = i * 4;
    return `($${o + 1}, $${o + 2}, $${o + 3}::jsonb, $${o + 4})`;
  });
  await manager.query(
    `INSERT INTO events.log (topic, key, payload, producer) VALUES ${rows.join(', ')}`,
    values,
  );
  const topics = [...new Set(events.map((e) => e.topic))];
  for (const topic of topics)
    await manager.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, topic]);
}
