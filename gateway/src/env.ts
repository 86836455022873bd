import path from 'node:path';
import { GATEWAY_SPEC, loadConfig, pem, port, runMode, subgraphUrlKey, z } from '@agentry/core';

export { SUBGRAPH_NAMES, subgraphUrlKey } from '@agentry/core';

/**
 * Gateway configuration. Subgraph URLs come from the supergraph (supergraph.yaml's routing_url);
 * `SUBGRAPH_<NAME>_URL` overrides one, e.g. when tests start subgraphs on free ports. Any name is
 * honoured, not only the subgraphs of the manifest; `subgraphUrls` is keyed by `subgraphUrlKey`.
 */
export function loadGatewayEnv(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    'gateway',
    {
      NODE_ENV: runMode,
      HOST: z.string().default('127.0.0.1'),
      PORT: port(GATEWAY_SPEC.port),
      SUPERGRAPH_PATH: z.string().default(path.join(__dirname, '..', '..', 'supergraph.graphql')),
      SESSION_TOKEN_SECRET: z
        .string({ error: 'SESSION_TOKEN_SECRET is required (npm start generates one)' })
        .min(32),
      GATEWAY_IDENTITY_PRIVATE_KEY: pem('GATEWAY_IDENTITY_PRIVATE_KEY'),
      /** The built web client served at `/` (default: web-client/dist of this checkout). */
      WEB_CLIENT_DIR: z.string().default(path.join(__dirname, '..', '..', 'web-client', 'dist')),
      /** Largest accepted request body (default 1mb). */
      BODY_LIMIT: z.string().default('1mb'),
    },
    env,
  );
  const subgraphUrls: Record<string, string> = {};
  for (const [key, url] of Object.entries(env)) {
    if (url && /^SUBGRAPH_[A-Z0-9_]+_URL$/.test(key)) subgraphUrls[key] = url;
  }
  /** The configured URL of a subgraph (by its supergraph name), if the environment sets one. */
  const subgraphUrlOverride = (name: string): string | undefined =>
    subgraphUrls[subgraphUrlKey(name)];
  return { ...config, subgraphUrls, subgraphUrlOverride };
}
export type GatewayEnv = ReturnType<typeof loadGatewayEnv>;
