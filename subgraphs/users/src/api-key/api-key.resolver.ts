import { Args, Arg, Ctx, Field, ID, Mutation, ObjectType, Resolver } from 'type-graphql';
import { badInput, conflict, notFound } from '@agentry/core';
import { isUuid, requireSession } from '@agentry/subgraph-kit';
import type { UsersContext } from './context';
import { ApiKey } from './api-key.entity';
import { CreateApiKeyArgs } from './inputs';
import { newApiKeySecret } from './session';

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;
  @Field({
    description:
      'The full key. Shown only now; store it safely. Send it as `Authorization: Bearer <secret>`.',
  })
  secret!: string;
}

/** At most this many live keys per user, so a script gone wrong cannot fill the table. */
const MAX_KEYS = 50;

@Resolver()
export class ApiKeyResolver {
  @Mutation(() => CreatedApiKey, {
    description: 'Creates an API key for integrations (only from a signed-in session).',
  })
  async createApiKey(
    @Args() { name, scopes }: CreateApiKeyArgs,
    @Ctx() ctx: UsersContext,
  ): Promise<CreatedApiKey> {
    const userId = requireSession(ctx);
    const { prefix, secret, secretHash } = newApiKeySecret();
    const apiKey = await ctx.db.transaction(async (m) => {
      await m.query('SELECT 1 FROM users.users WHERE id = $1 FOR UPDATE', [userId]);
      const [{ count }] = await m.query(
        'SELECT count(*)::int AS count FROM users.api_keys WHERE user_id = $1 AND revoked_at IS NULL',
        [userId],
      );
      if (count >= MAX_KEYS)
        throw conflict(`You already have ${MAX_KEYS} active API keys; revoke one first.`);
      const repo = m.getRepository(ApiKey);
      return repo.save(
        repo.create({
          userId,
          name: name.trim(),
          prefix,
          secretHash,
          scopes: [...new Set(scopes)],
          lastUsedAt: null,
          revokedAt: null,
        }),
      );
    });
    return { apiKey, secret };
  }

  @Mutation(() => Boolean, {
    description: 'Revokes one of your API keys at once. True if it was active.',
  })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: UsersContext): Promise<boolean> {
    const userId = requireSession(ctx);
    if (!isUuid(id)) throw badInput('id must be an API key id.');
    const key = await ctx.db.getRepository(ApiKey).findOneBy({ id, userId });
    if (!key) throw notFound('API key', id);
    const result = await ctx.db.query(
      'UPDATE users.api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
      [id],
    );
    return result[1] > 0;
  }
}
