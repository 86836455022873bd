import { isUuid } from '@agentry/subgraph-kit';
import type { UsersContext } from '../context';
import { userLoader } from './user.loader';

export const userReference = {
  __resolveReference: (ref: { id: string }, ctx: UsersContext) =>
    isUuid(ref.id) ? userLoader(ctx).load(ref.id) : null,
};
