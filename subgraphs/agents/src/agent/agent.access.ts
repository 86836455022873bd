import { canSeeListing, type SubgraphContext } from '@agentry/subgraph-kit';
import type { Agent } from './agent.entity';

/**
 * DRAFT and SUSPENDED agents are for their provider and admins only: the one rule for
 * `agent(id|slug)` and for every reference to an agent (a review's, a task's).
 */
export const canSeeAgent = (ctx: SubgraphContext, agent: Agent) => canSeeListing(ctx, agent);
