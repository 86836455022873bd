import { byKeys } from '@agentry/subgraph-kit';
import type { UsersContext } from '../context';
import type { User } from './user.entity';
import { usersByIds } from './user.store';

/** Users by id, batched per request. */
export const userLoader = (ctx: UsersContext) =>
  ctx.loader<string, User | null>('userById', async (ids) =>
    byKeys(ids, await usersByIds(ctx.db, ids), (u) => u.id),
  );
