import {
  byKeys,
  groupByKeys,
  isAdmin,
  isUuid,
  type Page,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import { agentsProvidedBy } from '../projections/agent-projection.store';
import type { TaskListArgs } from './task-list.args';
import { agentTaskPages, emptyTaskPage, taskListQuery } from './task-list.store';
import { canSeeTask, mayReadTasks } from './task.access';
import type { Task } from './task.entity';
import { findArtifacts, findMessages, findTasks, taskArtifacts, taskMessages } from './task.store';

/** Tasks by id, batched per request, whoever may see them (callers check `canSeeTask`). */
export const taskLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, Task | null>('taskById', async (ids) =>
    byKeys(ids, await findTasks(ctx.db, ids), (t) => t.id),
  );

/** A task if the caller may see it, else null (unknown, malformed and forbidden alike). */
export async function loadVisibleTask(ctx: SubgraphContext, id: string) {
  if (!isUuid(id) || !mayReadTasks(ctx)) return null;
  const task = await taskLoader(ctx).load(id.toLowerCase());
  return task && canSeeTask(ctx, task) ? task : null;
}

export const messagesByTaskLoader = (ctx: SubgraphContext) =>
  ctx.loader('messagesByTask', async (taskIds: readonly string[]) =>
    groupByKeys(taskIds, await taskMessages(ctx.db, taskIds), (m) => m.taskId),
  );

export const artifactsByTaskLoader = (ctx: SubgraphContext) =>
  ctx.loader('artifactsByTask', async (taskIds: readonly string[]) =>
    groupByKeys(taskIds, await taskArtifacts(ctx.db, taskIds), (a) => a.taskId),
  );

export const messageLoader = (ctx: SubgraphContext) =>
  ctx.loader('messageById', async (ids: readonly string[]) =>
    byKeys(ids, await findMessages(ctx.db, ids), (m) => m.id),
  );

export const artifactLoader = (ctx: SubgraphContext) =>
  ctx.loader('artifactById', async (ids: readonly string[]) =>
    byKeys(ids, await findArtifacts(ctx.db, ids), (a) => a.id),
  );

/**
 * `Agent.tasks` for a batch of agents with the same arguments: one projection lookup (who
 * provides which agent), then the pages and their counts. The provider and admins see every
 * task of the agent; anyone else only their own.
 */
export function agentTasksLoader(ctx: SubgraphContext, args: TaskListArgs) {
  const query = taskListQuery(args);
  const viewer = ctx.identity.userId;
  return ctx.loader<string, Page<Task>>(`agentTasks:${query.key}`, async (agentIds) => {
    const ids = agentIds.filter(isUuid);
    // Anonymous callers (and API keys without tasks:read) see no tasks, not an error: the
    // field sits on public agent listings.
    if (!viewer || !mayReadTasks(ctx) || !ids.length) return agentIds.map(emptyTaskPage);
    const fullAccess = isAdmin(ctx) ? ids : await agentsProvidedBy(ctx.db, ids, viewer);
    const pageOf = await agentTaskPages(ctx.db, ids, fullAccess, viewer, query);
    return agentIds.map(pageOf);
  });
}
