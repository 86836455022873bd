import type { GraphQLSchema } from 'graphql';
import type { DataSource, MixedList, EntitySchema } from 'typeorm';
import type express from 'express';
import {
  createIdentityVerifier,
  createLogger,
  exitOnShutdown,
  INSTANCE_ENV,
  serviceSpec,
  type Identity,
  type Logger,
  type SubgraphName,
} from '@agentry/core';
import { ensureEventsSchema, runningConsumers } from '@agentry/events';
import {
  createServiceMetrics,
  databaseMetrics,
  type PoolCounts,
  type ServiceMetrics,
} from '@agentry/metrics';
import { createSubgraphDataSource, migrate } from './datasource';
import { createSubgraphServer, type RunningServer } from './server';
import { loadSubgraphEnv, type SubgraphEnv } from './subgraph-env';
import type { SubgraphContext } from './context';

/** What the kit hands a subgraph's services: its settings, logger, database and identity check. */
export interface SubgraphDeps {
  env: SubgraphEnv;
  log: Logger;
  dataSource: DataSource;
  /** Checks a gateway identity token, e.g. on internal routes. */
  verifyIdentity: (token: string | undefined) => Promise<Identity | null>;
  /** The service's Prometheus registry (served at `/metrics`); services add their own series. */
  metrics: ServiceMetrics;
}

/** A subgraph's running services and how to stop them. */
export interface StartedServices<S> {
  services: S;
  stop(): Promise<void>;
}

/**
 * What makes a subgraph: its data, its schema, and the services that run beside the HTTP server.
 * `S` is the subgraph's own services object (event consumers, runners, clients), started before
 * the server listens and handed, never null, to every request's context and to its routes.
 */
export interface SubgraphDefinition<
  S = Record<string, never>,
  C extends SubgraphContext = SubgraphContext,
> {
  /** Also the Postgres schema name and the supergraph key; its port comes from the manifest. */
  name: SubgraphName;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  buildSchema: () => Promise<GraphQLSchema>;
  /**
   * Starts what runs beside the server (event consumers, sweepers, the task runner) after the
   * migrations and before the server listens, so no request meets a service that is not running.
   */
  start?: (deps: SubgraphDeps) => Promise<StartedServices<S>>;
  /** The per-request context: the kit's base plus what this subgraph's resolvers need. */
  context?: (base: SubgraphContext, services: S) => C;
  /** Extra routes (internal endpoints), mounted before `/graphql`. */
  routes?: (app: express.Express, deps: SubgraphDeps, services: S) => void;
  /** Serve subscriptions over graphql-ws on `/graphql` (default false). */
  subscriptions?: boolean;
}

/**
 * Builds a subgraph's definition from its configuration source. Subgraphs read their settings
 * from the environment they are given, never from `process.env`, so tests can start several
 * side by side.
 */
export type SubgraphFactory<
  S = Record<string, never>,
  C extends SubgraphContext = SubgraphContext,
> = (env: NodeJS.ProcessEnv) => SubgraphDefinition<S, C>;

/** A started subgraph: its server, the kit's dependencies and its own services. */
export interface RunningSubgraph<S = unknown> extends RunningServer {
  deps: SubgraphDeps;
  services: S;
}

/**
 * Migrates, starts the services, then serves a subgraph. Stopping drains the server first, then
 * stops the services, then closes the database.
 */
export async function startSubgraph<S, C extends SubgraphContext>(
  factory: SubgraphFactory<S, C>,
  envSource: NodeJS.ProcessEnv = process.env,
): Promise<RunningSubgraph<S>> {
  const def = factory(envSource);
  const env = loadSubgraphEnv(def.name, serviceSpec(def.name).port, envSource);
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
  const metrics = createServiceMetrics(def.name);
  databaseMetrics(metrics, {
    query: (sql, params) => dataSource.query(sql, params),
    // TypeORM's Postgres driver keeps its pg Pool as `master`.
    pool: () => (dataSource.driver as unknown as { master?: PoolCounts }).master,
    consumers: runningConsumers,
  });
  const deps: SubgraphDeps = { env, log, dataSource, verifyIdentity, metrics };
  const closeDatabase = async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
  };

  let started: StartedServices<S>;
  try {
    started = def.start ? await def.start(deps) : { services: {} as S, stop: async () => {} };
  } catch (err) {
    await closeDatabase();
    throw err;
  }
  const { services } = started;
  let running: RunningServer;
  try {
    const server = await createSubgraphServer<C>({
      name: def.name,
      schema: await def.buildSchema(),
      dataSource,
      verifyIdentity,
      log,
      mode: env.NODE_ENV,
      extendContext: def.context ? (base) => def.context!(base, services) : undefined,
      routes: def.routes ? (app) => def.routes!(app, deps, services) : undefined,
      debugSql: env.AGENTRY_DEBUG_SQL === '1' ? counter : undefined,
      subscriptions: def.subscriptions,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      metrics,
      metricsToken: env.METRICS_TOKEN,
      instanceId: envSource[INSTANCE_ENV],
    });
    running = await server.listen(env.PORT, env.HOST);
  } catch (err) {
    await started.stop().catch(() => {});
    await closeDatabase();
    throw err;
  }
  return {
    ...running,
    deps,
    services,
    stop: async () => {
      await running.stop();
      await started.stop();
      await closeDatabase();
    },
  };
}

/** Entry point of a subgraph process: start, and stop cleanly (and boundedly) on shutdown. */
export function runSubgraphProcess<S, C extends SubgraphContext>(
  name: SubgraphName,
  factory: SubgraphFactory<S, C>,
) {
  startSubgraph(factory, process.env).then(
    (running) => {
      exitOnShutdown(
        async (reason) => {
          running.deps.log.info({ reason }, 'stopping');
          await running.stop();
        },
        { onError: (err) => running.deps.log.error({ err }, 'stop failed') },
      );
    },
    (err) => {
      console.error(
        `${name} subgraph failed to start: ${err instanceof Error ? err.message : String(err)}`,
      );
      process.exit(1);
    },
  );
}
