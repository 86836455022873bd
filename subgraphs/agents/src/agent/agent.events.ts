import type { DomainEvent } from '@agentry/events';
import type { Agent } from './agent.entity';

/**
 * `agent.created` / `agent.updated` for an agent as it now is. Skills go out without their
 * descriptions and examples: consumers match on what an agent can do, not on how it says so.
 */
export function agentEvent(
  topic: 'agent.created' | 'agent.updated',
  agent: Agent,
): DomainEvent<'agent.created' | 'agent.updated'> {
  return {
    topic,
    key: agent.id,
    payload: {
      agentId: agent.id,
      providerId: agent.providerId,
      slug: agent.slug,
      name: agent.name,
      url: agent.url,
      priceCredits: agent.priceCredits,
      status: agent.status,
      category: agent.category,
      cardUrl: agent.cardUrl,
      available: agent.available,
      tags: agent.tags,
      skills: agent.skills.map(({ id, name, tags }) => ({ id, name, tags })),
    },
  };
}
