import { Args, Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { forbidden, idArgument } from '@agentry/core';
import { isAdmin, requireSession, Scope } from '@agentry/subgraph-kit';
import type { UsersContext } from '../context';
import { newApiKeySecret } from './api-key-secret';
import { createApiKey, revokeApiKey } from './api-key.store';
import { CreateApiKeyArgs } from './create-api-key.args';
import { CreatedApiKey } from './created-api-key.type';

@Resolver()
export class ApiKeyResolver {
  @Scope('session')
  @Mutation(() => CreatedApiKey, {
    description: 'Creates an API key for integrations (only from a signed-in session).',
  })
  async createApiKey(
    @Args() { name, scopes }: CreateApiKeyArgs,
    @Ctx() ctx: UsersContext,
  ): Promise<CreatedApiKey> {
    const userId = requireSession(ctx);
    // A key never carries more than its user: only admins may hand out the admin scope.
    if (scopes.includes('admin') && !isAdmin(ctx))
      throw forbidden('Only an admin may create a key with the admin scope.');
    const { prefix, secret, secretHash } = newApiKeySecret();
    const apiKey = await createApiKey(ctx.db, { userId, name, scopes, prefix, secretHash });
    return { apiKey, secret };
  }

  @Scope('session')
  @Mutation(() => Boolean, {
    description: 'Revokes one of your API keys at once. True if it was active.',
  })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: UsersContext): Promise<boolean> {
    const userId = requireSession(ctx);
    return revokeApiKey(ctx.db, userId, idArgument(id, 'id', 'an API key'));
  }
}
