import { isUuid, type SubgraphContext } from '@agentry/subgraph-kit';
import { canSeeAgent } from './agent.access';
import { agentLoader } from './agent.loader';

/**
 * A reference (a review's or a task's agent) follows the rule of `agent(id)`: a DRAFT or
 * SUSPENDED agent resolves to null except for its provider and admins, so `Review.agent` and
 * `Task.agent` are null for everyone else.
 */
export const agentReference = {
  __resolveReference: async (ref: { id: string }, ctx: SubgraphContext) => {
    if (!isUuid(ref.id)) return null;
    const agent = await agentLoader(ctx).load(ref.id.toLowerCase());
    return agent && canSeeAgent(ctx, agent) ? agent : null;
  },
};
