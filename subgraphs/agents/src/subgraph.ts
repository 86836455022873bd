import type { SubgraphDefinition } from '@agentry/subgraph-kit';
import { Agent } from './agent.entity';
import { InitAgents1764100000000 } from './migrations/1764100000000-init-agents';
import { buildSchema } from './schema';

export const agentsSubgraph = (): SubgraphDefinition => ({
  name: 'agents',
  defaultPort: 4002,
  entities: [Agent],
  migrations: [InitAgents1764100000000],
  buildSchema,
});
