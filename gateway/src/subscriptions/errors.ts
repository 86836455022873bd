import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, toPublicError, type Logger } from '@agentry/core';

type Path = readonly (string | number)[];

/**
 * An error written by the gateway itself: its message is meant for the client, so it does not
 * go through `toPublicError` (which would hide an INTERNAL_SERVER_ERROR message).
 */
export const gatewayError = (
  message: string,
  code: string = ErrorCode.INTERNAL_SERVER_ERROR,
  path?: Path,
): GraphQLFormattedError => ({
  message,
  ...(path ? { path: [...path] } : {}),
  extensions: { code },
});

/**
 * A subgraph's (or graphql-js's) error as the client may see it; internals are logged, not sent.
 * `fromSubgraph` drops `locations`: they point into the gateway's fetch operation, not into the
 * client's document.
 */
export function publicError(
  error: GraphQLFormattedError,
  log: Logger,
  path?: Path,
  fromSubgraph = false,
): GraphQLFormattedError {
  const formatted = {
    ...error,
    ...(path ? { path: [...path] } : {}),
    ...(fromSubgraph ? { locations: undefined } : {}),
  };
  const out = toPublicError(formatted, () => log.error({ err: error }, 'internal error'));
  // toPublicError copies `locations` and `path` even when absent; keep the JSON tidy.
  if (!out.locations) delete (out as { locations?: unknown }).locations;
  if (!out.path) delete (out as { path?: unknown }).path;
  return out;
}

const isFormattedErrors = (value: unknown): value is GraphQLFormattedError[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every((e) => typeof e === 'object' && e !== null && 'message' in e);

/**
 * What graphql-ws's client hands to `sink.error`: the subgraph's GraphQLFormattedError[] (an
 * `error` message), a CloseEvent once retries are exhausted, or an Error. Never throws.
 */
export function upstreamFailure(failure: unknown, log: Logger): GraphQLFormattedError[] {
  if (isFormattedErrors(failure)) return failure.map((e) => publicError(e, log, undefined, true));
  const code = (failure as { code?: unknown } | null)?.code;
  log.warn(
    { code, reason: (failure as { reason?: unknown } | null)?.reason ?? String(failure) },
    'upstream subscription failed',
  );
  return [
    gatewayError(
      'The service behind this subscription went away; subscribe again in a moment.',
      ErrorCode.INTERNAL_SERVER_ERROR,
    ),
  ];
}

/** GraphQLError instances, for graphql-ws paths that call `toJSON()` on them. */
export const toGraphQLErrors = (errors: readonly GraphQLFormattedError[]) =>
  errors.map(
    (e) => new GraphQLError(e.message, { path: e.path, extensions: e.extensions ?? undefined }),
  );

/** True when `prefix` is `path` or one of its ancestors. */
export const isPathPrefix = (prefix: Path | undefined, path: Path | undefined) =>
  !!prefix && !!path && prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
