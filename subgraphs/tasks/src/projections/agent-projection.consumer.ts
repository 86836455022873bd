import type { EntityManager } from 'typeorm';
import { startConsumer, type StoredEvent } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';

export const AGENT_TOPICS = ['agent.created', 'agent.updated'] as const;

/**
 * Keeps tasks.agents in step with the agents subgraph. Events arrive in log order, so the last
 * one wins; an upsert makes a replayed event harmless.
 */
async function applyAgentEvent(
  event: StoredEvent<(typeof AGENT_TOPICS)[number]>,
  m: EntityManager,
) {
  const p = event.payload;
  await m.query(
    `INSERT INTO tasks.agents (id, provider_id, name, price_credits, status, url, card_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET provider_id = excluded.provider_id, name = excluded.name,
         price_credits = excluded.price_credits, status = excluded.status,
         url = coalesce(excluded.url, tasks.agents.url), card_url = excluded.card_url,
         updated_at = now()`,
    [p.agentId, p.providerId, p.name, p.priceCredits, p.status, p.url ?? null, p.cardUrl ?? null],
  );
}

export async function startAgentProjection(deps: SubgraphDeps) {
  const consumer = await startConsumer({
    name: 'tasks.agents',
    topics: AGENT_TOPICS,
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: applyAgentEvent,
  });
  return () => consumer.stop();
}
