import type { EntityManager } from 'typeorm';
import { startConsumer, type StoredEvent } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';

export const PROJECTION_TOPICS = ['agent.created', 'agent.updated', 'task.completed'] as const;

/**
 * Keeps reviews.agents and reviews.eligibility in step with the agents and tasks subgraphs.
 * Upserts make a replayed event harmless; events arrive in log order, so the last one wins.
 */
async function applyProjectionEvent(
  event: StoredEvent<(typeof PROJECTION_TOPICS)[number]>,
  m: EntityManager,
) {
  if (event.topic === 'task.completed') {
    const p = event.payload;
    await m.query(
      `INSERT INTO reviews.eligibility AS e (user_id, agent_id, task_id, completed_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, agent_id) DO UPDATE
           SET task_id = excluded.task_id, completed_at = excluded.completed_at
           WHERE excluded.completed_at > e.completed_at`,
      [p.requesterId, p.agentId, p.taskId, p.completedAt],
    );
    return;
  }
  const p = event.payload;
  await m.query(
    `INSERT INTO reviews.agents (id, provider_id, status) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET provider_id = excluded.provider_id,
         status = excluded.status, updated_at = now()`,
    [p.agentId, p.providerId, p.status],
  );
}

export async function startProjections(deps: SubgraphDeps) {
  const consumer = await startConsumer({
    name: 'reviews.projections',
    topics: PROJECTION_TOPICS,
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: applyProjectionEvent,
  });
  return () => consumer.stop();
}
