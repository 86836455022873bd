import { groupByKeys, type SubgraphContext } from '@agentry/subgraph-kit';
import { eventPages } from './task-event.store';

/** One page of events per task (after `afterSequence`, `limit` + 1 of them), batched. */
export const eventsByTaskLoader = (ctx: SubgraphContext, afterSequence: number, limit: number) =>
  ctx.loader(`eventsByTask:${afterSequence}:${limit}`, async (taskIds: readonly string[]) =>
    groupByKeys(taskIds, await eventPages(ctx.db, taskIds, afterSequence, limit), (e) => e.taskId),
  );
