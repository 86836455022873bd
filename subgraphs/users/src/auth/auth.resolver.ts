import { Args, Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Scope } from '@agentry/subgraph-kit';
import { unauthenticated } from '@agentry/core';
import type { UsersContext } from '../context';
import { Role, type User } from '../user/user.entity';
import { registerUser, userByEmail } from '../user/user.store';
import { AuthPayload } from './auth-payload.type';
import { signSessionToken } from './session-token';
import { SignInArgs } from './sign-in.args';
import { SignUpInput } from './sign-up.input';

/** Signs the user in on this request (they see their own e-mail) and issues their session. */
async function signedIn(ctx: UsersContext, user: User): Promise<AuthPayload> {
  ctx.signedInAs = user.id;
  const { SESSION_TOKEN_SECRET, SESSION_TTL } = ctx.usersEnv;
  return {
    user,
    token: await signSessionToken(SESSION_TOKEN_SECRET, SESSION_TTL, user.id, user.roles),
  };
}

@Resolver()
export class AuthResolver {
  @Scope('none')
  @Mutation(() => AuthPayload, {
    description: 'Creates an account; new users receive the welcome grant of credits.',
  })
  async signUp(@Arg('input') input: SignUpInput, @Ctx() ctx: UsersContext): Promise<AuthPayload> {
    const user = await registerUser(ctx.db, {
      email: input.email,
      name: input.name,
      passwordHash: await ctx.passwords.hash(input.password),
      roles: input.publisher ? [Role.USER, Role.PUBLISHER] : [Role.USER],
    });
    ctx.log.info({ userId: user.id }, 'user signed up');
    return signedIn(ctx, user);
  }

  @Scope('none')
  @Mutation(() => AuthPayload)
  async signIn(
    @Args() { email, password }: SignInArgs,
    @Ctx() ctx: UsersContext,
  ): Promise<AuthPayload> {
    const user = await userByEmail(ctx.db, email);
    // An unknown e-mail costs a verification too, so both failures take the same time.
    const valid = user
      ? await ctx.passwords.verify(user.passwordHash, password)
      : await ctx.passwords.verifyUnknown(password);
    if (!user || !valid) {
      throw unauthenticated('The e-mail or password is wrong.');
    }
    return signedIn(ctx, user);
  }
}
