import type { SubgraphContext } from '@agentry/subgraph-kit';
import type { GraphClient } from './graph/graph.client';

/** What the knowledge subgraph's resolvers need besides the kit's context. */
export interface KnowledgeServices {
  /** The graph store (answers SERVICE_UNAVAILABLE when Neo4j is missing or down). */
  graph: GraphClient;
}

export interface KnowledgeContext extends SubgraphContext, KnowledgeServices {}
