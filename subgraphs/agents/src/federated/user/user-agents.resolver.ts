import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, Scope, type SubgraphContext } from '@agentry/subgraph-kit';
import { AgentConnection } from '../../agent/agent.entity';
import { publishedAgentsLoader } from '../../agent/agent.loader';
import { UserStub } from './user.stub';

/** The fields the agents subgraph adds to User. */
@Resolver(() => UserStub)
export class UserAgentsResolver {
  @Scope('agents:read')
  @FieldResolver(() => AgentConnection, {
    nullable: true,
    description:
      "The user's agents, newest first: all of them for the user (and admins), PUBLISHED ones for others. Null when the agents subgraph cannot answer right now (an error says so).",
  })
  publishedAgents(@Root() user: UserStub, @Args() args: PageArgs, @Ctx() ctx: SubgraphContext) {
    return publishedAgentsLoader(ctx, args).load(user.id);
  }
}
