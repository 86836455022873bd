import type { SubgraphContext } from '@agentry/subgraph-kit';
import { loadVisibleTask } from './task.loader';

/**
 * Other subgraphs (billing's Task.cost...) resolve tasks through here, so the owner rule holds
 * for them too: a task the caller may not see resolves to null.
 */
export const taskReference = {
  __resolveReference: (ref: { id: string }, ctx: SubgraphContext) => loadVisibleTask(ctx, ref.id),
};
