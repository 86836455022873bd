import type { EntityManager } from 'typeorm';
import type { Logger } from '@agentry/core';
import { startConsumer, type StoredEvent } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import { isUuid } from '@agentry/subgraph-kit';

export const AGENT_TOPICS = ['agent.created', 'agent.updated'];

interface AgentPayload {
  agentId: string;
  providerId: string;
  name: string;
  priceCredits: number;
  status: string;
  /** The agent's A2A endpoint (events before it was added lack it). */
  url?: string;
  /** Where its card is read; null for agents entered by hand (their url is the base). */
  cardUrl?: string | null;
}

const isAgentPayload = (p: any): p is AgentPayload =>
  isUuid(p?.agentId) &&
  isUuid(p?.providerId) &&
  typeof p.name === 'string' &&
  Number.isSafeInteger(p.priceCredits) &&
  p.priceCredits >= 0 &&
  typeof p.status === 'string';

/**
 * Keeps tasks.agents in step with the agents subgraph. Events arrive in log order, so the last
 * one wins; an upsert makes a replayed event harmless.
 */
export function applyAgentEvent(log: Logger) {
  return async (event: StoredEvent, m: EntityManager) => {
    const p = event.payload;
    // A malformed event is skipped, not retried forever: it would block every later one.
    if (!isAgentPayload(p)) {
      log.warn({ eventId: event.id, topic: event.topic }, 'skipping malformed agent event');
      return;
    }
    await m.query(
      `INSERT INTO tasks.agents (id, provider_id, name, price_credits, status, url, card_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET provider_id = excluded.provider_id, name = excluded.name,
         price_credits = excluded.price_credits, status = excluded.status,
         url = coalesce(excluded.url, tasks.agents.url), card_url = excluded.card_url,
         updated_at = now()`,
      [
        p.agentId,
        p.providerId,
        p.name,
        p.priceCredits,
        p.status,
        typeof p.url === 'string' ? p.url : null,
        typeof p.cardUrl === 'string' ? p.cardUrl : null,
      ],
    );
  };
}

export async function startAgentProjection(deps: SubgraphDeps) {
  const consumer = await startConsumer({
    name: 'tasks.agents',
    topics: AGENT_TOPICS,
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: applyAgentEvent(deps.log),
  });
  return () => consumer.stop();
}
