import { loadConfig, z } from '@agentry/core';

/** Billing-specific configuration (the common subgraph settings are read by the kit). */
export function loadBillingEnv(env: NodeJS.ProcessEnv) {
  return loadConfig(
    'billing subgraph',
    {
      /** Credits every new user receives once (0 = off): 1000 for demos, 0 in production. */
      WELCOME_GRANT_CREDITS: z.coerce
        .number()
        .int()
        .min(0)
        .max(1_000_000_000)
        .default(env.NODE_ENV === 'production' ? 0 : 1000),
      /** The platform's share of a completed task's price, in 1/100 % (1000 = 10%). */
      PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(1000),
      /** A hold this old whose task never showed up in the events log is released. */
      ORPHAN_HOLD_SECONDS: z.coerce
        .number()
        .int()
        .min(1)
        .max(30 * 24 * 3600)
        .default(600),
      /** How often the orphaned-hold sweeper runs. */
      ORPHAN_SWEEP_MS: z.coerce
        .number()
        .int()
        .min(100)
        .max(24 * 3600 * 1000)
        .default(60_000),
    },
    env,
  );
}
export type BillingEnv = ReturnType<typeof loadBillingEnv>;
