import { loadConfig, z } from '@agentry/core';

/** Billing-specific configuration (the common subgraph settings are read by the kit). */
export function loadBillingEnv(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    'billing subgraph',
    {
      /** Credits every new user receives once; 0 turns the welcome grant off. */
      WELCOME_GRANT_CREDITS: z.coerce.number().int().min(0).max(1_000_000_000).default(1000),
    },
    env,
  );
}
export type BillingEnv = ReturnType<typeof loadBillingEnv>;
