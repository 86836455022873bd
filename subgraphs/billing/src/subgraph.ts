import type { Consumer } from '@agentry/events';
import type { SubgraphDefinition } from '@agentry/subgraph-kit';
import type { BillingContext } from './context';
import { loadBillingEnv } from './env';
import { LedgerEntry } from './ledger-entry.entity';
import { InitBilling1764200000000 } from './migrations/1764200000000-init-billing';
import { buildSchema } from './schema';
import { Wallet } from './wallet.entity';
import { startWelcomeConsumer } from './welcome.consumer';

export const billingSubgraph = (): SubgraphDefinition<BillingContext> => {
  const billingEnv = loadBillingEnv();
  // Set by startWorkers, read per request: resolvers catch up on registrations through it.
  let welcomeGrants: Consumer | null = null;
  return {
    name: 'billing',
    defaultPort: 4003,
    entities: [Wallet, LedgerEntry],
    migrations: [InitBilling1764200000000],
    buildSchema,
    extendContext: (base) => ({ ...base, welcomeGrants }),
    startWorkers: async (deps) => {
      const consumer = await startWelcomeConsumer(deps, billingEnv.WELCOME_GRANT_CREDITS);
      welcomeGrants = consumer;
      return async () => {
        welcomeGrants = null;
        await consumer.stop();
      };
    },
  };
};
