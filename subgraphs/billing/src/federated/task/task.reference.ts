import { isUuid } from '@agentry/subgraph-kit';
import type { TaskStub } from './task.stub';

export const taskReference = {
  __resolveReference: (ref: { id: string }): TaskStub | null =>
    isUuid(ref.id) ? { id: ref.id.toLowerCase() } : null,
};
