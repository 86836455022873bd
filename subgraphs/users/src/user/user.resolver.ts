import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { forbidden, notFound, badInput } from '@agentry/core';
import { isAdmin, isUuid, requireUser } from '@agentry/subgraph-kit';
import { publishEvents } from '@agentry/events';
import type { UsersContext } from './context';
import { UpdateProfileInput } from './inputs';
import { ApiKey } from './api-key.entity';
import { Role, User } from './user.entity';
import { userLoader } from './user.loader';

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user (null when anonymous).' })
  me(@Ctx() ctx: UsersContext) {
    return ctx.identity.userId ? userLoader(ctx).load(ctx.identity.userId) : null;
  }

  @Query(() => User, { nullable: true, description: "A user's public profile." })
  user(@Arg('id', () => ID) id: string, @Ctx() ctx: UsersContext) {
    if (!isUuid(id)) throw badInput('id must be a user id.');
    return userLoader(ctx).load(id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'Visible to the user and to admins; null for others.',
  })
  email(@Root() user: User, @Ctx() ctx: UsersContext) {
    const self = ctx.identity.userId === user.id || ctx.signedInAs === user.id;
    return self || isAdmin(ctx) ? user.email : null;
  }

  @FieldResolver(() => [ApiKey], {
    description:
      "The user's API keys (the user only), newest first; secrets are never shown again.",
  })
  async apiKeys(@Root() user: User, @Ctx() ctx: UsersContext) {
    if (requireUser(ctx) !== user.id) throw forbidden("You cannot see another user's API keys.");
    return ctx.db
      .getRepository(ApiKey)
      .find({ where: { userId: user.id }, order: { createdAt: 'DESC' } });
  }

  @Mutation(() => User)
  async updateProfile(@Arg('input') input: UpdateProfileInput, @Ctx() ctx: UsersContext) {
    const userId = requireUser(ctx);
    return ctx.db.transaction(async (m) => {
      const repo = m.getRepository(User);
      const user = await repo.findOne({
        where: { id: userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!user) throw notFound('User', userId);
      if (input.name !== undefined) user.name = input.name.trim();
      const becamePublisher = input.publisher === true && !user.roles.includes(Role.PUBLISHER);
      if (becamePublisher) user.roles = [...user.roles, Role.PUBLISHER];
      const saved = await repo.save(user);
      await publishEvents(m, [
        {
          topic: 'user.updated',
          key: saved.id,
          payload: { userId: saved.id, name: saved.name, roles: saved.roles },
        },
      ]);
      return saved;
    });
  }
}
