import { AppError, ErrorCode, sleep, type Logger } from '@agentry/core';
import { agentClient } from './agent.client';
import type { TasksEnv } from '../env';

/** Codes by which the agent says the task is already over or unknown: nothing left to cancel. */
const SETTLED = new Set<string>([
  ErrorCode.NOT_FOUND,
  ErrorCode.CONFLICT,
  ErrorCode.BAD_USER_INPUT,
]);

/**
 * Tells agents to cancel tasks, in the background: `cancelTask` records the cancel at once and
 * does not wait for the agent, and a task that FAILED because its agent hung is canceled there
 * when the agent answers again, so it does not keep working on what nobody pays for. Best
 * effort and bounded: each request is retried with backoff for at most `windowMs` (default
 * TASK_AGENT_CANCEL_WINDOW_MS), and stopping the process abandons what is left.
 */
export class AgentCancels {
  private readonly pending = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly env: TasksEnv,
    private readonly log: Logger,
  ) {}

  /** Starts telling the agent at `agentUrl` to cancel `remoteTaskId`; returns at once. */
  request(taskId: string, agentUrl: string, remoteTaskId: string, windowMs?: number) {
    if (this.stopping.signal.aborted) return;
    const p = this.tell(
      taskId,
      agentUrl,
      remoteTaskId,
      windowMs ?? this.env.TASK_AGENT_CANCEL_WINDOW_MS,
    )
      .catch((err) => this.log.warn({ err, taskId }, 'cancel at the agent failed'))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves when every request made so far has ended (told, refused, or given up). */
  async idle() {
    while (this.pending.size) await Promise.all(this.pending);
  }

  async stop() {
    this.stopping.abort();
    await this.idle();
  }

  private async tell(taskId: string, agentUrl: string, remoteTaskId: string, windowMs: number) {
    const signal = this.stopping.signal;
    const deadline = Date.now() + windowMs;
    for (let attempt = 0; ; attempt++) {
      const left = deadline - Date.now();
      try {
        const client = await agentClient(agentUrl, this.env);
        await client.cancel(remoteTaskId, {
          signal: AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, left))]),
        });
        this.log.info({ taskId, attempt }, 'canceled at the agent');
        return;
      } catch (err) {
        if (signal.aborted) return;
        const code = err instanceof AppError ? String(err.extensions.code) : '';
        if (SETTLED.has(code)) return;
        if (Date.now() >= deadline) {
          this.log.warn(
            { taskId, attempts: attempt + 1, err: (err as Error)?.message },
            'gave up telling the agent to cancel',
          );
          return;
        }
      }
      await sleep(Math.min(250 * 2 ** attempt, 10_000, Math.max(0, deadline - Date.now())), signal);
    }
  }
}
