import type { UserStub } from './user.stub';

export const userReference = {
  __resolveReference: (ref: { id: string }): UserStub => ({ id: ref.id }),
};
