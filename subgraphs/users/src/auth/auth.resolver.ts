import argon2 from 'argon2';
import { Args, Arg, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import { conflict, unauthenticated } from '@agentry/core';
import { publishEvents } from '@agentry/events';
import type { UsersContext } from './context';
import { SignInArgs, SignUpInput } from './inputs';
import { signSessionToken } from './session';
import { Role, User } from './user.entity';

@ObjectType()
export class AuthPayload {
  @Field({ description: 'A session token: send it as `Authorization: Bearer <token>`.' })
  token!: string;
  @Field(() => User)
  user!: User;
}

/** argon2id with the library's defaults (m=64 MiB, t=3, p=4). */
const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });
/** Verified against when the e-mail is unknown, so both failures take the same time. */
let dummyHash: Promise<string> | undefined;

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, {
    description: 'Creates an account; new users receive the welcome grant of credits.',
  })
  async signUp(@Arg('input') input: SignUpInput, @Ctx() ctx: UsersContext): Promise<AuthPayload> {
    const email = input.email.trim().toLowerCase();
    const roles = input.publisher ? [Role.USER, Role.PUBLISHER] : [Role.USER];
    const passwordHash = await hashPassword(input.password);
    const user = await ctx.db.transaction(async (m) => {
      const rows: User[] = await m.query(
        `INSERT INTO users.users (email, name, password_hash, roles) VALUES ($1, $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING id`,
        [email, input.name.trim(), passwordHash, roles],
      );
      if (!rows.length)
        throw conflict('An account with this e-mail already exists; sign in instead.');
      const created = await m.getRepository(User).findOneByOrFail({ id: rows[0].id });
      await publishEvents(m, [
        {
          topic: 'user.registered',
          key: created.id,
          payload: { userId: created.id, name: created.name, roles: created.roles },
        },
      ]);
      return created;
    });
    ctx.log.info({ userId: user.id }, 'user signed up');
    ctx.signedInAs = user.id;
    return {
      user,
      token: await signSessionToken(
        ctx.usersEnv.SESSION_TOKEN_SECRET,
        ctx.usersEnv.SESSION_TTL,
        user.id,
        user.roles,
      ),
    };
  }

  @Mutation(() => AuthPayload)
  async signIn(
    @Args() { email, password }: SignInArgs,
    @Ctx() ctx: UsersContext,
  ): Promise<AuthPayload> {
    const user = await ctx.db.getRepository(User).findOneBy({ email: email.trim().toLowerCase() });
    if (!user) {
      dummyHash ??= hashPassword('not-a-real-password');
      await argon2.verify(await dummyHash, password).catch(() => false);
      throw unauthenticated('The e-mail or password is wrong.');
    }
    if (!(await argon2.verify(user.passwordHash, password).catch(() => false))) {
      throw unauthenticated('The e-mail or password is wrong.');
    }
    ctx.signedInAs = user.id;
    return {
      user,
      token: await signSessionToken(
        ctx.usersEnv.SESSION_TOKEN_SECRET,
        ctx.usersEnv.SESSION_TTL,
        user.id,
        user.roles,
      ),
    };
  }
}
