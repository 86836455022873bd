import type { Consumer } from '@agentry/events';
import type { SubgraphContext } from '@agentry/subgraph-kit';
import type { PeerSettings } from './env';

/** What the agents subgraph's resolvers need besides the kit's context. */
export interface AgentsServices {
  /** How agent cards are fetched. */
  cards: PeerSettings;
  /** How MCP tool servers are reached. */
  tools: PeerSettings;
  /** The projection of sign-ups (agents.known_users); `catchUp()` before saying a user is unknown. */
  users: Consumer;
}

export interface AgentsContext extends SubgraphContext, AgentsServices {}
