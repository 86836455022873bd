import {
  Arg,
  Ctx,
  ID,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { Repeater } from '@repeaterjs/repeater';
import { badInput, forbidden, notFound, idArgument } from '@agentry/core';
import { requireUser, Scope } from '@agentry/subgraph-kit';
import type { TasksContext } from '../context';
import { canSeeTask } from '../task/task.access';
import { taskLoader } from '../task/task.loader';
import { isTerminal, TaskState } from '../task/task-state.type';
import { decodeEventCursor } from './event-cursor';
import { replayThenLive } from './replay-then-live';
import { comparePositions } from './task-event-stream';
import { TaskEvent } from './task-event.entity';
import {
  endsAtOrBefore,
  eventPosition,
  requesterEventsBetween,
  taskEventsUpTo,
  type StreamEvent,
  type StreamPosition,
} from './task-event.store';

const TERMINAL = Object.values(TaskState).filter(isTerminal);

const after = (event: StreamEvent, from: StreamPosition | null) =>
  !from || comparePositions(event.at, from) > 0;

@Resolver(() => TaskEvent)
export class TaskSubscriptionResolver {
  @Scope('tasks:read')
  @Subscription(() => TaskEvent, {
    description:
      "A task's events as they happen: from `after` (a cursor of an event you received), or from the task's first event; it completes after the terminal state. For the requester, the agent's publisher and admins.",
    subscribe: async ({
      args,
      context,
    }: SubscribeResolverData<unknown, Record<string, unknown>, TasksContext>) => {
      const ctx = context;
      requireUser(ctx, 'tasks:read');
      const taskId = idArgument(args.taskId, 'taskId', 'a task');
      const cursor = decodeEventCursor(args.after as string | undefined, taskId);
      const task = await taskLoader(ctx).load(taskId);
      if (!task) throw notFound('Task', taskId);
      if (!canSeeTask(ctx, task)) {
        throw forbidden(
          "Only the task's requester, the agent's publisher or an admin can follow it.",
        );
      }
      const from = cursor?.sequence ?? 0;
      // Resuming after the terminal event (a socket dropped between it and `complete`): nothing
      // can follow, so complete at once instead of waiting for an event that never comes.
      if (from > 0 && (await endsAtOrBefore(ctx.db, taskId, from, TERMINAL)))
        return new Repeater<StreamEvent>((_push, stop) => stop());
      return replayThenLive(ctx.services.stream, {
        query: (upTo) => taskEventsUpTo(ctx.db, taskId, from, upTo),
        // Another replica's stream may be ahead of ours: never repeat what the cursor covers.
        wants: (e) => e.taskId === taskId && e.sequence > from,
        endsWith: (e) => isTerminal(e.state),
      });
    },
  })
  taskEvents(
    @Root() event: StreamEvent,
    @Arg('taskId', () => ID) _taskId: string,
    @Arg('after', () => String, { nullable: true }) _after: string | undefined,
    @Ctx() ctx: TasksContext,
  ): StreamEvent {
    // Each event reads the task and its message fresh.
    ctx.resetLoaders();
    return event;
  }

  @Scope('tasks:read')
  @Subscription(() => TaskEvent, {
    description:
      'Events of every task you requested: live from now on, or from `after` (a cursor of an event you received) with nothing missed.',
    subscribe: async ({
      args,
      context,
    }: SubscribeResolverData<unknown, Record<string, unknown>, TasksContext>) => {
      const ctx = context;
      const userId = requireUser(ctx, 'tasks:read');
      const cursor = decodeEventCursor(args.after as string | undefined);
      let from: StreamPosition | null = null;
      if (cursor) {
        const event = await eventPosition(ctx.db, cursor.taskId, cursor.sequence);
        if (!event || event.requesterId !== userId) {
          throw badInput('The cursor does not point at one of your task events.', {
            argument: 'after',
          });
        }
        from = event.at;
      }
      return replayThenLive(ctx.services.stream, {
        query: async (upTo) => (from ? requesterEventsBetween(ctx.db, userId, from, upTo) : []),
        wants: (e) => e.requesterId === userId && after(e, from),
      });
    },
  })
  myTaskEvents(
    @Root() event: StreamEvent,
    @Arg('after', () => String, { nullable: true }) _after: string | undefined,
    @Ctx() ctx: TasksContext,
  ): StreamEvent {
    ctx.resetLoaders();
    return event;
  }
}
