import type { SubgraphContext } from '@agentry/subgraph-kit';
import type { CardSettings, ToolServerSettings } from './env';

/** What the agents subgraph's resolvers need besides the kit's context. */
export interface AgentsServices {
  cards: CardSettings;
  tools: ToolServerSettings;
}

export interface AgentsContext extends SubgraphContext, AgentsServices {}
