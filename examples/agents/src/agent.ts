import type { AgentCard } from '@a2a-js/sdk';
import type { AgentExecutor, TaskStore } from '@a2a-js/sdk/server';
import type { TaskRef } from './publish';

/** An executor that can also stop whatever it still has running when its server stops. */
export interface ExampleExecutor extends AgentExecutor {
  /** Aborts work in flight without publishing anything more. */
  shutdown?(): void;
}

/** One example agent: its card (given the JSON-RPC URL it is served at) and its executor. */
export interface ExampleAgent<Options extends object> {
  card(rpcUrl: string, options?: Options): AgentCard;
  createExecutor(options?: Options): ExampleExecutor;
  /** Where the agent keeps its tasks. Default: the SDK's InMemoryTaskStore. */
  createTaskStore?(options?: Options): TaskStore;
}

/**
 * Waits `ms` unless `signal` aborts first; resolves `false` when aborted. Executors use it so a
 * cancel or a server stop ends their work at once instead of after the current step.
 */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Tracks the tasks an executor is working on, so `cancelTask` and `shutdown` can stop them.
 * `cancelTask` only receives a task id, so the context id its CANCELED event needs is kept here.
 */
export class RunningTasks {
  private readonly running = new Map<string, { ref: TaskRef; controller: AbortController }>();

  start(ref: TaskRef): AbortSignal {
    const controller = new AbortController();
    this.running.set(ref.taskId, { ref, controller });
    return controller.signal;
  }

  finish(taskId: string): void {
    this.running.delete(taskId);
  }

  /** Aborts the task's work and forgets it; returns its ref, or undefined if not running here. */
  abort(taskId: string): TaskRef | undefined {
    const entry = this.running.get(taskId);
    if (!entry) return undefined;
    entry.controller.abort();
    this.running.delete(taskId);
    return entry.ref;
  }

  abortAll(): void {
    for (const { controller } of this.running.values()) controller.abort();
    this.running.clear();
  }
}
