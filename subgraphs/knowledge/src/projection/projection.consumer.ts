import { startConsumer, type Consumer } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';

/** What the projection needs: the database (offsets, the log) and a logger. */
export type ProjectionDeps = Pick<SubgraphDeps, 'dataSource' | 'log'> & { databaseUrl: string };
import type { GraphClient } from '../graph/graph.client';
import { ensureGraphSchema } from '../graph/graph.schema';
import { applyEvents, clearGraph, PROJECTED_TOPICS } from './projection.store';

/** The consumer's name in events.consumers (its offset). */
export const PROJECTION_CONSUMER = 'knowledge.graph';

/**
 * Keeps the knowledge graph in step with the events log. Each batch is written to Neo4j (one
 * transaction) inside the consumer's transaction, so the offset only moves once the graph has it; when Neo4j is down the
 * batch fails and is retried on the next wake-up, and nothing is lost. The graph's constraints and
 * indexes are created before the first event (retried until Neo4j answers).
 */
export async function startProjection(deps: ProjectionDeps, graph: GraphClient): Promise<Consumer> {
  let schema: Promise<void> | undefined;
  const ready = () =>
    (schema ??= ensureGraphSchema(graph).catch((err: unknown) => {
      schema = undefined;
      throw err;
    }));
  // Created eagerly when Neo4j is there; a failure here is retried with the first event.
  await ready().catch((err: unknown) =>
    deps.log.warn({ err: (err as Error).message }, 'knowledge graph not reachable yet'),
  );
  return startConsumer({
    name: PROJECTION_CONSUMER,
    topics: PROJECTED_TOPICS,
    dataSource: deps.dataSource,
    url: deps.databaseUrl,
    log: deps.log,
    batchSize: 200,
    // One Neo4j transaction per batch of the log, not per event.
    handleBatch: async (events) => {
      await ready();
      await applyEvents(graph, events);
    },
  });
}

/**
 * Rebuilds the graph from the whole events log: empties it, moves the consumer's offset back to
 * the start, and applies every event again (a running subgraph's consumer takes part, one batch
 * at a time, under the offset's lock). Resolves once the graph has caught up with the log.
 */
export async function rebuildGraph(deps: ProjectionDeps, graph: GraphClient): Promise<void> {
  await ensureGraphSchema(graph);
  await deps.dataSource.transaction(async (m) => {
    // Holding the offset's lock while the graph empties: no batch of a running consumer lands
    // in between and is then lost.
    await m.query('INSERT INTO events.consumers (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [
      PROJECTION_CONSUMER,
    ]);
    await m.query('SELECT 1 FROM events.consumers WHERE name = $1 FOR UPDATE', [
      PROJECTION_CONSUMER,
    ]);
    await clearGraph(graph);
    await m.query(
      `UPDATE events.consumers SET tx_id = '0', last_id = 0, updated_at = now() WHERE name = $1`,
      [PROJECTION_CONSUMER],
    );
  });
  const consumer = await startProjection(deps, graph);
  try {
    await consumer.catchUp();
  } finally {
    await consumer.stop();
  }
}
