import { startConsumer } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import { upsertAgent } from './agent-projection.store';

/** Keeps tasks.agents in step with the agents subgraph (agent.created / agent.updated). */
export async function startAgentProjection(deps: SubgraphDeps) {
  const consumer = await startConsumer({
    name: 'tasks.agents',
    topics: ['agent.created', 'agent.updated'],
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: (event, m) => upsertAgent(m, event.payload),
  });
  return () => consumer.stop();
}
