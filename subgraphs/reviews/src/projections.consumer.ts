import type { EntityManager } from 'typeorm';
import type { Logger } from '@agentry/core';
import { startConsumer, type StoredEvent } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import { isUuid } from '@agentry/subgraph-kit';

export const PROJECTION_TOPICS = ['agent.created', 'agent.updated', 'task.completed'];

interface AgentPayload {
  agentId: string;
  providerId: string;
  status: string;
}

interface TaskCompletedPayload {
  taskId: string;
  agentId: string;
  requesterId: string;
  completedAt: string;
}

const isAgentPayload = (p: any): p is AgentPayload =>
  isUuid(p?.agentId) && isUuid(p?.providerId) && typeof p.status === 'string';

const isTaskCompletedPayload = (p: any): p is TaskCompletedPayload =>
  isUuid(p?.taskId) &&
  isUuid(p?.agentId) &&
  isUuid(p?.requesterId) &&
  typeof p.completedAt === 'string' &&
  !Number.isNaN(Date.parse(p.completedAt));

/**
 * Keeps reviews.agents and reviews.eligibility in step with the agents and tasks subgraphs.
 * Upserts make a replayed event harmless; events arrive in log order, so the last one wins.
 */
export function applyProjectionEvent(log: Logger) {
  return async (event: StoredEvent, m: EntityManager) => {
    const p = event.payload;
    if (event.topic === 'task.completed') {
      // A malformed event is skipped, not retried forever: it would block every later one.
      if (!isTaskCompletedPayload(p)) {
        log.warn({ eventId: event.id, topic: event.topic }, 'skipping malformed task event');
        return;
      }
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
    if (!isAgentPayload(p)) {
      log.warn({ eventId: event.id, topic: event.topic }, 'skipping malformed agent event');
      return;
    }
    await m.query(
      `INSERT INTO reviews.agents (id, provider_id, status) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET provider_id = excluded.provider_id,
         status = excluded.status, updated_at = now()`,
      [p.agentId, p.providerId, p.status],
    );
  };
}

export async function startProjections(deps: SubgraphDeps) {
  const consumer = await startConsumer({
    name: 'reviews.projections',
    topics: PROJECTION_TOPICS,
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: applyProjectionEvent(deps.log),
  });
  return () => consumer.stop();
}
