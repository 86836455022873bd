import type { Consumer } from '@agentry/events';
import type { SubgraphDefinition } from '@agentry/subgraph-kit';
import type { BillingContext } from './context';
import { loadBillingEnv } from './env';
import { holdsRoutes } from './holds.route';
import { LedgerEntry } from './ledger-entry.entity';
import { InitBilling1764200000000 } from './migrations/1764200000000-init-billing';
import { TaskSettlement1764250000000 } from './migrations/1764250000000-task-settlement';
import { startOrphanSweeper } from './orphan-sweeper';
import { buildSchema } from './schema';
import { startSettlementConsumer } from './settlement.consumer';
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
    migrations: [InitBilling1764200000000, TaskSettlement1764250000000],
    buildSchema,
    extendContext: (base) => ({ ...base, welcomeGrants }),
    routes: (app, deps) => holdsRoutes(app, deps, () => welcomeGrants),
    startWorkers: async (deps) => {
      const consumer = await startWelcomeConsumer(deps, billingEnv.WELCOME_GRANT_CREDITS);
      welcomeGrants = consumer;
      const settlement = await startSettlementConsumer(deps, billingEnv.PLATFORM_FEE_BPS).catch(
        async (err: unknown) => {
          welcomeGrants = null;
          await consumer.stop();
          throw err;
        },
      );
      const stopSweeper = startOrphanSweeper(deps.dataSource, {
        intervalMs: billingEnv.ORPHAN_SWEEP_MS,
        olderThanSeconds: billingEnv.ORPHAN_HOLD_SECONDS,
        settlement,
        log: deps.log,
      });
      return async () => {
        welcomeGrants = null;
        await stopSweeper();
        await Promise.all([consumer.stop(), settlement.stop()]);
      };
    },
  };
};
