import { TaskState, type Task } from '@a2a-js/sdk';
import {
  InMemoryTaskStore,
  type ExecutionEventBus,
  type RequestContext,
  type ServerCallContext,
  type TaskStore,
} from '@a2a-js/sdk/server';
import type { ExampleAgent, ExampleExecutor } from './agent';
import { baseCard, publishStatus, publishTask, skill } from './publish';

export const BROKEN_ERROR = 'unhandled exception in executor: the task store is unavailable';

export interface BrokenOptions {
  /** Serve a card with `streaming: false`, so clients send and poll. Default true (streaming). */
  streaming?: boolean;
}

/**
 * Keeps a task's first snapshot, then fails every later write and read of it, the way an agent
 * whose storage broke does: the SDK answers with a JSON-RPC internal error (-32603) inside the
 * stream (streaming) or to GetTask (polling). No FAILED status is ever sent.
 */
class BrokenTaskStore implements TaskStore {
  private readonly store = new InMemoryTaskStore();
  private readonly saved = new Set<string>();
  private readonly broken = new Set<string>();

  async save(task: Task, context: ServerCallContext): Promise<void> {
    if (this.saved.has(task.id)) {
      this.broken.add(task.id);
      throw new Error(BROKEN_ERROR);
    }
    this.saved.add(task.id);
    await this.store.save(task, context);
  }

  async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    // Reads work until a write failed; from then on the task cannot be read either.
    if (this.broken.has(taskId)) throw new Error(BROKEN_ERROR);
    return this.store.load(taskId, context);
  }

  list: TaskStore['list'] = (params, context) => this.store.list(params, context);
}

/** Accepts the task, says it is working, and then its store fails (see BrokenTaskStore). */
export class BrokenExecutor implements ExampleExecutor {
  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const ref = publishTask(bus, ctx);
    publishStatus(bus, ref, TaskState.TASK_STATE_WORKING, 'Working on it…');
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    publishStatus(bus, { taskId, contextId: '' }, TaskState.TASK_STATE_CANCELED);
  }
}

export const brokenAgent: ExampleAgent<BrokenOptions> = {
  card: (rpcUrl, options) =>
    baseCard(rpcUrl, {
      name: 'Broken',
      description:
        'Starts every task and then fails with a JSON-RPC internal error: for testing protocol errors.',
      streaming: options?.streaming ?? true,
      skills: [
        skill(
          'break',
          'Break',
          'Answers with a JSON-RPC -32603 error after accepting the task.',
          ['failure', 'demo'],
          ['do it'],
        ),
      ],
    }),
  createExecutor: () => new BrokenExecutor(),
  createTaskStore: () => new BrokenTaskStore(),
};
