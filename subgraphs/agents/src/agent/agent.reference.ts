import { isUuid, type SubgraphContext } from '@agentry/subgraph-kit';
import { agentLoader } from './agent.loader';

/**
 * Other subgraphs only hold ids they learnt from our events (a task's or review's agent), so a
 * reference resolves whatever the status: a suspended agent's past tasks still show its name.
 */
export const agentReference = {
  __resolveReference: (ref: { id: string }, ctx: SubgraphContext) =>
    isUuid(ref.id) ? agentLoader(ctx).load(ref.id) : null,
};
