import {
  startSubgraph,
  type SubgraphContext,
  type SubgraphDefinition,
} from '@agentry/subgraph-kit';
import { testDatabase } from './database';
import { testSecrets } from './identity';

/**
 * Starts a subgraph in this process on a free port against a fresh database, as its own process
 * would (migrations, identity check, workers). `env` adds subgraph-specific settings.
 */
export async function startTestSubgraph<C extends SubgraphContext>(
  def: SubgraphDefinition<C> | (() => SubgraphDefinition<C>),
  options: { databaseUrl?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const secrets = await testSecrets();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL:
      options.databaseUrl ??
      (await testDatabase(typeof def === 'function' ? 'subgraph' : def.name)),
    GATEWAY_IDENTITY_PUBLIC_KEY: secrets.identity.publicKeyPem,
    SESSION_TOKEN_SECRET: secrets.sessionTokenSecret,
    AGENTRY_DEBUG_SQL: '1',
    ...options.env,
  };
  const saved = { ...process.env };
  // Definitions read their own settings from process.env when they are created.
  Object.assign(process.env, env);
  try {
    const definition = typeof def === 'function' ? def() : def;
    const running = await startSubgraph(definition, env);
    return { ...running, databaseUrl: env.DATABASE_URL! };
  } finally {
    for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}
