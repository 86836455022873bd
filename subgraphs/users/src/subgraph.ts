import type { SubgraphFactory } from '@agentry/subgraph-kit';
import { ApiKey } from './api-key/api-key.entity';
import { authenticateRoute } from './auth/authenticate.route';
import { credentialsRoute } from './auth/credentials.route';
import { createPasswordHasher } from './auth/password-hasher';
import type { UsersContext, UsersServices } from './context';
import { loadUsersEnv } from './env';
import { InitUsers1764000000000 } from './migrations/1764000000000-init-users';
import { buildSchema } from './schema';
import { User } from './user/user.entity';

export const usersSubgraph: SubgraphFactory<UsersServices, UsersContext> = (env) => {
  const usersEnv = loadUsersEnv(env);
  return {
    name: 'users',
    entities: [User, ApiKey],
    migrations: [InitUsers1764000000000],
    buildSchema,
    start: async () => ({
      services: { usersEnv, passwords: createPasswordHasher() },
      stop: async () => {},
    }),
    context: (base, services) => ({ ...base, ...services }),
    routes: (app, deps) => {
      authenticateRoute(app, deps);
      credentialsRoute(app, deps);
    },
  };
};
