import { isAdmin, type SubgraphContext } from '@agentry/subgraph-kit';

/** Who changes an agent or a tool server: the rules differ for owners and admins. */
export interface Actor {
  userId: string;
  admin: boolean;
}

export const actorOf = (ctx: SubgraphContext, userId: string): Actor => ({
  userId,
  admin: isAdmin(ctx),
});
