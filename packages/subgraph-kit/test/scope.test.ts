import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { graphql } from 'graphql';
import { Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ANONYMOUS, type Identity } from '@agentry/core';
import { buildFederatedSchema, Scope, scopeDeclarationsOf } from '../src';

/*
 * The scope mechanism on its own: the kit refuses a schema whose operation declares no scope,
 * and answers FORBIDDEN to an API key without the declared one before the resolver runs.
 */

let calls = 0;

@Resolver()
class DeclaredResolver {
  @Scope('tasks:read')
  @Query(() => String)
  secret(): string {
    calls++;
    return 'secret';
  }

  @Scope('session')
  @Mutation(() => String)
  rotate(@Ctx() _ctx: unknown): string {
    calls++;
    return 'rotated';
  }

  @Scope('none')
  @Query(() => String)
  hello(): string {
    return 'hello';
  }
}

@Resolver()
class UndeclaredResolver {
  @Query(() => String)
  forgotten(): string {
    return 'oops';
  }
}

const key = (scopes: string[]): Identity => ({
  userId: '00000000-0000-4000-8000-000000000001',
  roles: ['USER'],
  via: 'apiKey',
  scopes,
  apiKeyId: '00000000-0000-4000-8000-000000000002',
});
const session: Identity = { ...key([]), via: 'session', scopes: null };

describe('@Scope', () => {
  it('refuses to build a schema with an operation that declares no scope', async () => {
    await assert.rejects(
      buildFederatedSchema({ resolvers: [UndeclaredResolver] }),
      /missing on Query.forgotten/,
    );
  });

  it('checks the declared scope before the resolver runs, only for API keys', async () => {
    const schema = await buildFederatedSchema({ resolvers: [DeclaredResolver] });
    assert.deepEqual(scopeDeclarationsOf(schema), {
      'Query.secret': 'tasks:read',
      'Query.hello': 'none',
      'Mutation.rotate': 'session',
    });
    const run = (source: string, identity: Identity) =>
      graphql({ schema, source, contextValue: { identity } });
    calls = 0;
    const refused = await run('{ secret }', key(['billing:read']));
    assert.equal(refused.errors?.[0]?.extensions.code, 'FORBIDDEN');
    assert.match(refused.errors![0]!.message, /lacks the "tasks:read" scope/);
    const sessionOnly = await run('mutation { rotate }', key(['tasks:read', 'admin']));
    assert.equal(sessionOnly.errors?.[0]?.extensions.code, 'FORBIDDEN');
    assert.equal(calls, 0, 'no resolver ran');
    assert.equal((await run('{ secret }', key(['tasks:read']))).data?.secret, 'secret');
    assert.equal((await run('{ secret }', session)).data?.secret, 'secret');
    assert.equal((await run('{ secret }', ANONYMOUS)).data?.secret, 'secret');
    assert.equal((await run('mutation { rotate }', session)).data?.rotate, 'rotated');
    assert.equal((await run('{ hello }', key(['billing:read']))).data?.hello, 'hello');
  });
});
