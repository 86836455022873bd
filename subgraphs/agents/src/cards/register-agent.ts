import type { Agent } from '../agent/agent.entity';
import type { AgentsContext } from '../context';
import { assertCardFree, createAgent } from '../agent/create-agent';
import { normalizeCardUrl, readAgentCard } from './agent-card.reader';
import type { RegisterAgentInput } from './register-agent.input';

/** Lists an agent from its live card (one listing per card), and publishes `agent.created`. */
export async function registerAgent(
  ctx: AgentsContext,
  providerId: string,
  input: RegisterAgentInput,
): Promise<Agent> {
  const cardUrl = normalizeCardUrl(input.cardUrl);
  await assertCardFree(ctx.db.manager, cardUrl);
  // Fetched outside the transaction: a slow agent must not hold a connection and locks.
  const fields = await readAgentCard(
    cardUrl,
    { priceCredits: input.priceCredits, category: input.category, tags: input.tags ?? [] },
    ctx.cards,
  );
  const agent = await ctx.db.transaction((m) => createAgent(m, providerId, fields, { cardUrl }));
  ctx.log.info({ agentId: agent.id, slug: agent.slug, cardUrl }, 'agent registered');
  return agent;
}
