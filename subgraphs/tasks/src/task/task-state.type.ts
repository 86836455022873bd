import { registerEnumType } from 'type-graphql';

/** The A2A task states, named as GraphQL enum values. */
export enum TaskState {
  SUBMITTED = 'SUBMITTED',
  WORKING = 'WORKING',
  INPUT_REQUIRED = 'INPUT_REQUIRED',
  AUTH_REQUIRED = 'AUTH_REQUIRED',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELED = 'CANCELED',
  REJECTED = 'REJECTED',
}
registerEnumType(TaskState, {
  name: 'TaskState',
  description:
    'Where a task is. COMPLETED, FAILED, CANCELED and REJECTED are terminal: nothing follows them.',
});

const TERMINAL_STATES: ReadonlySet<TaskState> = new Set([
  TaskState.COMPLETED,
  TaskState.FAILED,
  TaskState.CANCELED,
  TaskState.REJECTED,
]);
export const isTerminal = (state: TaskState) => TERMINAL_STATES.has(state);
export const isTaskState = (s: unknown): s is TaskState =>
  typeof s === 'string' && (Object.values(TaskState) as string[]).includes(s);
