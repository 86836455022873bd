import { isAdmin, type SubgraphContext } from './context';

/**
 * The one visibility rule of a listing (an agent): PUBLISHED for everyone, DRAFT and SUSPENDED
 * only for its provider and admins. The agents subgraph applies it to `agent(id)` and its
 * reference resolver; subgraphs that hold a projection of agents apply it to the agent fields
 * they resolve themselves (`Review.agent`, `Task.agent`), so no path shows a hidden agent.
 */
export const canSeeListing = (
  ctx: SubgraphContext,
  listing: { status: string; providerId: string },
) => listing.status === 'PUBLISHED' || listing.providerId === ctx.identity.userId || isAdmin(ctx);
