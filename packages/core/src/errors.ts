import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * The stable error codes of the public API (`extensions.code`). Clients branch on these, so a
 * code is never renamed; messages are for people and may improve.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INSUFFICIENT_CREDITS: 'INSUFFICIENT_CREDITS',
  AGENT_UNREACHABLE: 'AGENT_UNREACHABLE',
  /**
   * A remote agent answered with a protocol error (a JSON-RPC error such as -32603): it was
   * reached and refused or failed, so the same call again would not help.
   */
  AGENT_ERROR: 'AGENT_ERROR',
  /** An MCP tool server did not answer (connection refused, broken protocol). */
  TOOL_UNREACHABLE: 'TOOL_UNREACHABLE',
  /** A call to a remote agent or tool took longer than allowed and was cut. */
  TIMEOUT: 'TIMEOUT',
  /** Too many requests or too much cost for now; `extensions.retryAfter` says when to retry (s). */
  RATE_LIMITED: 'RATE_LIMITED',
  /**
   * A service or a dependency of it (a subgraph, billing, the database) cannot be reached right
   * now: not a bug, retry after `extensions.retryAfter` seconds. A mutation that failed this way
   * may be retried with the same idempotency key.
   */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** The HTTP request itself is malformed (body not JSON, unsupported charset, no operation). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The request body is larger than the server accepts (HTTP 413). */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  // graphql-js / Apollo Server codes for malformed operations; they carry no internals.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** An error the caller caused or may act on; its message and extensions are shown as they are. */
export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'AppError';
  }
}

export const badInput = (message: string, extensions?: Record<string, unknown>) =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, extensions);
export const unauthenticated = (message = 'Sign in or pass an API key to do this.') =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You are not allowed to do this.') =>
  new AppError(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string, id?: string) =>
  new AppError(ErrorCode.NOT_FOUND, id ? `${what} ${id} was not found.` : `${what} was not found.`);
export const conflict = (message: string) => new AppError(ErrorCode.CONFLICT, message);
/**
 * A dependency is down (not a bug): `what` names it for people ("Billing"), `retryAfterSeconds`
 * goes to `extensions.retryAfter` so clients can back off and retry.
 */
export const serviceUnavailable = (what: string, retryAfterSeconds = 5) =>
  new AppError(
    ErrorCode.SERVICE_UNAVAILABLE,
    `${what} is unavailable right now; try again in ${retryAfterSeconds} s.`,
    { retryAfter: retryAfterSeconds },
  );
/** Too many attempts; `retryAfterSeconds` goes to `extensions.retryAfter` (whole seconds, ≥ 1). */
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new AppError(ErrorCode.RATE_LIMITED, message, {
    retryAfter: Math.max(1, Math.ceil(retryAfterSeconds)),
  });

interface ValidationErrorLike {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationErrorLike[];
}

function flattenValidation(
  errors: ValidationErrorLike[],
  prefix = '',
): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flattenValidation(e.children ?? [], field)];
  });
}

/**
 * The one place that decides what a client sees of an error. Known codes pass with their message;
 * class-validator failures become a readable BAD_USER_INPUT listing the fields; anything else
 * (a bug, a database error) becomes a bare INTERNAL_SERVER_ERROR — no SQL, no stack trace.
 */
export function toPublicError(
  formatted: GraphQLFormattedError,
  onInternal?: (formatted: unknown) => void,
  original?: unknown,
): GraphQLFormattedError {
  const ext = formatted.extensions ?? {};
  let code = typeof ext.code === 'string' ? ext.code : undefined;
  const base = { locations: formatted.locations, path: formatted.path };
  // Apollo Server answers some malformed requests (a persisted-query hash that does not match,
  // an unknown version) with a 4xx GraphQLError but no code; those messages are Apollo's own,
  // written for the client, so they are shown as BAD_REQUEST rather than masked as a bug.
  if ((!code || code === ErrorCode.INTERNAL_SERVER_ERROR) && clientErrorStatus(original))
    code = ErrorCode.BAD_REQUEST;
  if (code === ErrorCode.BAD_USER_INPUT && Array.isArray(ext.validationErrors)) {
    const fields = flattenValidation(ext.validationErrors as ValidationErrorLike[]);
    const message = fields.map((f) => `${f.field}: ${f.messages.join('; ')}`).join(' | ');
    return { ...base, message: `Invalid input — ${message}`, extensions: { code, fields } };
  }
  if (code && PUBLIC_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    const {
      stacktrace: _drop,
      exception: _drop2,
      validationErrors: _drop3,
      ...rest
    } = ext as Record<string, unknown>;
    return { ...base, message: formatted.message, extensions: { ...rest, code } };
  }
  const unavailable = unavailableDependency(original);
  if (unavailable) {
    return {
      ...base,
      message: `${unavailable} is unavailable right now; try again in ${UNAVAILABLE_RETRY_AFTER_S} s.`,
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryAfter: UNAVAILABLE_RETRY_AFTER_S },
    };
  }
  onInternal?.(formatted);
  return {
    ...base,
    message: 'Internal server error.',
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** The 4xx status an error thrown by Apollo Server carries in `extensions.http`, if any. */
function clientErrorStatus(error: unknown): number | undefined {
  const http = (error as GraphQLError | undefined)?.extensions?.http as
    { status?: unknown } | undefined;
  const status = typeof http?.status === 'number' ? http.status : undefined;
  return status && status >= 400 && status < 500 ? status : undefined;
}

/** How long clients are told to wait when a dependency is unreachable (seconds). */
const UNAVAILABLE_RETRY_AFTER_S = 5;

/** Error codes of a connection that could not be made or was lost (Node, pg, undici). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * "The database" when an error (or its cause) says PostgreSQL cannot be reached or refuses work
 * for now: SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, cannot connect now),
 * 53300 (too many connections), a dropped or refused socket, the pool timing out. Such an outage
 * is not a bug: it is answered as SERVICE_UNAVAILABLE, never as INTERNAL_SERVER_ERROR.
 */
export function unavailableDependency(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (/^08/.test(code) || /^57P0[1-3]$/.test(code) || code === '53300') return 'The database';
      if (CONNECTION_CODES.has(code)) return 'A service this operation needs';
    }
    if (
      typeof message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
        message,
      )
    )
      return 'The database';
    const next = e as { originalError?: unknown; driverError?: unknown; cause?: unknown };
    e = next.originalError ?? next.driverError ?? next.cause;
  }
  return undefined;
}

/** What an HTTP error response of ours looks like: the GraphQL error shape, always JSON. */
export interface HttpErrorResponse {
  status: number;
  body: { errors: { message: string; extensions: { code: string } }[] };
}

/**
 * The JSON answer to an error raised while reading an HTTP request (body-parser's errors carry
 * `type` and `status`): malformed JSON or a body that is not an object -> 400 BAD_REQUEST, an
 * unsupported charset or content encoding -> 415 BAD_REQUEST, a body over the limit -> 413
 * PAYLOAD_TOO_LARGE; anything else -> 500 INTERNAL_SERVER_ERROR with no detail. Never a stack
 * trace, a file path or the server's own message.
 */
export function httpErrorResponse(err: unknown): HttpErrorResponse {
  const { type, status } = (err ?? {}) as { type?: unknown; status?: unknown };
  const reply = (s: number, code: ErrorCode, message: string): HttpErrorResponse => ({
    status: s,
    body: { errors: [{ message, extensions: { code } }] },
  });
  switch (type) {
    case 'entity.parse.failed':
      return reply(400, ErrorCode.BAD_REQUEST, 'The request body must be a JSON object.');
    case 'entity.too.large':
      return reply(413, ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
    case 'charset.unsupported':
      return reply(415, ErrorCode.BAD_REQUEST, 'The request body must be encoded as UTF-8.');
    case 'encoding.unsupported':
      return reply(415, ErrorCode.BAD_REQUEST, 'The content encoding is not supported.');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'entity.verify.failed':
      return reply(400, ErrorCode.BAD_REQUEST, 'The request body could not be read.');
  }
  if (typeof status === 'number' && status >= 400 && status < 500)
    return reply(status, ErrorCode.BAD_REQUEST, 'The request body could not be read.');
  return reply(500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error.');
}
