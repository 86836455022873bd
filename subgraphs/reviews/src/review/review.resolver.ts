import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { forbidden, idArgument } from '@agentry/core';
import {
  canSeeListing,
  isAdmin,
  requireUser,
  Scope,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import { AgentStub } from '../federated/agent/agent.stub';
import { UserStub } from '../federated/user/user.stub';
import { agentProjectionLoader } from '../projections/agent-projection.loader';
import { ReviewAgentArgs } from './review-agent.args';
import { Review } from './review.entity';
import { reviewLoader } from './review.loader';
import { deleteReview, submitReview } from './review.store';

@Resolver(() => Review)
export class ReviewResolver {
  @Scope('agents:read')
  @Query(() => Review, { nullable: true, description: 'A review (null if there is none).' })
  review(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    return reviewLoader(ctx).load(idArgument(id, 'id', 'a review'));
  }

  @FieldResolver(() => AgentStub, {
    nullable: true,
    description:
      'The agent reviewed; null when it is not published (DRAFT or SUSPENDED) and you are neither its provider nor an admin.',
  })
  async agent(@Root() review: Review, @Ctx() ctx: SubgraphContext): Promise<AgentStub | null> {
    // The agents subgraph's rule, also for the fields this subgraph adds (rating, reviews); an
    // agent not heard of yet is left to the agents subgraph's reference resolver.
    const agent = await agentProjectionLoader(ctx).load(review.agentId);
    return !agent || canSeeListing(ctx, agent) ? { id: review.agentId } : null;
  }

  @FieldResolver(() => UserStub, {
    nullable: true,
    description:
      'Who wrote the review. Null when the users subgraph cannot answer right now (an error says so).',
  })
  author(@Root() review: Review): UserStub {
    return { id: review.authorId };
  }

  @Scope('reviews:write')
  @Mutation(() => Review, {
    description:
      'Rates and reviews an agent you have had a task completed by. One review per user and agent: reviewing again replaces your review.',
  })
  async reviewAgent(
    @Args() { agentId, rating, title, body }: ReviewAgentArgs,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Review> {
    const authorId = requireUser(ctx, 'reviews:write');
    const review = await submitReview(ctx.db, { agentId, authorId, rating, title, body });
    ctx.log.info({ reviewId: review.id, agentId }, 'review submitted');
    return review;
  }

  @Scope('reviews:write')
  @Mutation(() => Boolean, {
    description: 'Deletes a review (its author or an admin). True when it was deleted.',
  })
  async deleteReview(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    const userId = requireUser(ctx, 'reviews:write');
    await deleteReview(ctx.db, idArgument(id, 'id', 'a review'), (review) => {
      if (review.authorId !== userId && !isAdmin(ctx))
        throw forbidden('Only its author or an admin can delete a review.');
    });
    return true;
  }
}
