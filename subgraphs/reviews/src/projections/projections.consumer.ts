import { startConsumer } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import { upsertAgent, upsertEligibility } from './projections.store';

/**
 * Keeps reviews.agents and reviews.eligibility in step with the agents and tasks subgraphs.
 * Events arrive in log order, so the last one wins. Returns the stop function.
 */
export async function startProjections(deps: SubgraphDeps) {
  const consumer = await startConsumer({
    name: 'reviews.projections',
    topics: ['agent.created', 'agent.updated', 'task.completed'],
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: (event, m) =>
      event.topic === 'task.completed'
        ? upsertEligibility(m, event.payload)
        : upsertAgent(m, event.payload),
  });
  return () => consumer.stop();
}
