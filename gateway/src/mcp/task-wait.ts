import { sleep } from '@agentry/core';
import type { GraphQLCaller } from './graphql';
import { GET_TASK, type TaskData } from './operations';
import { INTERRUPTED_STATES, TERMINAL_STATES } from './results';

/** How often a waiting tool reads the task again. */
export const POLL_INTERVAL_MS = 250;
/** Longest silence between two progress notifications, so clients that reset their timeout on progress keep waiting. */
const HEARTBEAT_MS = 5_000;

export interface WaitOptions {
  /** When to give up waiting (epoch ms); the task then comes back in the state it is in. */
  deadline: number;
  /** The MCP request's signal: the client canceled or went away. */
  signal: AbortSignal;
  /** Called when the task changed, and at least every few seconds while it has not. */
  onProgress?: (task: TaskData, elapsedMs: number) => Promise<void>;
}

/** True when the task needs nobody but its agent to go on. */
export const isRunning = (state: string) =>
  !TERMINAL_STATES.has(state) && !INTERRUPTED_STATES.has(state);

/**
 * Polls `task(id)` until the task ends or waits for its requester, the deadline passes or the
 * client goes away; returns the last state read. GraphQL errors propagate as ToolErrors.
 */
export async function waitForTask(
  call: GraphQLCaller,
  initial: TaskData,
  options: WaitOptions,
): Promise<{ task: TaskData; timedOut: boolean }> {
  const started = Date.now();
  let task = initial;
  let lastReport = 0;
  let fingerprint = '';
  for (;;) {
    const now = Date.now();
    const next = `${task.state}/${task.messages.length}/${task.artifacts.length}`;
    if (options.onProgress && (next !== fingerprint || now - lastReport >= HEARTBEAT_MS)) {
      fingerprint = next;
      lastReport = now;
      await options.onProgress(task, now - started).catch(() => undefined);
    }
    if (!isRunning(task.state) || options.signal.aborted) return { task, timedOut: false };
    if (now + POLL_INTERVAL_MS > options.deadline) return { task, timedOut: true };
    await sleep(POLL_INTERVAL_MS, options.signal);
    if (options.signal.aborted) return { task, timedOut: false };
    const data = await call<{ task: TaskData | null }>(GET_TASK, { id: task.id }, options.signal);
    if (data.task) task = data.task;
  }
}
