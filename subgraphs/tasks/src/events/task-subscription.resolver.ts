import {
  Arg,
  Ctx,
  ID,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { badInput, forbidden, notFound } from '@agentry/core';
import { decodeCursor, isUuid, requireUser } from '@agentry/subgraph-kit';
import type { TasksContext } from '../context';
import {
  STREAM_COLUMNS,
  comparePositions,
  toStreamEvent,
  type StreamEvent,
  type StreamPosition,
} from './task-event-stream';
import { TaskEvent } from './task-event.entity';
import { canSeeTask, taskLoader } from '../task/task.loader';
import { isTerminal } from '../task/task-state.type';

interface Replay {
  /** Rows up to `upTo` (inclusive) that the subscriber missed. */
  query: (upTo: StreamPosition) => Promise<StreamEvent[]>;
  /** Whether a live event belongs to this subscription. */
  wants: (event: StreamEvent) => boolean;
  /** Ends the subscription after this event (a task's terminal state). */
  endsWith?: (event: StreamEvent) => boolean;
}

/**
 * A subscription's events: what it missed (from the database, up to the shared stream's head
 * at the moment it registered), then everything live after that head — in order, without a gap
 * or a repeat across the switch. Hand-written so `return()` unregisters at once.
 */
function eventIterator(ctx: TasksContext, replay: Replay): AsyncIterableIterator<StreamEvent> {
  const { stream } = ctx.services;
  const queue: StreamEvent[] = [];
  const live: StreamEvent[] = [];
  let replaying = true;
  let done = false;
  let failure: unknown = null;
  let wakeUp: (() => void) | null = null;
  const notify = () => {
    wakeUp?.();
    wakeUp = null;
  };
  const unsubscribe = stream.subscribe((event) => {
    if (!replay.wants(event)) return;
    (replaying ? live : queue).push(event);
    if (!replaying) notify();
  });
  const upTo = stream.head;
  replay.query(upTo).then(
    (missed) => {
      queue.push(...missed, ...live);
      live.length = 0;
      replaying = false;
      notify();
    },
    (err) => {
      failure = err;
      notify();
    },
  );
  const finish = () => {
    done = true;
    unsubscribe();
    notify();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<StreamEvent>> {
      for (;;) {
        if (failure) {
          finish();
          throw failure;
        }
        if (queue.length) {
          const event = queue.shift()!;
          if (replay.endsWith?.(event)) finish();
          return { value: event, done: false };
        }
        if (done) return { value: undefined, done: true };
        await new Promise<void>((resolve) => (wakeUp = resolve));
      }
    },
    async return(): Promise<IteratorResult<StreamEvent>> {
      finish();
      return { value: undefined, done: true };
    },
  };
}

const after = (event: StreamEvent, from: StreamPosition | null) =>
  !from || comparePositions(event.at, from) > 0;

/** A cursor from `Task.events` or a previous subscription event: [sequence, taskId]. */
function decodeEventCursor(
  cursor: string | undefined | null,
): { sequence: number; taskId: string } | null {
  const key = decodeCursor(cursor);
  if (!key) return null;
  const [sequence, taskId] = key;
  if (
    typeof sequence !== 'number' ||
    !Number.isSafeInteger(sequence) ||
    sequence < 0 ||
    !isUuid(taskId)
  ) {
    throw badInput('The cursor is malformed; pass the cursor of an event you received.', {
      argument: 'after',
    });
  }
  return { sequence, taskId };
}

@Resolver(() => TaskEvent)
export class TaskSubscriptionResolver {
  @Subscription(() => TaskEvent, {
    description:
      "A task's events as they happen: from `after` (a cursor of an event you received), or from the task's first event; it completes after the terminal state. For the requester, the agent's publisher and admins.",
    subscribe: async ({
      args,
      context,
    }: SubscribeResolverData<unknown, Record<string, unknown>, TasksContext>) => {
      const ctx = context;
      requireUser(ctx, 'tasks:read');
      const taskId = args.taskId as string;
      if (!isUuid(taskId)) throw badInput('taskId must be a task id.', { argument: 'taskId' });
      const cursor = decodeEventCursor(args.after as string | undefined);
      if (cursor && cursor.taskId !== taskId) {
        throw badInput("This cursor belongs to another task's events.", { argument: 'after' });
      }
      const task = await taskLoader(ctx).load(taskId);
      if (!task) throw notFound('Task', taskId);
      if (!canSeeTask(ctx, task)) {
        throw forbidden(
          "Only the task's requester, the agent's publisher or an admin can follow it.",
        );
      }
      const from = cursor?.sequence ?? 0;
      return eventIterator(ctx, {
        query: async (upTo) =>
          (
            await ctx.db.query(
              `SELECT ${STREAM_COLUMNS}
                 FROM tasks.task_events e JOIN tasks.tasks t ON t.id = e.task_id
                WHERE e.task_id = $1 AND e.sequence > $2
                  AND (e.tx_id, e.position) <= ($3::text::xid8, $4::bigint)
                ORDER BY e.sequence`,
              [taskId, from, upTo.txId.toString(), upTo.position.toString()],
            )
          ).map(toStreamEvent),
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
        const [row] = await ctx.db.query(
          `SELECT e.tx_id::text AS "txId", e.position::text AS pos, t.requester_id AS "requesterId"
             FROM tasks.task_events e JOIN tasks.tasks t ON t.id = e.task_id
            WHERE e.task_id = $1 AND e.sequence = $2`,
          [cursor.taskId, cursor.sequence],
        );
        if (!row || row.requesterId !== userId) {
          throw badInput('The cursor does not point at one of your task events.', {
            argument: 'after',
          });
        }
        from = { txId: BigInt(row.txId), position: BigInt(row.pos) };
      }
      return eventIterator(ctx, {
        query: async (upTo) =>
          from
            ? (
                await ctx.db.query(
                  `SELECT ${STREAM_COLUMNS}
                     FROM tasks.task_events e JOIN tasks.tasks t ON t.id = e.task_id
                    WHERE t.requester_id = $1
                      AND (e.tx_id, e.position) > ($2::text::xid8, $3::bigint)
                      AND (e.tx_id, e.position) <= ($4::text::xid8, $5::bigint)
                    ORDER BY e.tx_id, e.position`,
                  [
                    userId,
                    from.txId.toString(),
                    from.position.toString(),
                    upTo.txId.toString(),
                    upTo.position.toString(),
                  ],
                )
              ).map(toStreamEvent)
            : [],
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
