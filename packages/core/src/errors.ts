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
  /** An MCP tool server did not answer (connection refused, broken protocol). */
  TOOL_UNREACHABLE: 'TOOL_UNREACHABLE',
  /** A call to a remote agent or tool took longer than allowed and was cut. */
  TIMEOUT: 'TIMEOUT',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  // graphql-js / Apollo Server codes for malformed operations; they carry no internals.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
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
): GraphQLFormattedError {
  const ext = formatted.extensions ?? {};
  const code = typeof ext.code === 'string' ? ext.code : undefined;
  const base = { locations: formatted.locations, path: formatted.path };
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
  onInternal?.(formatted);
  return {
    ...base,
    message: 'Internal server error.',
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
