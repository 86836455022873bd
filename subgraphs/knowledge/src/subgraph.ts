import type { SubgraphFactory } from '@agentry/subgraph-kit';
import type { KnowledgeContext, KnowledgeServices } from './context';
import { loadKnowledgeEnv } from './env';
import { GraphClient } from './graph/graph.client';
import { warmUpQueries } from './graph/graph.warmup';
import { startProjection } from './projection/projection.consumer';
import { buildSchema } from './schema';

/**
 * The knowledge subgraph: no tables of its own (the events kit keeps its consumer's offset), a
 * Neo4j graph projected from the domain events, and the fields that read it.
 */
export const knowledgeSubgraph: SubgraphFactory<KnowledgeServices, KnowledgeContext> = (source) => {
  const env = loadKnowledgeEnv(source);
  return {
    name: 'knowledge',
    entities: [],
    migrations: [],
    buildSchema,
    start: async (deps) => {
      const graph = new GraphClient(env.graph, deps.log);
      if (!graph.configured)
        deps.log.warn('NEO4J_URL is not set: the knowledge fields answer SERVICE_UNAVAILABLE');
      const projection = graph.configured
        ? await startProjection({ ...deps, databaseUrl: deps.env.DATABASE_URL }, graph)
        : undefined;
      // In the background: the subgraph serves meanwhile (a cold query may then time out once).
      const warming = graph.configured ? warmUpQueries(env.graph, deps.log) : undefined;
      return {
        services: { graph },
        stop: async () => {
          await warming;
          await projection?.stop();
          await graph.close();
        },
      };
    },
    context: (base, services) => ({ ...base, ...services }),
  };
};
