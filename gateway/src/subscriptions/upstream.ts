import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { FormattedExecutionResult } from 'graphql';
import { GATEWAY_SERVICE, IDENTITY_HEADER, type Identity, type Logger } from '@agentry/core';
import { upstreamFailure } from './errors';
import type { Metrics } from './metrics';
import { cursorOf, RESUME_VARIABLE } from './resume';

export interface UpstreamOptions {
  /** The HTTP URL of a subgraph's `/graphql`; its graphql-ws endpoint is the same with ws(s). */
  urlOf: (subgraph: string) => string | undefined;
  /** Signs identity tokens (the gateway's key). */
  sign: (identity: Identity) => Promise<string>;
  log: Logger;
  metrics: Metrics;
  /** Reconnection attempts before open subscriptions fail (default 8, exponential backoff). */
  retryAttempts?: number;
  /** Ping interval on each subgraph socket, in ms (default 12 000). */
  keepAliveMs?: number;
}

export interface UpstreamRequest {
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
  /** The end user; the subgraph authorizes the subscription with this identity. */
  identity: Identity;
  /**
   * A resumable subscription (see resume.ts): each event's cursor is written into
   * `variables[RESUME_VARIABLE]`, so a reconnect re-subscribes after the last event received
   * instead of from the client's original cursor (which would send the history again).
   */
  resume?: { responseKey: string };
}

/**
 * One upstream subscription as an async iterator of results. Upstream failures arrive as a last
 * result carrying `errors`, never as a rejection. `return()` closes the upstream subscription at
 * once, even while a `next()` is pending.
 */
export interface UpstreamSubscription extends AsyncIterableIterator<FormattedExecutionResult> {
  return(): Promise<IteratorReturnResult<undefined>>;
}

/** `http://host/graphql` -> `ws://host/graphql`, `https` -> `wss`. */
export const toWebSocketUrl = (httpUrl: string) => httpUrl.replace(/^http(s?):\/\//i, 'ws$1://');

interface LivePayload {
  extensions: { identity: string };
  identity: Identity;
}

/**
 * One lazy, multiplexed graphql-ws client per subgraph. The socket is opened with a fresh token
 * for the gateway itself; each operation carries the end user's token in `extensions.identity`.
 * Tokens live 60 s and graphql-ws re-sends the same payload after a reconnect, so every live
 * payload is re-signed while (re)connecting, before the client re-subscribes.
 */
export function createUpstreamPool(options: UpstreamOptions) {
  const { log, metrics } = options;
  const clients = new Map<string, { url: string; client: Client; live: Set<LivePayload> }>();

  function clientFor(subgraph: string) {
    const httpUrl = options.urlOf(subgraph);
    if (!httpUrl) throw new Error(`no URL for subgraph "${subgraph}"`);
    const url = toWebSocketUrl(httpUrl);
    const existing = clients.get(subgraph);
    if (existing?.url === url) return existing;
    if (existing) void existing.client.dispose(); // its URL changed with a new supergraph
    const live = new Set<LivePayload>();
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      lazy: true,
      keepAlive: options.keepAliveMs ?? 12_000,
      retryAttempts: options.retryAttempts ?? 8,
      // A refused connection (e.g. 4403 after a key rotation) is worth retrying too.
      shouldRetry: () => true,
      connectionParams: async () => {
        await Promise.all(
          [...live].map(async (p) => {
            p.extensions.identity = await options.sign(p.identity);
          }),
        );
        return { [IDENTITY_HEADER]: await options.sign(GATEWAY_SERVICE) };
      },
      on: {
        closed: (event) => {
          const code = (event as { code?: number }).code;
          if (code !== 1000) log.warn({ subgraph, code }, 'subgraph socket closed');
        },
      },
    });
    const entry = { url, client, live };
    clients.set(subgraph, entry);
    return entry;
  }

  async function subscribe(subgraph: string, request: UpstreamRequest) {
    const { client, live } = clientFor(subgraph);
    const payload: LivePayload = {
      extensions: { identity: await options.sign(request.identity) },
      identity: request.identity,
    };
    const queue: FormattedExecutionResult[] = [];
    let waiting: ((r: IteratorResult<FormattedExecutionResult>) => void) | null = null;
    let finished = false;
    let ended = false;
    let dispose: () => void = () => {};

    const push = (result: FormattedExecutionResult) => {
      if (finished) return;
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value: result, done: false });
      } else queue.push(result);
    };
    /** Ends the iterator once; `close` also tells the subgraph (client-side unsubscribe). */
    const finish = (close: boolean) => {
      if (finished) return;
      finished = true;
      live.delete(payload);
      metrics.upstreamClosed(subgraph);
      if (close) dispose();
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value: undefined, done: true });
      }
    };

    live.add(payload);
    metrics.upstreamOpened(subgraph);
    dispose = client.subscribe<Record<string, unknown>, Record<string, unknown>>(
      {
        query: request.query,
        operationName: request.operationName,
        // Mutated in place with the last cursor (resume): sent as it is at the next reconnect.
        variables: request.variables,
        // The payload object is sent again as it is after a reconnect: keep it mutable.
        extensions: payload.extensions,
      },
      {
        next: (result) => {
          if (request.resume) {
            const cursor = cursorOf(result.data, request.resume.responseKey);
            if (cursor !== undefined) request.variables[RESUME_VARIABLE] = cursor;
          }
          push(result);
        },
        error: (failure) => {
          push({ errors: upstreamFailure(failure, log) });
          endAfterQueue();
        },
        complete: () => endAfterQueue(),
      },
    );

    /** Upstream ended: deliver what is queued, then done. */
    function endAfterQueue() {
      if (queue.length === 0) finish(false);
      else ended = true;
    }

    const iterator: UpstreamSubscription = {
      next() {
        if (queue.length) {
          const value = queue.shift()!;
          if (ended && queue.length === 0) finish(false);
          return Promise.resolve({ value, done: false });
        }
        if (finished) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return() {
        queue.length = 0;
        finish(true);
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator;
  }

  return {
    subscribe,
    /** Closes every subgraph socket (gateway shutdown). */
    async dispose() {
      await Promise.all([...clients.values()].map((c) => c.client.dispose()));
      clients.clear();
    },
  };
}
export type UpstreamPool = ReturnType<typeof createUpstreamPool>;
