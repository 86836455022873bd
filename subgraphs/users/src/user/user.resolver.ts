import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { forbidden, idArgument } from '@agentry/core';
import { isAdmin, requireUser, Scope } from '@agentry/subgraph-kit';
import { ApiKey } from '../api-key/api-key.entity';
import { apiKeysOf } from '../api-key/api-key.store';
import type { UsersContext } from '../context';
import { UpdateProfileInput } from './update-profile.input';
import { User } from './user.entity';
import { userLoader } from './user.loader';
import { updateProfile } from './user.store';

@Resolver(() => User)
export class UserResolver {
  @Scope('none')
  @Query(() => User, { nullable: true, description: 'The signed-in user (null when anonymous).' })
  me(@Ctx() ctx: UsersContext) {
    return ctx.identity.userId ? userLoader(ctx).load(ctx.identity.userId) : null;
  }

  @Scope('none')
  @Query(() => User, { nullable: true, description: "A user's public profile." })
  user(@Arg('id', () => ID) id: string, @Ctx() ctx: UsersContext) {
    return userLoader(ctx).load(idArgument(id, 'id', 'a user'));
  }

  @Scope('none')
  @FieldResolver(() => String, {
    nullable: true,
    description: 'Visible to the user and to admins; null for others.',
  })
  email(@Root() user: User, @Ctx() ctx: UsersContext) {
    const self = ctx.identity.userId === user.id || ctx.signedInAs === user.id;
    return self || isAdmin(ctx) ? user.email : null;
  }

  @Scope('session')
  @FieldResolver(() => [ApiKey], {
    description:
      "The user's API keys (the user only), newest first; secrets are never shown again.",
  })
  async apiKeys(@Root() user: User, @Ctx() ctx: UsersContext) {
    if (requireUser(ctx) !== user.id) throw forbidden("You cannot see another user's API keys.");
    return apiKeysOf(ctx.db, user.id);
  }

  @Scope('profile:write')
  @Mutation(() => User)
  updateProfile(@Arg('input') input: UpdateProfileInput, @Ctx() ctx: UsersContext) {
    return updateProfile(ctx.db, requireUser(ctx), input);
  }
}
