import { assertFetchableUrl } from '@agentry/url-guard';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode as McpErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { unreachable } from './errors';

/*
 * The only way the adapter touches the network over HTTP: the SDK's Streamable HTTP transport
 * gets this fetch(), which checks every URL with the SSRF guard, never follows a redirect (a
 * redirect could lead anywhere, including to hosts the guard would refuse), watches the event
 * streams that carry answers (see watchAnswerStream) and closes the stream of a request the
 * client gave up on.
 */

const urlOf = (input: string | URL) => (typeof input === 'string' ? input : input.href);

type RequestId = string | number;

/** One per connection: JSON-RPC ids are unique per client, not globally. */
export function createGuardedFetch(allowPrivate: boolean): FetchLike {
  // The POSTs still waiting for their answer stream, by the request they carry.
  const inFlight = new Map<RequestId, AbortController>();
  return async (input, init) => {
    const url = urlOf(input);
    await assertFetchableUrl(url, { allowPrivate });
    const { requestIds, cancelled } = inspect(init);
    // When the SDK gives up on a request (timeout, abort) it only sends notifications/cancelled,
    // which a stateless server cannot route to the request: the request's own stream stays open,
    // and so does the work behind it, until the connection closes. Closing that stream is what
    // tells a stateless server to stop.
    for (const id of cancelled) inFlight.get(id)?.abort();
    let signal = init?.signal ?? undefined;
    let controller: AbortController | undefined;
    if (requestIds.length) {
      controller = new AbortController();
      for (const id of requestIds) inFlight.set(id, controller);
      signal = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    }
    const forget = () => {
      for (const id of requestIds) if (inFlight.get(id) === controller) inFlight.delete(id);
    };
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal, redirect: 'manual' });
    } catch (err) {
      forget();
      throw err;
    }
    if (response.status >= 300 && response.status < 400) {
      forget();
      await response.body?.cancel();
      throw unreachable(
        url,
        `it answered with a redirect (HTTP ${response.status}); Agentry does not follow redirects of tool calls. Register the server's final URL.`,
      );
    }
    return watchAnswerStream(response, requestIds, forget);
  };
}

/** The JSON-RPC requests a POST body carries, and the requests it cancels. */
function inspect(init: RequestInit | undefined): {
  requestIds: RequestId[];
  cancelled: RequestId[];
} {
  const none = { requestIds: [], cancelled: [] };
  if (init?.method !== 'POST' || typeof init.body !== 'string') return none;
  let parsed: unknown;
  try {
    parsed = JSON.parse(init.body);
  } catch {
    return none;
  }
  const messages = (Array.isArray(parsed) ? parsed : [parsed]) as {
    id?: RequestId;
    method?: string;
    params?: { requestId?: RequestId };
  }[];
  return {
    requestIds: messages.filter((m) => m?.method && m.id !== undefined).map((m) => m.id!),
    cancelled: messages
      .filter((m) => m?.method === 'notifications/cancelled' && m.params?.requestId !== undefined)
      .map((m) => m.params!.requestId!),
  };
}

const encoder = new TextEncoder();

/**
 * A server may answer a POST with an event stream and then close it without the answer (it
 * crashed, it was stopped, a proxy cut the connection). The SDK then only resumes streams that
 * carried an event id; otherwise it reports the broken stream to no one in particular and the
 * request waits for its timeout, which progress may extend indefinitely. This passes the stream
 * through unchanged and, when it ends or breaks before answering every request it was opened
 * for, appends a JSON-RPC "connection closed" error for each, so the call fails at once.
 * Streams with event ids are left to the SDK's resumption.
 */
export function watchAnswerStream(
  response: Response,
  requestIds: RequestId[],
  onEnd: () => void = () => {},
): Response {
  const contentType = response.headers.get('content-type') ?? '';
  if (
    !requestIds.length ||
    !response.ok ||
    !response.body ||
    contentType.split(';')[0].trim().toLowerCase() !== 'text/event-stream'
  ) {
    // A JSON answer (or none) is complete once read: nothing to watch, nothing to close later.
    onEnd();
    return response;
  }
  const unanswered = new Set<RequestId>(requestIds);
  let resumable = false;
  let pending = '';
  const decoder = new TextDecoder();
  const observe = (chunk: Uint8Array) => {
    pending += decoder.decode(chunk, { stream: true });
    const events = pending.split(/\r\n\r\n|\n\n|\r\r/);
    pending = events.pop() ?? '';
    for (const event of events) {
      const data: string[] = [];
      for (const line of event.split(/\r\n|\n|\r/)) {
        if (line.startsWith('id:')) resumable = true;
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      try {
        const message = JSON.parse(data.join('\n')) as { id?: RequestId } | null;
        if (message && ('result' in message || 'error' in message)) {
          unanswered.delete(message.id as RequestId);
        }
      } catch {
        // Not JSON (or no data): nothing to learn from it; the SDK judges it.
      }
    }
  };
  const reader = response.body.getReader();
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>, why: string) => {
    onEnd();
    if (!resumable) {
      for (const id of unanswered) {
        const error = {
          code: McpErrorCode.ConnectionClosed,
          message: `the server closed the response stream before answering: ${why}`,
        };
        // The leading blank line ends whatever partial event the break left behind.
        const event = `\n\nevent: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id, error })}\n\n`;
        controller.enqueue(encoder.encode(event));
      }
    }
    controller.close();
  };
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        finish(controller, cause ?? (err instanceof Error ? err.message : String(err)));
        return;
      }
      if (next.done) return finish(controller, 'stream ended');
      observe(next.value);
      controller.enqueue(next.value);
    },
    cancel: (reason) => {
      onEnd();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
