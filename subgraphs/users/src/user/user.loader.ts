import { In } from 'typeorm';
import { byKeys } from '@agentry/subgraph-kit';
import type { UsersContext } from './context';
import { User } from './user.entity';

/** Users by id, batched per request. */
export const userLoader = (ctx: UsersContext) =>
  ctx.loader<string, User | null>('userById', async (ids) => {
    const rows = await ctx.db.getRepository(User).findBy({ id: In([...ids]) });
    return byKeys(ids, rows, (u) => u.id);
  });
