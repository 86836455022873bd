import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, Scope, type SubgraphContext } from '@agentry/subgraph-kit';
import { ratingLoader } from '../../review/agent-rating.loader';
import { AgentRating } from '../../review/agent-rating.type';
import { ReviewConnection } from '../../review/review-connection.type';
import { reviewPagesLoader } from '../../review/review.loader';
import { AgentStub } from './agent.stub';

@Resolver(() => AgentStub)
export class AgentReviewsResolver {
  @Scope('agents:read')
  @FieldResolver(() => AgentRating, {
    nullable: true,
    description:
      "The agent's reviews summed up. Null when the reviews subgraph cannot answer right now (an error says so).",
  })
  rating(@Root() agent: AgentStub, @Ctx() ctx: SubgraphContext) {
    return ratingLoader(ctx).load(agent.id);
  }

  @Scope('agents:read')
  @FieldResolver(() => ReviewConnection, {
    nullable: true,
    description:
      "The agent's reviews, most recently written first. Null when the reviews subgraph cannot answer right now (an error says so).",
  })
  reviews(@Root() agent: AgentStub, @Args() args: PageArgs, @Ctx() ctx: SubgraphContext) {
    return reviewPagesLoader(ctx, 'agent', args).load(agent.id);
  }
}
