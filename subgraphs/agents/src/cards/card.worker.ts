import type { DataSource } from 'typeorm';
import type { Logger } from '@agentry/core';
import { forEachConcurrently, runPeriodically } from '@agentry/subgraph-kit';
import { checkAgentCard } from './agent-card.reader';
import { recordCardCheck } from '../agent/agent.service';
import type { CardSettings } from '../env';

/** Cards one round reads at most, and how many at once (a slow card holds only its slot). */
export const ROUND_SIZE = 50;
export const ROUND_CONCURRENCY = 4;

export interface CardRoundResult {
  checked: number;
  available: number;
  unavailable: number;
}

/**
 * One round of the refresher: claims the least recently checked cards (stamping card_checked_at,
 * so a second process running a round at the same time takes others), reads them a few at a time
 * and records each outcome in its own transaction. Agents whose card stops answering become
 * unavailable; they become available again once it answers.
 */
export async function refreshAgentCardsOnce(
  dataSource: DataSource,
  settings: CardSettings,
  log: Logger,
  { limit = ROUND_SIZE, concurrency = ROUND_CONCURRENCY } = {},
): Promise<CardRoundResult> {
  // The UPDATE sits in a CTE so the driver hands back its rows, not a [rows, count] pair.
  const due: {
    id: string;
    cardUrl: string;
    priceCredits: number;
    category: string;
    tags: string[];
  }[] = await dataSource.query(
    `WITH due AS (
         SELECT id FROM agents.agents
          WHERE card_url IS NOT NULL
          ORDER BY card_checked_at ASC NULLS FIRST, id
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE agents.agents a SET card_checked_at = now() FROM due WHERE a.id = due.id
         RETURNING a.id, a.card_url AS "cardUrl", a.price_credits AS "priceCredits", a.category,
                   a.tags
       )
       SELECT * FROM claimed`,
    [limit],
  );
  const result: CardRoundResult = { checked: 0, available: 0, unavailable: 0 };
  await forEachConcurrently(due, concurrency, async (agent) => {
    try {
      const check = await checkAgentCard(agent.cardUrl, agent, settings);
      const saved = await dataSource.transaction((m) =>
        recordCardCheck(m, agent.id, check, { publish: 'onChange' }),
      );
      if (!saved) return;
      result.checked++;
      if (saved.available) result.available++;
      else result.unavailable++;
    } catch (err) {
      // One agent's trouble (or a database hiccup) must not end the round for the others.
      log.error({ err, agentId: agent.id }, 'agent card check failed');
    }
  });
  if (result.checked) log.info({ ...result }, 'agent cards refreshed');
  return result;
}

/**
 * Runs a round every `intervalMs` (0: never) on an unref'd timer, so it never keeps a process
 * alive; a round still running when the next is due lets that one pass. Returns the stop function,
 * which waits for a round in flight.
 */
export async function startCardRefresher({
  dataSource,
  log,
  settings,
  intervalMs,
}: {
  dataSource: DataSource;
  log: Logger;
  settings: CardSettings;
  intervalMs: number;
}): Promise<() => Promise<void>> {
  return runPeriodically(
    intervalMs,
    () => refreshAgentCardsOnce(dataSource, settings, log),
    (err) => log.error({ err }, 'agent card round failed'),
  );
}
