import type { EntityManager } from 'typeorm';
import { EVENTS_CHANNEL } from '@agentry/events';

/**
 * Appends an event to the log WITHOUT the catalogue's checks, as a buggy or older producer might
 * have: for tests that show consumers skip what does not match its topic's schema. Everything
 * else publishes through `publishEvents`.
 */
export async function insertUncheckedEvent(
  m: EntityManager,
  event: { topic: string; key: string; payload: unknown; producer?: string },
) {
  await m.query(
    'INSERT INTO events.log (topic, key, payload, producer) VALUES ($1, $2, $3::jsonb, $4)',
    [event.topic, event.key, JSON.stringify(event.payload), event.producer ?? 'test'],
  );
  await m.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, event.topic]);
}
