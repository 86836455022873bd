import type { UserStub } from './user.stub';

/** Any id is a user to us: the users subgraph owns them, this one only adds fields. */
export const userReference = {
  __resolveReference: (ref: { id: string }): UserStub => ({ id: ref.id }),
};
