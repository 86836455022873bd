import type { Agent } from '../agent/agent.entity';
import { claimDueCards, type CardAgent } from '../agent/agent.store';
import type { PeerSettings } from '../env';
import type { RefreshTarget } from '../shared/refresher';
import { checkAgentCard } from './agent-card.reader';
import { recordCardCheck, type CardCheck } from './card-check';

/**
 * The cards of agents registered from one, for the periodic refresher: each is read again and
 * what came of it recorded (and published only when it changed something). Agents whose card
 * stops answering become unavailable; they become available again once it answers.
 */
export const agentCards = (
  settings: PeerSettings,
): RefreshTarget<CardAgent, CardCheck, Agent, 'available' | 'unavailable'> => ({
  what: 'agent card',
  idField: 'agentId',
  outcomes: ['available', 'unavailable'],
  claim: claimDueCards,
  check: (agent) => checkAgentCard(agent.cardUrl, agent, settings),
  record: (m, agent, check) => recordCardCheck(m, agent.id, check, { publish: 'onChange' }),
  outcome: (saved) => (saved.available ? 'available' : 'unavailable'),
});
