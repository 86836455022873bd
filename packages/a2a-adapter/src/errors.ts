import { AppError, ErrorCode } from '@agentry/core';
import { UnresolvableHostError } from '@agentry/url-guard';

/*
 * Every failure of a call to an agent becomes an AppError with a public code, so resolvers can
 * pass it on as it is. What the agent refused for a reason the user can act on keeps that
 * reason; everything else (refused connections, timeouts, broken answers) is AGENT_UNREACHABLE.
 */

// Error names of @a2a-js/sdk (stable: they come from the A2A spec, see its errors module).
const BY_A2A_ERROR: Record<string, ErrorCode> = {
  TaskNotFoundError: ErrorCode.NOT_FOUND,
  TaskNotCancelableError: ErrorCode.CONFLICT,
  UnsupportedOperationError: ErrorCode.BAD_USER_INPUT,
  ContentTypeNotSupportedError: ErrorCode.BAD_USER_INPUT,
  RequestMalformedError: ErrorCode.BAD_USER_INPUT,
  ExtensionSupportRequiredError: ErrorCode.BAD_USER_INPUT,
  VersionNotSupportedError: ErrorCode.BAD_USER_INPUT,
  PushNotificationNotSupportedError: ErrorCode.BAD_USER_INPUT,
};

export const unreachable = (message: string) => new AppError(ErrorCode.AGENT_UNREACHABLE, message);

/**
 * `err` from a call described by `what` (e.g. "GetTask on http://…") as an AppError.
 * AppErrors (SSRF refusals, our own timeouts) pass unchanged.
 */
export function toAppError(err: unknown, what: string, timeoutMs?: number): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof UnresolvableHostError) return unreachable(err.message);
  // The SDK wraps JSON-RPC errors found inside an SSE stream in a plain Error with the A2A
  // error as its cause.
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
  for (const e of [err, cause]) {
    if (e instanceof Error && BY_A2A_ERROR[e.name]) {
      const code = BY_A2A_ERROR[e.name];
      return new AppError(code, `The agent refused ${what}: ${e.message}`, { a2aError: e.name });
    }
  }
  for (const e of [err, cause]) {
    const rpc = jsonRpcError(e);
    if (rpc) {
      return new AppError(
        ErrorCode.AGENT_ERROR,
        `The agent answered ${what} with JSON-RPC error ${rpc.code}: ${truncate(rpc.message, MAX_AGENT_TEXT)}`,
        { a2aError: e instanceof Error ? e.name : 'JsonRpcError', jsonRpcCode: rpc.code },
      );
    }
  }
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError') {
    return unreachable(`The agent did not answer within ${timeoutMs ?? '?'} ms (${what}).`);
  }
  return unreachable(
    `Could not reach the agent (${what}): ${truncate(describe(err), MAX_AGENT_TEXT)}.`,
  );
}

/** How much of a remote agent's own text (an error message, a reason) is kept. */
export const MAX_AGENT_TEXT = 1000;

/** `text` cut to `max` characters, marked with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The JSON-RPC error the SDK decoded from an agent's answer (its errors carry the envelope's
 * code as `envelopeCode`), or undefined for anything else.
 */
function jsonRpcError(e: unknown): { code: number; message: string } | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as { envelopeCode?: unknown }).envelopeCode;
  if (typeof code !== 'number') return undefined;
  return { code, message: e.message || 'no message' };
}

/**
 * What failed, in words that never carry the response body: the SDK appends the body of an HTTP
 * error ("... Status: 404 Not Found. Response: <body>") and JSON.parse quotes the text it could
 * not parse. Echoing either would let a caller read any URL through Agentry.
 */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'the request failed';
  if (err instanceof SyntaxError) return 'its answer is not JSON';
  const message = err.message.replace(/[.\s]*Response:[\s\S]*$/, '').replace(/\.$/, '');
  // fetch() reports "fetch failed" and keeps the reason (ECONNREFUSED, ...) in `cause`.
  const cause = err.cause as NodeJS.ErrnoException | undefined;
  const detail = cause?.code ?? (cause instanceof SyntaxError ? undefined : cause?.message);
  return detail ? `${message} (${detail})` : message;
}
