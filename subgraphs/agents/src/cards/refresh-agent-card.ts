import type { Agent } from '../agent/agent.entity';
import type { AgentsContext } from '../context';
import { checkAgentCard } from './agent-card.reader';
import { recordCardCheck } from './card-check';

/**
 * Reads an agent's card again and records what came of it (see recordCardCheck); null when the
 * agent lost its card meanwhile.
 */
export async function refreshAgentCard(
  ctx: AgentsContext,
  agent: Agent,
  cardUrl: string,
): Promise<Agent | null> {
  const check = await checkAgentCard(cardUrl, agent, ctx.cards);
  return ctx.db.transaction((m) => recordCardCheck(m, agent.id, check, { publish: 'always' }));
}
