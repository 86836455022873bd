import type { EntityManager } from 'typeorm';
import type { PayloadOf } from '@agentry/events';
import type { Db } from '@agentry/subgraph-kit';

/*
 * The only code that runs SQL on reviews.agents and reviews.eligibility, the local copies of the
 * agents and tasks subgraphs' facts. Upserts make a replayed event harmless.
 */

export async function upsertAgent(
  m: EntityManager,
  p: PayloadOf<'agent.created' | 'agent.updated'>,
) {
  await m.query(
    `INSERT INTO reviews.agents (id, provider_id, status) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET provider_id = excluded.provider_id,
         status = excluded.status, updated_at = now()`,
    [p.agentId, p.providerId, p.status],
  );
}

/** Keeps the latest completed task per user and agent. */
export async function upsertEligibility(m: EntityManager, p: PayloadOf<'task.completed'>) {
  await m.query(
    `INSERT INTO reviews.eligibility AS e (user_id, agent_id, task_id, completed_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, agent_id) DO UPDATE
         SET task_id = excluded.task_id, completed_at = excluded.completed_at
         WHERE excluded.completed_at > e.completed_at`,
    [p.requesterId, p.agentId, p.taskId, p.completedAt],
  );
}

/** Who provides the agent; null if this subgraph has not heard of it. */
export async function agentProvider(m: EntityManager, agentId: string): Promise<string | null> {
  const [agent]: { providerId: string }[] = await m.query(
    'SELECT provider_id AS "providerId" FROM reviews.agents WHERE id = $1',
    [agentId],
  );
  return agent?.providerId ?? null;
}

/** Whether the user has had a task completed by the agent (and so may review it). */
export async function hasCompletedTask(m: EntityManager, userId: string, agentId: string) {
  const rows = await m.query(
    'SELECT 1 FROM reviews.eligibility WHERE user_id = $1 AND agent_id = $2',
    [userId, agentId],
  );
  return rows.length > 0;
}

/** What this subgraph knows of these agents (who provides them, their status). */
export function agentsByIds(
  db: Db,
  ids: readonly string[],
): Promise<{ id: string; providerId: string; status: string }[]> {
  return db.query(
    'SELECT id, provider_id AS "providerId", status FROM reviews.agents WHERE id = ANY($1::uuid[])',
    [ids],
  );
}
