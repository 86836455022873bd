/** One GraphQL error as the gateway returns it. */
export interface AgentryGraphQLError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * A failed operation. `code` is the first error's stable `extensions.code` (`UNAUTHENTICATED`,
 * `INSUFFICIENT_CREDITS`, …), `NETWORK_ERROR` when the gateway could not be reached, or
 * `BAD_RESPONSE` when it answered with something that is not GraphQL.
 */
export class AgentryError extends Error {
  readonly code: string;
  readonly errors: readonly AgentryGraphQLError[];
  constructor(message: string, code: string, errors: readonly AgentryGraphQLError[] = []) {
    super(message);
    this.name = 'AgentryError';
    this.code = code;
    this.errors = errors;
  }

  static fromGraphQL(errors: readonly AgentryGraphQLError[]): AgentryError {
    const first = errors[0];
    return new AgentryError(
      errors.map((e) => e.message).join('; ') || 'The request failed.',
      first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
      errors,
    );
  }
}

/** graphql-ws rejects with a plain array of GraphQL errors (not an Error) for GraphQL failures. */
export function isGraphQLErrorList(value: unknown): value is AgentryGraphQLError[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((e) => typeof e === 'object' && e !== null && typeof e.message === 'string')
  );
}
