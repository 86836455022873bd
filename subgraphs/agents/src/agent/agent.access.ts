import { isAdmin, type SubgraphContext } from '@agentry/subgraph-kit';
import { AgentStatus, type Agent } from './agent.entity';

/**
 * DRAFT and SUSPENDED agents are for their provider and admins only: the one rule for
 * `agent(id|slug)` and for every reference to an agent (a review's, a task's).
 */
export const canSeeAgent = (ctx: SubgraphContext, agent: Agent) =>
  agent.status === AgentStatus.PUBLISHED ||
  agent.providerId === ctx.identity.userId ||
  isAdmin(ctx);
