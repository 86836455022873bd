import type { SubgraphContext } from '@agentry/subgraph-kit';
import type { PasswordHasher } from './auth/password-hasher';
import type { UsersEnv } from './env';

/** What the users subgraph's resolvers need besides the kit's context. */
export interface UsersServices {
  usersEnv: UsersEnv;
  /** The one way passwords are hashed and checked: argon2id through a bounded queue. */
  passwords: PasswordHasher;
}

export interface UsersContext extends SubgraphContext, UsersServices {
  /** Set by signUp/signIn: the user this request just authenticated as (sees their own e-mail). */
  signedInAs?: string;
}
