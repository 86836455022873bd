import { badInput } from './errors';
import { isUuid } from './ids';

/**
 * An id argument checked before it reaches SQL: the id in lower case (ids compare in lower case),
 * or BAD_USER_INPUT naming the argument, e.g. `idArgument(id, 'id', 'a review')` fails with
 * "id must be a review id." and `extensions.argument = 'id'`.
 */
export function idArgument(value: unknown, argument: string, what: string): string {
  if (!isUuid(value)) throw badInput(`${argument} must be ${what} id.`, { argument });
  return value.toLowerCase();
}
