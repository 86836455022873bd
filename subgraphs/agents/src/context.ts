import type { SubgraphContext } from '@agentry/subgraph-kit';
import type { CardSettings } from './env';

export interface AgentsContext extends SubgraphContext {
  cards: CardSettings;
}
