import { byKeys } from '@agentry/subgraph-kit';
import type { BillingContext } from '../../context';
import { taskCosts, type TaskCost } from '../../ledger/ledger.store';

/** What each task cost (its CAPTURE), with who paid and who earned, batched per request. */
export const taskCostLoader = (ctx: BillingContext) =>
  ctx.loader<string, TaskCost | null>('taskCost', async (taskIds) =>
    byKeys(taskIds, await taskCosts(ctx.db, taskIds), (c) => c.taskId),
  );
