import { AppError, ErrorCode } from '@agentry/core';
import { UnresolvableHostError } from '@agentry/url-guard';
import { ErrorCode as McpErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/*
 * Every failure of a request to a tool server becomes an AppError with a public code, so
 * resolvers can pass it on as it is. What the server refused for a reason the caller can act on
 * (unknown tool, invalid params) is BAD_USER_INPUT with the server's words; running out of time
 * during a call is TIMEOUT; everything else (refused connections, broken answers, a server that
 * fails internally) is TOOL_UNREACHABLE.
 */

/** MCP's "resource not found" (the spec's code; the SDK has no constant for it). */
export const RESOURCE_NOT_FOUND = -32002;

const REFUSALS = new Set<number>([
  McpErrorCode.InvalidParams,
  McpErrorCode.InvalidRequest,
  McpErrorCode.MethodNotFound,
]);

/** Where a request went and what it was, for messages. */
export interface RequestContext {
  /** The server's URL, or the command line of a stdio server. */
  target: string;
  /** What was asked, e.g. `tool "add"` or `the initialize handshake`. */
  what: string;
  /**
   * Whether running out of time is TIMEOUT (a tool call or a read: the server is there but
   * slow) or TOOL_UNREACHABLE (the handshake or a listing: the server is not answering).
   */
  timeoutIsTimeout: boolean;
  timeoutMs?: number;
}

export const unreachable = (target: string, detail: string, extensions?: Record<string, unknown>) =>
  new AppError(
    ErrorCode.TOOL_UNREACHABLE,
    `The tool server at ${target} did not answer: ${detail}`,
    extensions,
  );

/** `err` from a request as an AppError. AppErrors pass unchanged. */
export function toAppError(err: unknown, ctx: RequestContext): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof UnresolvableHostError) return unreachable(ctx.target, err.message);
  if (err instanceof McpError) return fromMcpError(err, ctx);
  if (err instanceof StreamableHTTPError) {
    // The SDK's message carries the response body: never echoed (it would make Agentry a reader
    // of any URL a caller names). The status says what failed.
    const contentType = /Unexpected content type: ([\w!#$&^.+/-]{1,100})/.exec(err.message)?.[1];
    const status =
      err.code !== undefined && err.code > 0
        ? `it answered HTTP ${err.code}`
        : contentType
          ? `Unexpected content type: ${contentType}`
          : 'its answer is not an MCP response';
    return unreachable(ctx.target, `${status} (${ctx.what}).`);
  }
  if (isZodError(err)) {
    // Zod's issues may quote what the server sent (key names, values): said in general terms.
    return unreachable(ctx.target, `its answer to ${ctx.what} is not a valid MCP message.`);
  }
  return unreachable(ctx.target, `${describe(err)} (${ctx.what}).`);
}

function fromMcpError(err: McpError, ctx: RequestContext): AppError {
  const message = err.message.replace(/^(MCP error -?\d+: )+/, '');
  const extensions = { mcpErrorCode: err.code };
  if (err.code === McpErrorCode.RequestTimeout) {
    const within = ctx.timeoutMs === undefined ? '' : ` within ${ctx.timeoutMs} ms`;
    if (ctx.timeoutIsTimeout) {
      return new AppError(
        ErrorCode.TIMEOUT,
        `The tool server at ${ctx.target} did not finish ${ctx.what}${within}; the call was cut.`,
      );
    }
    return unreachable(ctx.target, `no answer to ${ctx.what}${within}.`);
  }
  if (err.code === McpErrorCode.ConnectionClosed) {
    return unreachable(ctx.target, `the connection closed during ${ctx.what} (${message}).`);
  }
  if (REFUSALS.has(err.code)) {
    return new AppError(
      ErrorCode.BAD_USER_INPUT,
      `The tool server at ${ctx.target} refused ${ctx.what}: ${message}`,
      extensions,
    );
  }
  if (err.code === RESOURCE_NOT_FOUND) {
    return new AppError(
      ErrorCode.NOT_FOUND,
      `The tool server at ${ctx.target} has no such resource (${ctx.what}): ${message}`,
      extensions,
    );
  }
  // The server answered, but with an error of its own (a tool that threw, an internal error):
  // nothing the caller can change, and no working answer either.
  return new AppError(
    ErrorCode.TOOL_UNREACHABLE,
    `The tool server at ${ctx.target} failed ${ctx.what}: ${message}`,
    extensions,
  );
}

const isZodError = (err: unknown): err is Error =>
  err instanceof Error && (err.name === 'ZodError' || err.name === '$ZodError');

function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'the request failed';
  // JSON.parse quotes the text it could not parse: the server's body, never echoed.
  if (err instanceof SyntaxError) return 'its answer is not JSON';
  // fetch() reports "fetch failed" and keeps the reason (ECONNREFUSED, ...) in `cause`.
  const cause = err.cause as NodeJS.ErrnoException | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${err.message} (${detail})` : err.message;
}

/**
 * `err` as an AppError whose message names none of `hidden` (each replaced by `label`): for
 * callers who may not read the server's URL. Code and extensions stay.
 */
export function redacted(err: unknown, hidden: string[], label: string): unknown {
  if (!(err instanceof AppError)) return err;
  let message = err.message;
  // Longest first, so a URL is replaced whole before its host is.
  for (const secret of [...new Set(hidden)].filter(Boolean).sort((a, b) => b.length - a.length))
    message = message.split(secret).join(label);
  if (message === err.message) return err;
  const { code, ...extensions } = err.extensions as { code: ErrorCode };
  return new AppError(code, message, extensions);
}

/** What of `url` a redacted message must not show: the URL as given and as parsed, origin, host. */
export function urlParts(url: string): string[] {
  const parts = [url];
  try {
    const u = new URL(url);
    parts.push(u.href, u.origin, u.host, u.hostname);
  } catch {
    // Not a URL: only the string as given.
  }
  return parts;
}

/** `connection` with every rejection and throw of its methods passed through `redact`. */
export function withRedactedErrors<T extends object>(
  connection: T,
  redact: (e: unknown) => unknown,
): T {
  return new Proxy(connection, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          return out instanceof Promise
            ? out.catch((e: unknown) => {
                throw redact(e);
              })
            : out;
        } catch (e) {
          throw redact(e);
        }
      };
    },
  });
}
