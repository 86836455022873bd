import { isUuid } from '@agentry/subgraph-kit';
import type { UserStub } from './user.stub';

export const userReference = {
  // A malformed id can name no user; null instead of a database error.
  __resolveReference: (ref: { id: string }): UserStub | null =>
    isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null,
};
