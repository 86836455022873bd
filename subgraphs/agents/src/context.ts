import type { SubgraphContext } from '@agentry/subgraph-kit';
import type { CardSettings, ToolServerSettings } from './env';

export interface AgentsContext extends SubgraphContext {
  cards: CardSettings;
  tools: ToolServerSettings;
}
