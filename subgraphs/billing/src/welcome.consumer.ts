import { startConsumer, type StoredEvent } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import type { EntityManager } from 'typeorm';
import { isUuid } from '@agentry/subgraph-kit';
import { grantWelcome } from './ledger';

export const WELCOME_CONSUMER = 'billing.wallets';

/**
 * Opens a wallet for every new user and grants the welcome credits, in the consumer's own
 * transaction so that the grant and the offset commit together. The grant is keyed by user, so
 * a user.registered event published twice still grants once.
 */
export function startWelcomeConsumer(deps: SubgraphDeps, welcomeCredits: number) {
  return startConsumer({
    name: WELCOME_CONSUMER,
    topics: ['user.registered'],
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: async (event: StoredEvent<{ userId?: unknown }>, manager: EntityManager) => {
      const userId = event.payload?.userId;
      if (typeof userId !== 'string' || !isUuid(userId)) {
        // Retrying cannot fix a malformed event; skipping it keeps the consumer moving.
        deps.log.warn({ eventId: event.id }, 'user.registered without a valid userId skipped');
        return;
      }
      await grantWelcome(manager, userId, welcomeCredits);
    },
  });
}
