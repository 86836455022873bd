import { loadConfig, pem, port, runMode, z } from '@agentry/core';

/**
 * Configuration every subgraph reads. `PORT` defaults to the subgraph's own port;
 * `DATABASE_URL` is required (npm start points it at embedded PostgreSQL).
 */
export function loadSubgraphEnv(
  name: string,
  defaultPort: number,
  env: NodeJS.ProcessEnv = process.env,
) {
  return loadConfig(
    `${name} subgraph`,
    {
      NODE_ENV: runMode,
      HOST: z.string().default('127.0.0.1'),
      PORT: port(defaultPort),
      DATABASE_URL: z
        .string({
          error: 'DATABASE_URL is required, e.g. postgres://user:pass@127.0.0.1:5432/agentry',
        })
        .min(1),
      DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
      GATEWAY_IDENTITY_PUBLIC_KEY: pem('GATEWAY_IDENTITY_PUBLIC_KEY'),
      /**
       * Idle keep-alive timeout of the HTTP server (default 65 s): above the gateway's upstream
       * idle timeout, so the gateway closes idle connections first (see docs/OPERATIONS.md).
       */
      HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(65_000),
      /** Serve `/debug/sql` (statement counter) — tests use it to prove there is no N+1. */
      AGENTRY_DEBUG_SQL: z.enum(['0', '1']).default('0'),
      /** When set, `/metrics` requires `Authorization: Bearer <METRICS_TOKEN>`. */
      METRICS_TOKEN: z.string().min(16).optional(),
    },
    env,
  );
}
export type SubgraphEnv = ReturnType<typeof loadSubgraphEnv>;
