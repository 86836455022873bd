import type { SubgraphContext } from '@agentry/subgraph-kit';
import type { UsersEnv } from './env';

export interface UsersContext extends SubgraphContext {
  usersEnv: UsersEnv;
  /** Set by signUp/signIn: the user this request just authenticated as (sees their own e-mail). */
  signedInAs?: string;
}
