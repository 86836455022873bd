import { startSubgraph, type SubgraphContext, type SubgraphFactory } from '@agentry/subgraph-kit';
import { testDatabase } from './database';
import { testSecrets } from './identity';

/**
 * Starts a subgraph in this process on a free port against a fresh database, as its own process
 * would (migrations, services, identity check). `env` adds subgraph-specific settings; the
 * process environment is read but never changed.
 */
export async function startTestSubgraph<S, C extends SubgraphContext>(
  factory: SubgraphFactory<S, C>,
  options: { databaseUrl?: string; env?: NodeJS.ProcessEnv; label?: string } = {},
) {
  const secrets = await testSecrets();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: options.databaseUrl ?? (await testDatabase(options.label ?? 'subgraph')),
    GATEWAY_IDENTITY_PUBLIC_KEY: secrets.identity.publicKeyPem,
    SESSION_TOKEN_SECRET: secrets.sessionTokenSecret,
    AGENTRY_DEBUG_SQL: '1',
    ...options.env,
  };
  const running = await startSubgraph(factory, env);
  return { ...running, databaseUrl: env.DATABASE_URL! };
}
