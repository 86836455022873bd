import { badInput } from './errors';
import { isUuid } from './ids';

/**
 * An id argument checked before it reaches SQL: the value when it is a UUID, else BAD_USER_INPUT
 * naming the argument, e.g. `idArgument(id, 'agentId', 'an agent')` refuses with "agentId must be
 * an agent id." and `extensions.argument: 'agentId'`. `kind` is what the id is of, with its
 * article ("an agent", "a tool server").
 */
export function idArgument(value: unknown, argument: string, kind: string): string {
  if (!isUuid(value)) throw badInput(`${argument} must be ${kind} id.`, { argument });
  return value;
}
