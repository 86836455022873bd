import type { TaskState } from './types';

export const TASK_STATES: readonly TaskState[] = [
  'SUBMITTED',
  'WORKING',
  'INPUT_REQUIRED',
  'AUTH_REQUIRED',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'REJECTED',
];

const TERMINAL = new Set<TaskState>(['COMPLETED', 'FAILED', 'CANCELED', 'REJECTED']);
const INTERRUPTED = new Set<TaskState>(['INPUT_REQUIRED', 'AUTH_REQUIRED']);

/** Nothing follows a terminal state: COMPLETED, FAILED, CANCELED, REJECTED. */
export const isTerminal = (state: TaskState | undefined): boolean =>
  state !== undefined && TERMINAL.has(state);

/** The agent waits for the requester: INPUT_REQUIRED (a reply) or AUTH_REQUIRED (credentials). */
export const isInterrupted = (state: TaskState | undefined): boolean =>
  state !== undefined && INTERRUPTED.has(state);
