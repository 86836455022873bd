import type { EntityManager } from 'typeorm';

export const EVENTS_CHANNEL = 'agentry_events';

export interface NewEvent<P = Record<string, unknown>> {
  /** e.g. `user.registered`, `task.completed`. */
  topic: string;
  /** The aggregate the event is about (a user id, a task id). */
  key: string;
  payload: P;
}

/**
 * Appends events inside the caller's transaction (the transactional outbox): they exist exactly
 * when the state change that caused them does. Listeners are woken on commit.
 */
export async function publishEvents(manager: EntityManager, producer: string, events: NewEvent[]) {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('publishEvents must run inside a transaction');
  }
  if (!events.length) return;
  const values: unknown[] = [];
  const rows = events.map((e, i) => {
    values.push(e.topic, e.key, JSON.stringify(e.payload), producer);
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
