import { loadConfig, runMode, z } from '@agentry/core';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

/** Agents-specific configuration (the common subgraph settings are read by the kit). */
export function loadAgentsEnv(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    'agents subgraph',
    {
      NODE_ENV: runMode,
      /**
       * Let agent cards live on private, loopback or link-local addresses (default: outside
       * production only). In production that would let any publisher make us call the internal network.
       */
      AGENTRY_ALLOW_PRIVATE_URLS: flag.optional(),
      /** How often registered cards are re-read (default 5 minutes); 0 turns the refresher off. */
      AGENT_CARD_REFRESH_MS: z.coerce
        .number()
        .int()
        .refine((n) => n === 0 || n >= 1000, 'AGENT_CARD_REFRESH_MS must be 0 (off) or >= 1000')
        .default(300_000),
    },
    env,
  );
  return {
    ...config,
    cards: {
      allowPrivate: config.AGENTRY_ALLOW_PRIVATE_URLS ?? config.NODE_ENV !== 'production',
      timeoutMs: CARD_TIMEOUT_MS,
    } satisfies CardSettings,
  };
}
export type AgentsEnv = ReturnType<typeof loadAgentsEnv>;

/** A card that takes longer than this to arrive counts as unreachable. */
export const CARD_TIMEOUT_MS = 5000;

/** How cards are fetched. */
export interface CardSettings {
  allowPrivate: boolean;
  timeoutMs: number;
}
