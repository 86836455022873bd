import type { GraphQLSchema } from 'graphql';
import type { DataSource, MixedList, EntitySchema } from 'typeorm';
import type express from 'express';
import { createIdentityVerifier, createLogger, type Identity, type Logger } from '@agentry/core';
import { ensureEventsSchema } from '@agentry/events';
import { createSubgraphDataSource, migrate } from './datasource';
import { createSubgraphServer, type RunningServer } from './server';
import { loadSubgraphEnv, type SubgraphEnv } from './subgraph-env';
import type { SubgraphContext } from './context';

export interface SubgraphDeps {
  env: SubgraphEnv;
  log: Logger;
  dataSource: DataSource;
  /** Checks a gateway identity token, e.g. on internal routes. */
  verifyIdentity: (token: string | undefined) => Promise<Identity | null>;
}

/** What makes a subgraph: its data, its schema and whatever runs beside the HTTP server. */
export interface SubgraphDefinition<C extends SubgraphContext = SubgraphContext> {
  /** Also the Postgres schema name and the supergraph.yaml key. */
  name: string;
  defaultPort: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  buildSchema: () => Promise<GraphQLSchema>;
  extendContext?: (base: SubgraphContext, deps: SubgraphDeps) => C;
  routes?: (app: express.Express, deps: SubgraphDeps) => void;
  /** Serve subscriptions over graphql-ws on `/graphql` (default false). */
  subscriptions?: boolean;
  /** Starts background work (event consumers, sweepers); returns how to stop it. */
  startWorkers?: (deps: SubgraphDeps) => Promise<() => Promise<void>>;
}

/** Migrates, builds and serves a subgraph; returns the running server and a stop function. */
export async function startSubgraph<C extends SubgraphContext>(
  def: SubgraphDefinition<C>,
  envSource: NodeJS.ProcessEnv = process.env,
): Promise<RunningServer & { deps: SubgraphDeps }> {
  const env = loadSubgraphEnv(def.name, def.defaultPort, envSource);
  const log = createLogger(def.name);
  const { dataSource, counter } = createSubgraphDataSource({
    url: env.DATABASE_URL,
    schema: def.name,
    entities: def.entities,
    migrations: def.migrations,
    log,
    poolSize: env.DATABASE_POOL_SIZE,
  });
  const applied = await migrate(dataSource, env.DATABASE_URL, def.name);
  await ensureEventsSchema(dataSource);
  if (applied.length) log.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  const verifyIdentity = await createIdentityVerifier(env.GATEWAY_IDENTITY_PUBLIC_KEY);
  const deps: SubgraphDeps = { env, log, dataSource, verifyIdentity };
  const server = await createSubgraphServer<C>({
    name: def.name,
    schema: await def.buildSchema(),
    dataSource,
    verifyIdentity,
    log,
    mode: env.NODE_ENV,
    extendContext: def.extendContext ? (base) => def.extendContext!(base, deps) : undefined,
    routes: def.routes ? (app) => def.routes!(app, deps) : undefined,
    debugSql: env.AGENTRY_DEBUG_SQL === '1' ? counter : undefined,
    subscriptions: def.subscriptions,
  });
  const stopWorkers = def.startWorkers ? await def.startWorkers(deps) : async () => {};
  const running = await server.listen(env.PORT, env.HOST);
  return {
    ...running,
    deps,
    stop: async () => {
      await stopWorkers();
      await running.stop();
    },
  };
}

/** Entry point of a subgraph process: start, and stop cleanly on SIGINT/SIGTERM. */
export function runSubgraphProcess<C extends SubgraphContext>(def: SubgraphDefinition<C>) {
  startSubgraph(def).then(
    (running) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        running.deps.log.info({ signal }, 'stopping');
        running.stop().then(
          () => process.exit(0),
          (err) => {
            running.deps.log.error({ err }, 'stop failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    },
    (err) => {
      console.error(
        `${def.name} subgraph failed to start: ${err instanceof Error ? err.message : String(err)}`,
      );
      process.exit(1);
    },
  );
}
