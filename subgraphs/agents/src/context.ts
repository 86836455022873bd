import type { SubgraphContext } from '@agentry/subgraph-kit';
import type { PeerSettings } from './env';

/** What the agents subgraph's resolvers need besides the kit's context. */
export interface AgentsServices {
  /** How agent cards are fetched. */
  cards: PeerSettings;
  /** How MCP tool servers are reached. */
  tools: PeerSettings;
}

export interface AgentsContext extends SubgraphContext, AgentsServices {}
