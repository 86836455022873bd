import type { EntityManager } from 'typeorm';
import { conflict } from '@agentry/core';
import { publishEvents } from '@agentry/events';
import { isUniqueViolation } from '@agentry/subgraph-kit';
import type { Agent } from './agent.entity';
import { agentEvent } from './agent.events';
import type { AgentFields } from './agent-fields';
import { CARD_URL_KEY, insertAgent, isCardListed, takenSlugs } from './agent.store';
import { slugBase, slugCandidate } from './slug';

/** How many slug candidates one round checks; a name taken this often is rare. */
const SLUG_ROUND = 100;
const SLUG_ROUNDS = 10;

const cardConflict = () =>
  conflict('An agent with this card is already listed; refresh that one instead.');

/** Refuses a card that is already listed (before fetching it: a cheap and common mistake). */
export async function assertCardFree(m: EntityManager, cardUrl: string): Promise<void> {
  if (await isCardListed(m, cardUrl)) throw cardConflict();
}

/**
 * Inserts an agent with the first free slug for its name and publishes `agent.created`, in the
 * caller's transaction. Two creators racing for one slug both succeed: the unique index makes
 * the loser's insert a no-op, and it moves on to the next candidate.
 */
export async function createAgent(
  m: EntityManager,
  providerId: string,
  fields: AgentFields,
  card?: { cardUrl: string },
): Promise<Agent> {
  const base = slugBase(fields.name);
  // An agent read from its card was seen (and checked) just now.
  const seen = card ? () => 'now()' : null;
  let next = 1;
  for (let round = 0; round < SLUG_ROUNDS; round++) {
    const candidates = Array.from({ length: SLUG_ROUND }, (_, i) => slugCandidate(base, next + i));
    const taken = await takenSlugs(m, candidates);
    const index = candidates.findIndex((c) => !taken.has(c));
    if (index < 0) {
      next += SLUG_ROUND;
      continue;
    }
    let agent: Agent | null;
    try {
      agent = await insertAgent(m, {
        slug: candidates[index],
        providerId,
        cardUrl: card?.cardUrl ?? null,
        lastSeenAt: seen,
        cardCheckedAt: seen,
        ...fields,
      });
    } catch (err) {
      // Two registrations of one card racing: the unique index lets one through.
      if (isUniqueViolation(err, CARD_URL_KEY)) throw cardConflict();
      throw err;
    }
    if (agent) {
      await publishEvents(m, [agentEvent('agent.created', agent)]);
      return agent;
    }
    // Someone took this slug between our look and our insert: look again from here.
    next += index;
  }
  throw conflict('Could not find a free slug for this name; choose a more distinctive name.');
}
