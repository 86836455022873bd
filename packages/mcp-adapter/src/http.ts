import { assertFetchableUrl } from '@agentry/a2a-adapter';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode as McpErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { unreachable } from './errors';

/*
 * The only way the adapter touches the network over HTTP: the SDK's Streamable HTTP transport
 * gets this fetch(), which checks every URL with the SSRF guard, never follows a redirect (a
 * redirect could lead anywhere, including to hosts the guard would refuse), and watches the
 * event streams that carry answers (see watchAnswerStream).
 */

const urlOf = (input: string | URL) => (typeof input === 'string' ? input : input.href);

export function createGuardedFetch(allowPrivate: boolean): FetchLike {
  return async (input, init) => {
    const url = urlOf(input);
    await assertFetchableUrl(url, { allowPrivate });
    const response = await fetch(input, { ...init, redirect: 'manual' });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw unreachable(
        url,
        `it answered with a redirect (HTTP ${response.status}); Agentry does not follow redirects of tool calls. Register the server's final URL.`,
      );
    }
    return watchAnswerStream(response, requestIdsOf(init));
  };
}

type RequestId = string | number;

/** The ids of the JSON-RPC requests (not notifications or responses) in a POST body. */
function requestIdsOf(init: RequestInit | undefined): RequestId[] {
  if (init?.method !== 'POST' || typeof init.body !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(init.body);
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    return messages
      .filter((m): m is { id: RequestId } => !!m && 'method' in m && m.id !== undefined)
      .map((m) => m.id);
  } catch {
    return [];
  }
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
export function watchAnswerStream(response: Response, requestIds: RequestId[]): Response {
  const contentType = response.headers.get('content-type') ?? '';
  if (
    !requestIds.length ||
    !response.ok ||
    !response.body ||
    contentType.split(';')[0].trim().toLowerCase() !== 'text/event-stream'
  ) {
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
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
