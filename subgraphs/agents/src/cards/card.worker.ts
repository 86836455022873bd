import type { DataSource } from 'typeorm';
import type { Logger } from '@agentry/core';
import { claimDueCards, type CardAgent } from '../agent/agent.store';
import type { CardSettings } from '../env';
import {
  refreshRound,
  startRefresher,
  type RefreshTarget,
  type RoundOptions,
} from '../shared/refresher';
import { checkAgentCard } from './agent-card.reader';
import { recordCardCheck } from './card-check';

/**
 * The cards of agents registered from one: read again in rounds, each outcome recorded (and
 * published when it changed something). Agents whose card stops answering become unavailable;
 * they become available again once it answers.
 */
const agentCards = (
  dataSource: DataSource,
  settings: CardSettings,
): RefreshTarget<CardAgent, 'available' | 'unavailable'> => ({
  what: 'agent card',
  idField: 'agentId',
  outcomes: ['available', 'unavailable'],
  claim: (limit) => claimDueCards(dataSource.manager, limit),
  refresh: async (agent) => {
    const check = await checkAgentCard(agent.cardUrl, agent, settings);
    const saved = await dataSource.transaction((m) =>
      recordCardCheck(m, agent.id, check, { publish: 'onChange' }),
    );
    if (!saved) return null;
    return saved.available ? 'available' : 'unavailable';
  },
});

/** One round of the card refresher (see refreshRound). */
export const refreshAgentCardsOnce = (
  dataSource: DataSource,
  settings: CardSettings,
  log: Logger,
  options?: RoundOptions,
) => refreshRound(agentCards(dataSource, settings), log, options);

/** Reads due cards every `intervalMs` (0: never); returns the stop function. */
export const startCardRefresher = ({
  dataSource,
  log,
  settings,
  intervalMs,
}: {
  dataSource: DataSource;
  log: Logger;
  settings: CardSettings;
  intervalMs: number;
}) => startRefresher(agentCards(dataSource, settings), intervalMs, log);
