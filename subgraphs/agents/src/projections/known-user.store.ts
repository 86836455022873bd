import type { EntityManager } from 'typeorm';
import type { Db } from '@agentry/subgraph-kit';

/* agents.known_users: the ids of every user who signed up, copied from user.registered. */

export async function addKnownUser(m: EntityManager, userId: string) {
  await m.query(
    'INSERT INTO agents.known_users (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING',
    [userId.toLowerCase()],
  );
}

export async function isKnownUser(db: Db, userId: string): Promise<boolean> {
  const rows: unknown[] = await db.query('SELECT 1 FROM agents.known_users WHERE user_id = $1', [
    userId,
  ]);
  return rows.length > 0;
}
