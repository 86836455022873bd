import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from 'pg';
import { DataSource, type Logger as OrmLogger, type MixedList, type EntitySchema } from 'typeorm';
import type { Logger } from '@agentry/core';

/**
 * Counts the SQL statements issued while serving GraphQL requests (background work such as
 * event consumers is not counted); the N+1 tests read it through `/debug/sql`.
 */
export class SqlCounter {
  count = 0;
}

/** Marks the async work of one GraphQL request, so only its statements are counted. */
export const requestScope = new AsyncLocalStorage<true>();

class CountingLogger implements OrmLogger {
  constructor(
    private readonly counter: SqlCounter,
    private readonly out: Logger,
  ) {}
  logQuery(query: string) {
    if (requestScope.getStore()) this.counter.count++;
    if (this.out.isLevelEnabled('trace')) this.out.trace({ query }, 'sql');
  }
  logQueryError(error: string | Error, query: string) {
    this.out.debug({ err: error, query }, 'sql error');
  }
  logQuerySlow(time: number, query: string) {
    this.out.warn({ time, query }, 'slow sql');
  }
  logSchemaBuild() {}
  logMigration(message: string) {
    this.out.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown) {
    if (level === 'warn') this.out.warn(`typeorm: ${String(message)}`);
  }
}

export interface SubgraphDataSourceOptions {
  /** PostgreSQL connection string. */
  url: string;
  /** The subgraph's own Postgres schema; it never touches another. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  log: Logger;
  /** Connection pool size per process (default 10). */
  poolSize?: number;
}

export function createSubgraphDataSource(options: SubgraphDataSourceOptions) {
  const counter = new SqlCounter();
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    logger: new CountingLogger(counter, options.log),
    maxQueryExecutionTime: 1000,
    extra: { max: options.poolSize ?? 10, application_name: `agentry-${options.schema}` },
  });
  return { dataSource, counter };
}

/**
 * Creates the schema and runs pending migrations, one replica at a time: an advisory lock held
 * on a separate connection makes concurrent starts wait instead of racing.
 */
export async function migrate(dataSource: DataSource, url: string, schema: string) {
  const lockClient = new Client({ connectionString: url });
  await lockClient.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock(hashtext($1))', [`agentry:migrate:${schema}`]);
    await lockClient.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    if (!dataSource.isInitialized) await dataSource.initialize();
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lockClient
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`agentry:migrate:${schema}`])
      .catch(() => {});
    await lockClient.end();
  }
}
