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
    cards: { allowPrivate, timeoutMs: CARD_TIMEOUT_MS } satisfies CardSettings,
    tools: { allowPrivate, timeoutMs: TOOL_SERVER_TIMEOUT_MS } satisfies ToolServerSettings,
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

/** An MCP server that takes longer than this to describe itself counts as unreachable. */
export const TOOL_SERVER_TIMEOUT_MS = 5000;

/** How MCP tool servers are reached. */
export interface ToolServerSettings {
  allowPrivate: boolean;
  timeoutMs: number;
}
