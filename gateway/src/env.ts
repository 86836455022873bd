import path from 'node:path';
import { GATEWAY_SPEC, loadConfig, pem, port, runMode, subgraphUrlKey, z } from '@agentry/core';
import { parseTrustProxy } from './http/client-address';
import {
  DEFAULT_OPERATION_LIMITS as L,
  DEFAULT_RATE_LIMITS as R,
  type OperationLimits,
  type RateLimitOptions,
} from './limits';
import { DEFAULT_UPSTREAM_OPTIONS as U, type UpstreamOptions } from './upstream';

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
      /**
       * Bearer token `/metrics` requires. Without one, `/metrics` is open outside production and
       * not served in production (the gateway's port faces the internet).
       */
      METRICS_TOKEN: z.string().min(16).optional(),
      /** Set by devstack: echoed by /health and /ready (see @agentry/core INSTANCE_HEADER). */
      AGENTRY_INSTANCE_ID: z.string().optional(),
      /** Proxies trusted to set X-Forwarded-For (see http/client-address.ts). Default: none. */
      TRUST_PROXY: z.string().optional(),
      MAX_OPERATION_COST: int(1, 1e9, L.maxCost),
      MAX_DEPTH: int(1, 100, L.maxDepth),
      MAX_ALIASES: int(0, 1000, L.maxAliases),
      MAX_DIRECTIVES: int(0, 1000, L.maxDirectives),
      MAX_ROOT_FIELDS: int(1, 1000, L.maxRootFields),
      COST_LIST_SIZE: int(1, 10_000, L.assumedListSize),
      RATE_LIMIT_WINDOW_S: int(1, 86_400, R.windowSeconds),
      RATE_LIMIT_OPERATIONS: int(1, 1e9, R.operations),
      RATE_LIMIT_COST: int(1, 1e12, R.cost),
      SIGN_IN_LIMIT_PER_ACCOUNT: int(1, 1e9, R.signInPerAccount),
      SIGN_IN_LIMIT_PER_ADDRESS: int(1, 1e9, R.signInPerAddress),
      SIGN_IN_WINDOW_S: int(1, 86_400, R.signInWindowSeconds),
      SIGN_UP_LIMIT_PER_ADDRESS: int(1, 1e9, R.signUpPerAddress),
      SIGN_UP_WINDOW_S: int(1, 86_400 * 7, R.signUpWindowSeconds),
      UPSTREAM_CONNECTIONS: int(1, 10_000, U.connections),
      UPSTREAM_KEEP_ALIVE_MS: int(100, 600_000, U.keepAliveTimeoutMs),
      UPSTREAM_TIMEOUT_MS: int(1000, 3_600_000, U.timeoutMs),
      UPSTREAM_BREAKER_FAILURES: int(1, 1000, U.breakerFailures!),
      UPSTREAM_BREAKER_OPEN_MS: int(100, 600_000, U.breakerOpenMs!),
      /** Subscriptions open at once on one WebSocket (default 100). */
      MAX_SUBSCRIPTIONS_PER_SOCKET: int(1, 100_000, 100),
      /** Subscriptions open at once per user (anonymous: per client address), per gateway. */
      MAX_SUBSCRIPTIONS_PER_USER: int(1, 1_000_000, 500),
      /** How often open WebSockets' API keys, roles and sessions are re-checked (ms). */
      WS_CREDENTIAL_CHECK_MS: int(100, 5000, 2000),
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
  const limits: OperationLimits = {
    maxCost: config.MAX_OPERATION_COST,
    maxDepth: config.MAX_DEPTH,
    maxAliases: config.MAX_ALIASES,
    maxDirectives: config.MAX_DIRECTIVES,
    maxRootFields: config.MAX_ROOT_FIELDS,
    assumedListSize: config.COST_LIST_SIZE,
  };
  const rateLimits: RateLimitOptions = {
    windowSeconds: config.RATE_LIMIT_WINDOW_S,
    operations: config.RATE_LIMIT_OPERATIONS,
    cost: config.RATE_LIMIT_COST,
    signInPerAccount: config.SIGN_IN_LIMIT_PER_ACCOUNT,
    signInPerAddress: config.SIGN_IN_LIMIT_PER_ADDRESS,
    signInWindowSeconds: config.SIGN_IN_WINDOW_S,
    signUpPerAddress: config.SIGN_UP_LIMIT_PER_ADDRESS,
    signUpWindowSeconds: config.SIGN_UP_WINDOW_S,
  };
  const upstream: UpstreamOptions = {
    connections: config.UPSTREAM_CONNECTIONS,
    keepAliveTimeoutMs: config.UPSTREAM_KEEP_ALIVE_MS,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    breakerFailures: config.UPSTREAM_BREAKER_FAILURES,
    breakerOpenMs: config.UPSTREAM_BREAKER_OPEN_MS,
  };
  const trustProxy = parseTrustProxy(config.TRUST_PROXY);
  return { ...config, subgraphUrls, subgraphUrlOverride, limits, rateLimits, upstream, trustProxy };
}

/** An integer setting within [min, max] with its default. */
function int(min: number, max: number, byDefault: number) {
  return z.coerce.number().int().min(min).max(max).default(byDefault);
}
export type GatewayEnv = ReturnType<typeof loadGatewayEnv>;
