import { startConsumer } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import { grantWelcome } from '../ledger/ledger.store';

const WELCOME_CONSUMER = 'billing.wallets';

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
    handle: (event, manager) => grantWelcome(manager, event.payload.userId, welcomeCredits),
  });
}
