import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, Scope, type SubgraphContext } from '@agentry/subgraph-kit';
import { ReviewConnection } from '../../review/review-connection.type';
import { reviewPagesLoader } from '../../review/review.loader';
import { UserStub } from './user.stub';

@Resolver(() => UserStub)
export class UserReviewsResolver {
  @Scope('agents:read')
  @FieldResolver(() => ReviewConnection, {
    nullable: true,
    description:
      'The reviews the user wrote, most recently written first (public). Null when the reviews subgraph cannot answer right now (an error says so).',
  })
  reviews(@Root() user: UserStub, @Args() args: PageArgs, @Ctx() ctx: SubgraphContext) {
    return reviewPagesLoader(ctx, 'author', args).load(user.id);
  }
}
