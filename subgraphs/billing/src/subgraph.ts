import type { SubgraphFactory } from '@agentry/subgraph-kit';
import type { BillingContext, BillingServices } from './context';
import { loadBillingEnv } from './env';
import { holdsRoutes } from './holds/holds.route';
import { LedgerEntry } from './ledger/ledger-entry.entity';
import { Wallet } from './ledger/wallet.entity';
import { InitBilling1764200000000 } from './migrations/1764200000000-init-billing';
import { TaskSettlement1764250000000 } from './migrations/1764250000000-task-settlement';
import { CreditsRange1765000000000 } from './migrations/1765000000000-credits-range';
import { buildSchema } from './schema';
import { startOrphanSweeper } from './settlement/orphan-sweeper.worker';
import { startSettlementConsumer } from './settlement/settlement.consumer';
import { startWelcomeConsumer } from './welcome/welcome.consumer';

export const billingSubgraph: SubgraphFactory<BillingServices, BillingContext> = (env) => {
  const billingEnv = loadBillingEnv(env);
  return {
    name: 'billing',
    entities: [Wallet, LedgerEntry],
    migrations: [InitBilling1764200000000, TaskSettlement1764250000000, CreditsRange1765000000000],
    buildSchema,
    start: async (deps) => {
      const welcomeGrants = await startWelcomeConsumer(deps, billingEnv.WELCOME_GRANT_CREDITS);
      const settlement = await startSettlementConsumer(deps, billingEnv.PLATFORM_FEE_BPS).catch(
        async (err: unknown) => {
          await welcomeGrants.stop();
          throw err;
        },
      );
      const stopSweeper = startOrphanSweeper(deps.dataSource, {
        intervalMs: billingEnv.ORPHAN_SWEEP_MS,
        olderThanSeconds: billingEnv.ORPHAN_HOLD_SECONDS,
        settlement,
        log: deps.log,
      });
      return {
        services: { welcomeGrants },
        stop: async () => {
          await stopSweeper();
          await Promise.all([welcomeGrants.stop(), settlement.stop()]);
        },
      };
    },
    context: (base, services) => ({ ...base, ...services }),
    routes: (app, deps, services) => holdsRoutes(app, deps, services.welcomeGrants),
  };
};
