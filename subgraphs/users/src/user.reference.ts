import type { UsersContext } from './context';
import { isUuid, userLoader } from './user.loader';

export const userReference = {
  __resolveReference: (ref: { id: string }, ctx: UsersContext) =>
    isUuid(ref.id) ? userLoader(ctx).load(ref.id) : null,
};
