import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, type SubgraphContext } from '@agentry/subgraph-kit';
import { AgentRating, AgentRef } from './agent.ref';
import { ReviewConnection } from './review.connection';
import { ratingLoader, reviewPagesLoader } from './review.loader';

@Resolver(() => AgentRef)
export class AgentReviewsResolver {
  @FieldResolver(() => AgentRating, { description: "The agent's reviews summed up." })
  rating(@Root() agent: AgentRef, @Ctx() ctx: SubgraphContext) {
    return ratingLoader(ctx).load(agent.id);
  }

  @FieldResolver(() => ReviewConnection, {
    description: "The agent's reviews, most recently written first.",
  })
  reviews(@Root() agent: AgentRef, @Args() args: PageArgs, @Ctx() ctx: SubgraphContext) {
    return reviewPagesLoader(ctx, 'agent', args).load(agent.id);
  }
}
