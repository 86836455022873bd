import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { badInput, forbidden, notFound } from '@agentry/core';
import {
  PageArgs,
  decodeCursor,
  pageSize,
  requireUser,
  toPage,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import { AgentStub } from '../federated/agent/agent.stub';
import { isUuid } from '@agentry/subgraph-kit';
import type { TaskRow } from '../sql';
import { TaskArtifact } from './task-artifact.entity';
import { TaskEvent } from '../events/task-event.entity';
import { TaskMessage } from './task-message.entity';
import { TaskListArgs } from './task-list.args';
import { TaskConnection, TaskEventConnection } from './task-connection.type';
import { Task } from './task.entity';
import { myTasksPage } from './task-list.store';
import {
  artifactsByTaskLoader,
  canSeeTask,
  eventsByTaskLoader,
  messagesByTaskLoader,
  taskLoader,
} from './task.loader';
import { UserStub } from '../federated/user/user.stub';

/** The sequence an events cursor points at; it must be one of this task's cursors. */
function decodeEventCursor(after: string | undefined, taskId: string): number {
  const key = decodeCursor(after);
  if (!key) return 0;
  const [sequence, cursorTaskId] = key;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0)
    throw badInput('The cursor is malformed; pass a cursor from a previous page.', {
      argument: 'after',
    });
  if (cursorTaskId !== taskId)
    throw badInput("This cursor belongs to another task's events.", { argument: 'after' });
  return sequence;
}

@Resolver(() => Task)
export class TaskResolver {
  @Query(() => Task, {
    nullable: true,
    description: 'A task, for its requester, the provider of its agent, or an admin.',
  })
  async task(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<TaskRow> {
    requireUser(ctx, 'tasks:read');
    if (!isUuid(id)) throw badInput('id must be a task id.', { argument: 'id' });
    const task = await taskLoader(ctx).load(id);
    if (!task) throw notFound('Task', id);
    if (!canSeeTask(ctx, task))
      throw forbidden('Only the requester, the provider of the agent or an admin sees a task.');
    return task;
  }

  @Query(() => TaskConnection, { description: 'Your tasks, newest first.' })
  myTasks(@Args() args: TaskListArgs, @Ctx() ctx: SubgraphContext) {
    const userId = requireUser(ctx, 'tasks:read');
    return myTasksPage(ctx, userId, args);
  }

  @FieldResolver(() => AgentStub)
  agent(@Root() task: TaskRow): AgentStub {
    return { id: task.agentId };
  }

  @FieldResolver(() => UserStub, { description: 'Who sent the task.' })
  requester(@Root() task: TaskRow): UserStub {
    return { id: task.requesterId };
  }

  @FieldResolver(() => [TaskMessage], { description: 'The conversation, oldest first.' })
  messages(@Root() task: TaskRow, @Ctx() ctx: SubgraphContext) {
    return messagesByTaskLoader(ctx).load(task.id);
  }

  @FieldResolver(() => [TaskArtifact], { description: 'What the agent produced, in order.' })
  artifacts(@Root() task: TaskRow, @Ctx() ctx: SubgraphContext) {
    return artifactsByTaskLoader(ctx).load(task.id);
  }

  @FieldResolver(() => TaskEventConnection, {
    description: "The task's events in order (sequence 1, 2, 3...).",
  })
  async events(@Root() task: TaskRow, @Args() args: PageArgs, @Ctx() ctx: SubgraphContext) {
    const after = decodeEventCursor(args.after, task.id);
    const limit = pageSize(args.first);
    const rows = await eventsByTaskLoader(ctx, after, limit).load(task.id);
    // Sequences are gapless, so the count is the last one used; no count query.
    const total = Math.max(task.lastSequence, rows.at(-1)?.sequence ?? 0);
    return toPage(rows, limit, (e: TaskEvent) => [e.sequence, e.taskId], total, after > 0);
  }
}
