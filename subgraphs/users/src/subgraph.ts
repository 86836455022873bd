import type { SubgraphDefinition } from '@agentry/subgraph-kit';
import { ApiKey } from './api-key.entity';
import { authenticateRoute } from './authenticate.route';
import type { UsersContext } from './context';
import { loadUsersEnv } from './env';
import { InitUsers1764000000000 } from './migrations/1764000000000-init-users';
import { buildSchema } from './schema';
import { User } from './user.entity';

export const usersSubgraph = (): SubgraphDefinition<UsersContext> => {
  const usersEnv = loadUsersEnv();
  return {
    name: 'users',
    defaultPort: 4001,
    entities: [User, ApiKey],
    migrations: [InitUsers1764000000000],
    buildSchema,
    extendContext: (base) => ({ ...base, usersEnv }),
    routes: authenticateRoute,
  };
};
