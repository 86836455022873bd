import { badInput } from './errors';
import { isUuid } from './ids';

/**
 * An id argument, checked before it reaches SQL: `value` if it is a UUID, else BAD_USER_INPUT
 * naming the argument, e.g. `uuidArgument(id, 'taskId', 'a task id')` fails with
 * "taskId must be a task id." and `extensions.argument: 'taskId'`.
 */
export function uuidArgument(value: unknown, argument: string, what: string): string {
  if (!isUuid(value)) throw badInput(`${argument} must be ${what}.`, { argument });
  return value;
}
