import { randomUUID } from 'node:crypto';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { AppError, ErrorCode, conflict, forbidden, notFound, idArgument } from '@agentry/core';
import { isAdmin, requireUser, Scope } from '@agentry/subgraph-kit';
import type { TasksContext } from '../context';
import { TaskEventKind } from '../events/task-event-kind.type';
import { agentEndpoint, findAgent, isForHire } from '../projections/agent-projection.store';
import { MessageRole } from './message-role.type';
import { TaskState, isTerminal } from './task-state.type';
import { Task } from './task.entity';
import { TaskInput, taskInputToParts } from './task.input';
import { taskLoader } from './task.loader';
import { createTask, lockTask, recordEvent } from './task.store';

/** The task, if the caller is its requester (or an admin); NOT_FOUND / FORBIDDEN otherwise. */
async function ownTask(ctx: TasksContext, id: string, userId: string): Promise<Task> {
  const taskId = idArgument(id, 'taskId', 'a task');
  const task = await taskLoader(ctx).load(taskId);
  if (!task) throw notFound('Task', taskId);
  if (task.requesterId !== userId && !isAdmin(ctx))
    throw forbidden('Only the requester can do this to a task.');
  return task;
}

@Resolver()
export class TaskCommandsResolver {
  @Scope('tasks:write')
  @Mutation(() => Task, {
    description:
      "Hires an agent: holds the agent's price on your wallet (INSUFFICIENT_CREDITS if you cannot pay) and sends your message to it. Follow the task with `task(id)` or `taskEvents`.",
  })
  async sendTask(
    @Arg('agentId', () => ID) agentId: string,
    @Arg('input', () => TaskInput) input: TaskInput,
    @Ctx() ctx: TasksContext,
  ): Promise<Task> {
    const requesterId = requireUser(ctx, 'tasks:write');
    agentId = idArgument(agentId, 'agentId', 'an agent');
    await taskInputToParts(input);
    const { billing, queue, runner } = ctx.services;
    const agent = await findAgent(ctx.db, agentId);
    if (!isForHire(agent)) throw notFound('Agent', agentId);
    const taskId = randomUUID();
    const price = agent.priceCredits;
    // Hold first, under the requester's own identity: no task exists that nobody pays for.
    if (price > 0) await billing.hold(ctx.identityToken, taskId, price);
    try {
      await ctx.db.transaction(async (m) => {
        await createTask(m, { id: taskId, agentId, requesterId, input, priceCredits: price });
        await queue.enqueue(m, { taskId, mode: 'send' });
      });
    } catch (err) {
      if (price > 0) await billing.release(ctx.identityToken, taskId);
      throw err;
    }
    runner?.wake();
    return (await taskLoader(ctx).load(taskId))!;
  }

  @Scope('tasks:write')
  @Mutation(() => Task, {
    description:
      'Answers a task that waits for you (INPUT_REQUIRED or AUTH_REQUIRED), in the same A2A context.',
  })
  async replyToTask(
    @Arg('taskId', () => ID) taskId: string,
    @Arg('input', () => TaskInput) input: TaskInput,
    @Ctx() ctx: TasksContext,
  ): Promise<Task> {
    const userId = requireUser(ctx, 'tasks:write');
    const parts = await taskInputToParts(input);
    const task = await ownTask(ctx, taskId, userId);
    const { queue, runner } = ctx.services;
    await ctx.db.transaction(async (m) => {
      const locked = (await lockTask(m, task.id))!;
      if (locked.state !== TaskState.INPUT_REQUIRED && locked.state !== TaskState.AUTH_REQUIRED)
        throw conflict(
          `Task ${task.id} is ${locked.state}; only a task waiting for input takes a reply.`,
        );
      await recordEvent(m, task.id, {
        kind: TaskEventKind.MESSAGE,
        state: TaskState.WORKING,
        message: { role: MessageRole.USER, parts },
      });
      await queue.enqueue(m, { taskId: task.id, mode: 'reply' });
    });
    runner?.wake();
    taskLoader(ctx).clearAll();
    return (await taskLoader(ctx).load(task.id))!;
  }

  @Scope('tasks:write')
  @Mutation(() => Task, {
    description: 'Cancels a task at its agent; the hold on your wallet is released.',
  })
  async cancelTask(
    @Arg('taskId', () => ID) taskId: string,
    @Ctx() ctx: TasksContext,
  ): Promise<Task> {
    const userId = requireUser(ctx, 'tasks:write');
    const task = await ownTask(ctx, taskId, userId);
    if (isTerminal(task.state)) throw conflict(`Task ${task.id} is already ${task.state}.`);
    const { runner, cancels } = ctx.services;
    // Recorded at once (the hold is released through the events log); the agent is told in the
    // background, so a hung agent cannot hold this request for its whole timeout.
    let recorded = true;
    await recordEvent(ctx.db, task.id, {
      kind: TaskEventKind.STATUS,
      state: TaskState.CANCELED,
    }).catch((err: AppError) => {
      // The runner recorded the agent's CANCELED (or another end) first.
      if (err.extensions?.code !== ErrorCode.CONFLICT) throw err;
      recorded = false;
    });
    runner?.abort(task.id);
    taskLoader(ctx).clearAll();
    const after = (await taskLoader(ctx).load(task.id))!;
    if (recorded && after.remoteTaskId) {
      const agent = await findAgent(ctx.db, task.agentId);
      const url = agent && agentEndpoint(agent);
      if (url) cancels.request(task.id, url, after.remoteTaskId);
      else ctx.log.warn({ taskId: task.id }, 'cannot cancel at the agent: it has no A2A endpoint');
    }
    return after;
  }
}
