import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, forbidden, notFound } from '@agentry/core';
import { publishEvents } from '@agentry/events';
import { isAdmin, requireUser, type SubgraphContext } from '@agentry/subgraph-kit';
import { AgentRef } from './agent.ref';
import { ReviewAgentArgs } from './review-agent.args';
import { Review } from './review.entity';
import { reviewLoader, type ReviewRow } from './review.loader';
import { isUuid } from '@agentry/subgraph-kit';
import { REVIEW_COLUMNS } from './sql';
import { UserRef } from './user.ref';

const eventPayload = (r: ReviewRow) => ({
  reviewId: r.id,
  agentId: r.agentId,
  authorId: r.authorId,
  rating: r.rating,
});

@Resolver(() => Review)
export class ReviewResolver {
  @Query(() => Review, { nullable: true, description: 'A review (null if there is none).' })
  review(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    if (!isUuid(id)) throw badInput('id must be a review id.');
    return reviewLoader(ctx).load(id);
  }

  @FieldResolver(() => AgentRef, { description: 'The agent reviewed.' })
  agent(@Root() review: Review): AgentRef {
    return { id: review.agentId };
  }

  @FieldResolver(() => UserRef, { description: 'Who wrote the review.' })
  author(@Root() review: Review): UserRef {
    return { id: review.authorId };
  }

  @Mutation(() => Review, {
    description:
      'Rates and reviews an agent you have had a task completed by. One review per user and agent: reviewing again replaces your review.',
  })
  async reviewAgent(
    @Args() { agentId, rating, title, body }: ReviewAgentArgs,
    @Ctx() ctx: SubgraphContext,
  ): Promise<ReviewRow> {
    const userId = requireUser(ctx, 'reviews:write');
    const review = await ctx.db.transaction(async (m) => {
      const [agent]: { providerId: string }[] = await m.query(
        'SELECT provider_id AS "providerId" FROM reviews.agents WHERE id = $1',
        [agentId],
      );
      if (!agent) throw notFound('Agent', agentId);
      if (agent.providerId === userId) throw forbidden('You cannot review your own agent.');
      const eligible = await m.query(
        'SELECT 1 FROM reviews.eligibility WHERE user_id = $1 AND agent_id = $2',
        [userId, agentId],
      );
      if (!eligible.length)
        throw forbidden('You can review an agent after a task with it has completed.');
      // The unique (agent, author) pair makes a second review replace the first, keeping its id.
      const [saved]: ReviewRow[] = await m.query(
        `INSERT INTO reviews.reviews AS r (agent_id, author_id, rating, title, body)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (agent_id, author_id) DO UPDATE SET rating = excluded.rating,
           title = excluded.title, body = excluded.body, updated_at = now()
         RETURNING ${REVIEW_COLUMNS}`,
        [agentId, userId, rating, title.trim(), body.trim()],
      );
      await publishEvents(m, [
        { topic: 'review.submitted', key: saved.id, payload: eventPayload(saved) },
      ]);
      return saved;
    });
    ctx.log.info({ reviewId: review.id, agentId }, 'review submitted');
    return review;
  }

  @Mutation(() => Boolean, {
    description: 'Deletes a review (its author or an admin). True when it was deleted.',
  })
  async deleteReview(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext) {
    const userId = requireUser(ctx, 'reviews:write');
    if (!isUuid(id)) throw badInput('id must be a review id.');
    await ctx.db.transaction(async (m) => {
      const [review]: ReviewRow[] = await m.query(
        `SELECT ${REVIEW_COLUMNS} FROM reviews.reviews r WHERE r.id = $1 FOR UPDATE`,
        [id],
      );
      if (!review) throw notFound('Review', id);
      if (review.authorId !== userId && !isAdmin(ctx))
        throw forbidden('Only its author or an admin can delete a review.');
      await m.query('DELETE FROM reviews.reviews WHERE id = $1', [id]);
      await publishEvents(m, [
        { topic: 'review.deleted', key: review.id, payload: eventPayload(review) },
      ]);
    });
    return true;
  }
}
