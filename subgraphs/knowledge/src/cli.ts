import 'reflect-metadata';
import { createLogger } from '@agentry/core';
import { ensureEventsSchema } from '@agentry/events';
import { createSubgraphDataSource } from '@agentry/subgraph-kit';
import { loadKnowledgeEnv } from './env';
import { GraphClient } from './graph/graph.client';
import { rebuildGraph } from './projection/projection.consumer';

/**
 * `npm run rebuild -w @agentry/knowledge` (or `node -r ./scripts/register.js
 * subgraphs/knowledge/src/cli.ts rebuild`): empties the knowledge graph and applies the whole
 * events log again. Reads DATABASE_URL and NEO4J_URL (+ NEO4J_USER, NEO4J_PASSWORD) like the
 * subgraph; a running knowledge subgraph may stay up.
 */
async function main(argv: string[]) {
  if (argv[0] !== 'rebuild') {
    console.error('usage: cli.ts rebuild   (rebuilds the knowledge graph from the events log)');
    return 2;
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is required (the events log is read from it)');
    return 1;
  }
  const knowledge = loadKnowledgeEnv(process.env);
  const log = createLogger('knowledge');
  const graph = new GraphClient(knowledge.graph, log);
  if (!graph.configured) {
    console.error('NEO4J_URL is not set: there is no graph to rebuild');
    return 1;
  }
  const { dataSource } = createSubgraphDataSource({
    url: databaseUrl,
    schema: 'knowledge',
    entities: [],
    migrations: [],
    log,
    poolSize: 2,
  });
  await dataSource.initialize();
  try {
    await ensureEventsSchema(dataSource);
    const started = Date.now();
    await rebuildGraph({ dataSource, log, databaseUrl }, graph);
    console.log(`knowledge graph rebuilt from the events log in ${Date.now() - started} ms`);
    return 0;
  } finally {
    await dataSource.destroy();
    await graph.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`rebuild failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
