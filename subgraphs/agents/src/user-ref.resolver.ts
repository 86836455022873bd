import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, type SubgraphContext } from '@agentry/subgraph-kit';
import { AgentConnection } from './agent.entity';
import { publishedAgentsLoader } from './agent.loader';
import { UserRef } from './user-ref';

export const userRefReference = {
  __resolveReference: (ref: { id: string }): UserRef => ({ id: ref.id }),
};

@Resolver(() => UserRef)
export class UserRefResolver {
  @FieldResolver(() => AgentConnection, {
    description:
      "The user's agents, newest first: all of them for the user (and admins), PUBLISHED ones for others.",
  })
  publishedAgents(@Root() user: UserRef, @Args() args: PageArgs, @Ctx() ctx: SubgraphContext) {
    return publishedAgentsLoader(ctx, args).load(user.id);
  }
}
