import { flag, loadConfig, runMode, z } from '@agentry/core';

/** Agents-specific configuration (the common subgraph settings are read by the kit). */
export function loadAgentsEnv(env: NodeJS.ProcessEnv) {
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
      /** How often registered MCP tool servers are re-described (default 5 minutes); 0: off. */
      TOOL_SERVER_REFRESH_MS: z.coerce
        .number()
        .int()
        .refine((n) => n === 0 || n >= 1000, 'TOOL_SERVER_REFRESH_MS must be 0 (off) or >= 1000')
        .default(300_000),
    },
    env,
  );
  // Tool servers are user-given URLs too: the same SSRF rule as agent cards.
  const allowPrivate = config.AGENTRY_ALLOW_PRIVATE_URLS ?? config.NODE_ENV !== 'production';
  return {
    ...config,
    cards: { allowPrivate, timeoutMs: CARD_TIMEOUT_MS } satisfies PeerSettings,
    tools: { allowPrivate, timeoutMs: TOOL_SERVER_TIMEOUT_MS } satisfies PeerSettings,
  };
}

/** A card that takes longer than this to arrive counts as unreachable. */
const CARD_TIMEOUT_MS = 5000;

/** An MCP server that takes longer than this to describe itself counts as unreachable. */
const TOOL_SERVER_TIMEOUT_MS = 5000;

/** How a peer fetched on a user's behalf (an agent's card, an MCP server) is reached. */
export interface PeerSettings {
  /** Whether its URL may resolve to private, loopback or link-local addresses. */
  allowPrivate: boolean;
  /** A peer slower than this counts as unreachable. */
  timeoutMs: number;
}
