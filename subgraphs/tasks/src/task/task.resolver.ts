import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { idArgument } from '@agentry/core';
import {
  canSeeListing,
  PageArgs,
  pageSize,
  requireUser,
  Scope,
  toPage,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import { decodeEventCursor, eventCursorKey } from '../events/event-cursor';
import { TaskEventConnection } from '../events/task-event-connection.type';
import { eventsByTaskLoader } from '../events/task-event.loader';
import { AgentStub } from '../federated/agent/agent.stub';
import { UserStub } from '../federated/user/user.stub';
import { agentProjectionLoader } from '../projections/agent-projection.loader';
import { TaskArtifact } from './task-artifact.entity';
import { TaskConnection } from './task-connection.type';
import { TaskFilterArgs } from './task-list.args';
import { requesterTaskPage, taskListQuery } from './task-list.store';
import { TaskMessage } from './task-message.entity';
import { Task } from './task.entity';
import { artifactsByTaskLoader, loadVisibleTask, messagesByTaskLoader } from './task.loader';

@Resolver(() => Task)
export class TaskResolver {
  @Scope('tasks:read')
  @Query(() => Task, {
    nullable: true,
    description:
      'A task, for its requester, the provider of its agent, or an admin; null when there is no such task or it is not yours (like every by-id query).',
  })
  async task(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<Task | null> {
    requireUser(ctx, 'tasks:read');
    return loadVisibleTask(ctx, idArgument(id, 'id', 'a task'));
  }

  @Scope('tasks:read')
  @Query(() => TaskConnection, {
    nullable: true,
    description:
      'Your tasks, newest first. Null when the tasks subgraph cannot answer right now (an error says so), so the other root fields of the operation still answer.',
  })
  myTasks(@Args() page: PageArgs, @Args() filter: TaskFilterArgs, @Ctx() ctx: SubgraphContext) {
    const userId = requireUser(ctx, 'tasks:read');
    return requesterTaskPage(ctx.db, userId, taskListQuery({ ...page, ...filter }));
  }

  @FieldResolver(() => AgentStub, {
    nullable: true,
    description:
      'The agent hired; null when it is no longer published (DRAFT or SUSPENDED) and you are neither its provider nor an admin.',
  })
  async agent(@Root() task: Task, @Ctx() ctx: SubgraphContext): Promise<AgentStub | null> {
    // The agents subgraph's rule, also for the fields this subgraph adds (Agent.tasks).
    const agent = await agentProjectionLoader(ctx).load(task.agentId);
    return !agent || canSeeListing(ctx, agent) ? { id: task.agentId } : null;
  }

  @FieldResolver(() => UserStub, {
    nullable: true,
    description:
      'Who sent the task. Null when the users subgraph cannot answer right now (an error says so).',
  })
  requester(@Root() task: Task): UserStub {
    return { id: task.requesterId };
  }

  @FieldResolver(() => [TaskMessage], { description: 'The conversation, oldest first.' })
  messages(@Root() task: Task, @Ctx() ctx: SubgraphContext) {
    return messagesByTaskLoader(ctx).load(task.id);
  }

  @FieldResolver(() => [TaskArtifact], { description: 'What the agent produced, in order.' })
  artifacts(@Root() task: Task, @Ctx() ctx: SubgraphContext) {
    return artifactsByTaskLoader(ctx).load(task.id);
  }

  @FieldResolver(() => TaskEventConnection, {
    description: "The task's events in order (sequence 1, 2, 3...).",
  })
  async events(@Root() task: Task, @Args() args: PageArgs, @Ctx() ctx: SubgraphContext) {
    const after = decodeEventCursor(args.after, task.id)?.sequence ?? 0;
    const limit = pageSize(args.first);
    const rows = await eventsByTaskLoader(ctx, after, limit).load(task.id);
    // Sequences are gapless, so the count is the last one used; no count query.
    const total = Math.max(task.lastSequence, rows.at(-1)?.sequence ?? 0);
    return toPage(rows, limit, eventCursorKey, total, after > 0);
  }
}
