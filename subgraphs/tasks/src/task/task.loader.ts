import { byKeys, groupByKeys, isAdmin, isUuid, type SubgraphContext } from '@agentry/subgraph-kit';
import {
  ARTIFACT_COLUMNS,
  EVENT_COLUMNS,
  MESSAGE_COLUMNS,
  TASK_COLUMNS,
  type TaskRow,
} from '../sql';
import type { TaskArtifact } from './task-artifact.entity';
import type { TaskEvent } from '../events/task-event.entity';
import type { TaskMessage } from './task-message.entity';

/** Tasks by id, batched per request, whoever may see them (callers check `canSeeTask`). */
export const taskLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, TaskRow | null>('taskById', async (ids) => {
    const rows: TaskRow[] = await ctx.db.query(
      `SELECT ${TASK_COLUMNS} FROM tasks.tasks t WHERE t.id = ANY($1::uuid[])`,
      [ids],
    );
    return byKeys(ids, rows, (t) => t.id);
  });

/** Signed in, and an API key (if that is how) carries tasks:read. */
export const mayReadTasks = (ctx: SubgraphContext) =>
  !!ctx.identity.userId && (!ctx.identity.scopes || ctx.identity.scopes.includes('tasks:read'));

/** The requester, the agent's provider and admins see a task; nobody else learns anything. */
export const canSeeTask = (ctx: SubgraphContext, task: TaskRow) =>
  mayReadTasks(ctx) &&
  (isAdmin(ctx) ||
    task.requesterId === ctx.identity.userId ||
    task.providerId === ctx.identity.userId);

/** A task if the caller may see it, else null (unknown, malformed and forbidden alike). */
export async function loadVisibleTask(ctx: SubgraphContext, id: string) {
  if (!isUuid(id) || !mayReadTasks(ctx)) return null;
  const task = await taskLoader(ctx).load(id);
  return task && canSeeTask(ctx, task) ? task : null;
}

export const messagesByTaskLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, TaskMessage[]>('messagesByTask', async (taskIds) => {
    const rows: TaskMessage[] = await ctx.db.query(
      `SELECT ${MESSAGE_COLUMNS} FROM tasks.task_messages m
        WHERE m.task_id = ANY($1::uuid[]) ORDER BY m.task_id, m.sequence`,
      [taskIds],
    );
    return groupByKeys(taskIds, rows, (r) => r.taskId);
  });

export const artifactsByTaskLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, TaskArtifact[]>('artifactsByTask', async (taskIds) => {
    const rows: TaskArtifact[] = await ctx.db.query(
      `SELECT ${ARTIFACT_COLUMNS} FROM tasks.task_artifacts a
        WHERE a.task_id = ANY($1::uuid[]) ORDER BY a.task_id, a.created_at, a.id`,
      [taskIds],
    );
    return groupByKeys(taskIds, rows, (r) => r.taskId);
  });

export const messageLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, TaskMessage | null>('messageById', async (ids) => {
    const rows: TaskMessage[] = await ctx.db.query(
      `SELECT ${MESSAGE_COLUMNS} FROM tasks.task_messages m WHERE m.id = ANY($1::uuid[])`,
      [ids],
    );
    return byKeys(ids, rows, (r) => r.id);
  });

export const artifactLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, TaskArtifact | null>('artifactById', async (ids) => {
    const rows: TaskArtifact[] = await ctx.db.query(
      `SELECT ${ARTIFACT_COLUMNS} FROM tasks.task_artifacts a WHERE a.id = ANY($1::uuid[])`,
      [ids],
    );
    return byKeys(ids, rows, (r) => r.id);
  });

/**
 * One page of events per task (those after `afterSequence`, `limit` + 1 of them), batched
 * across tasks. Sequences are gapless, so a range is the page: no window function needed.
 */
export const eventsByTaskLoader = (ctx: SubgraphContext, afterSequence: number, limit: number) =>
  ctx.loader<string, TaskEvent[]>(`eventsByTask:${afterSequence}:${limit}`, async (taskIds) => {
    const rows: TaskEvent[] = await ctx.db.query(
      `SELECT ${EVENT_COLUMNS} FROM tasks.task_events e
        WHERE e.task_id = ANY($1::uuid[]) AND e.sequence > $2 AND e.sequence <= $3
        ORDER BY e.task_id, e.sequence`,
      [taskIds, afterSequence, afterSequence + limit + 1],
    );
    return groupByKeys(taskIds, rows, (r) => r.taskId);
  });
