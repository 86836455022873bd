import path from 'node:path';
import { loadConfig, pem, port, runMode, z } from '@agentry/core';

export const SUBGRAPH_NAMES = ['users', 'agents', 'billing', 'reviews', 'tasks'] as const;

/**
 * Gateway configuration. Subgraph URLs come from the supergraph (supergraph.yaml's routing_url);
 * `SUBGRAPH_<NAME>_URL` overrides one, e.g. when tests start subgraphs on free ports.
 */
export function loadGatewayEnv(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    'gateway',
    {
      NODE_ENV: runMode,
      HOST: z.string().default('127.0.0.1'),
      PORT: port(4000),
      SUPERGRAPH_PATH: z.string().default(path.join(__dirname, '..', '..', 'supergraph.graphql')),
      SESSION_TOKEN_SECRET: z
        .string({ error: 'SESSION_TOKEN_SECRET is required (npm start generates one)' })
        .min(32),
      GATEWAY_IDENTITY_PRIVATE_KEY: pem('GATEWAY_IDENTITY_PRIVATE_KEY'),
      /** Largest accepted request body (default 1mb). */
      BODY_LIMIT: z.string().default('1mb'),
    },
    env,
  );
  const subgraphUrls: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = env[`SUBGRAPH_${name.toUpperCase()}_URL`];
    if (url) subgraphUrls[name] = url;
  }
  return { ...config, subgraphUrls };
}
export type GatewayEnv = ReturnType<typeof loadGatewayEnv>;
