import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, type SubgraphContext } from '@agentry/subgraph-kit';
import { ReviewConnection } from './review.connection';
import { reviewPagesLoader } from './review.loader';
import { UserRef } from './user.ref';

@Resolver(() => UserRef)
export class UserReviewsResolver {
  @FieldResolver(() => ReviewConnection, {
    description: 'The reviews the user wrote, most recently written first (public).',
  })
  reviews(@Root() user: UserRef, @Args() args: PageArgs, @Ctx() ctx: SubgraphContext) {
    return reviewPagesLoader(ctx, 'author', args).load(user.id);
  }
}
