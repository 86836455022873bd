import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import { AgentryError, isGraphQLErrorList, type AgentryGraphQLError } from './errors';

/** Where a live follow is; `reconnecting` carries the attempt number and why. */
export type LiveStatus =
  | { state: 'connecting' }
  | { state: 'live' }
  | { state: 'reconnecting'; attempt: number; reason: string }
  | { state: 'done' };

/** Options of `followTask` / `followMyTasks`. */
export interface FollowOptions {
  /** Start after this event's cursor (default: a task's first event; for myTaskEvents: now). */
  after?: string | null;
  /** Stops following (the iterator returns) when aborted. */
  signal?: AbortSignal;
  /**
   * Reconnection attempts in a row without receiving an event before giving up with a
   * `NETWORK_ERROR` (default 20). Any received event resets the count.
   */
  maxReconnects?: number;
  /** Delay before reconnection attempt `n` (1-based), ms (default 250·2^(n-1), capped at 5000). */
  backoffMs?: (attempt: number) => number;
  /** Told when the connection goes live, drops and is retried, or ends. */
  onStatus?: (status: LiveStatus) => void;
}

/** A graphql-ws client and whether its socket is open (tracked by `createAgentryClient`). */
export interface LiveConnection {
  client: Client;
  isOpen(): boolean;
  /** Calls `listener` each time a socket opens; returns the unsubscribe function. */
  onOpen(listener: () => void): () => void;
}

/** Options of `createLiveConnection`. */
export interface LiveConnectionOptions {
  /** The gateway's WebSocket URL, e.g. `ws://127.0.0.1:4000/graphql`. */
  url: string;
  /** The credential for `connection_init`, read at each (re)connect. */
  credential: () => string | undefined;
  /** A WebSocket constructor. Default: `globalThis.WebSocket` (Node 20 has none: pass `ws`). */
  webSocketImpl?: unknown;
  /** graphql-ws ping interval, ms. Default 10000. */
  keepAliveMs?: number;
}

/**
 * One lazily opened socket for every live follow. graphql-ws's own retry stays off: it would
 * re-send each subscription with its original `after`; each follow resumes by itself instead.
 */
export function createLiveConnection(options: LiveConnectionOptions): LiveConnection & {
  dispose(): Promise<void>;
} {
  let client: Client | undefined;
  let open = false;
  const listeners = new Set<() => void>();
  return {
    get client() {
      client ??= createClient({
        url: options.url,
        webSocketImpl: options.webSocketImpl,
        connectionParams: () => {
          const credential = options.credential();
          return credential ? { authorization: `Bearer ${credential}` } : {};
        },
        lazy: true,
        retryAttempts: 0,
        keepAlive: options.keepAliveMs ?? 10_000,
        on: {
          connected: () => {
            open = true;
            for (const l of listeners) l();
          },
          closed: () => {
            open = false;
          },
        },
      });
      return client;
    },
    isOpen: () => open,
    onOpen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      await client?.dispose();
      client = undefined;
      open = false;
    },
  };
}

/** The fields a resumable event must carry. */
interface Resumable {
  cursor: string;
  sequence: number;
}

/**
 * Close codes after which reconnecting cannot help: the gateway refused the credential
 * (4401/4403), the request was malformed (4400), or the subscription id was reused (4409).
 */
const FATAL_CLOSE_CODES = new Set([4400, 4401, 4403, 4409]);

const defaultBackoff = (attempt: number) => Math.min(5000, 250 * 2 ** (attempt - 1));

function closeCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function describe(err: unknown): string {
  const code = closeCode(err);
  const reason = (err as { reason?: unknown } | null)?.reason;
  if (code !== undefined) return `socket closed (${code}${reason ? `: ${String(reason)}` : ''})`;
  if (err instanceof Error) return err.message;
  // A WebSocket `error` event: the browser's carries nothing; `ws`'s carries the cause.
  const e = err as { message?: unknown; error?: unknown } | null;
  if (typeof e?.message === 'string' && e.message) return e.message;
  if (e?.error instanceof Error) return e.error.message;
  return 'the connection failed';
}

function sleep(ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Follows a subscription whose events carry `cursor` and `sequence`, across any number of
 * disconnects: after a drop it subscribes again with `after` = the last cursor received, so the
 * server replays exactly what was missed (the event log is durable), and it drops any event it
 * has already yielded (same key, sequence not above the last one), so none is seen twice.
 *
 * GraphQL errors (FORBIDDEN, NOT_FOUND, a bad cursor, …) and refused credentials end it with an
 * `AgentryError`; connection problems are retried.
 */
export async function* followResumable<TData, TEvent extends Resumable>(
  ws: LiveConnection,
  query: string,
  variables: Record<string, unknown>,
  pick: (data: TData) => TEvent,
  /** Which sequence an event belongs to (a task id; one constant for a single task). */
  keyOf: (event: TEvent) => string,
  options: FollowOptions = {},
): AsyncGenerator<TEvent, void, undefined> {
  const { signal, onStatus } = options;
  const maxReconnects = options.maxReconnects ?? 20;
  const backoff = options.backoffMs ?? defaultBackoff;
  let cursor = options.after ?? null;
  const lastSequence = new Map<string, number>();
  let attempt = 0;
  onStatus?.({ state: 'connecting' });
  try {
    while (!signal?.aborted) {
      const iterator = ws.client.iterate<TData>({
        query,
        variables: { ...variables, after: cursor },
      });
      const stop = () => void iterator.return?.();
      signal?.addEventListener('abort', stop, { once: true });
      let live = false;
      const goLive = () => {
        if (live) return;
        live = true;
        onStatus?.({ state: 'live' });
      };
      // The subscription is sent as soon as the socket opens; an open socket means we are live.
      const offOpen = ws.onOpen(goLive);
      if (ws.isOpen()) goLive();
      try {
        for await (const result of iterator as AsyncIterable<ExecutionResult<TData>>) {
          if (result.errors?.length)
            throw AgentryError.fromGraphQL(result.errors as unknown as AgentryGraphQLError[]);
          if (!result.data) continue;
          const event = pick(result.data);
          goLive();
          attempt = 0;
          const key = keyOf(event);
          if (event.sequence <= (lastSequence.get(key) ?? 0)) continue;
          lastSequence.set(key, event.sequence);
          cursor = event.cursor;
          yield event;
        }
        return; // the server completed it (a task's terminal state)
      } catch (err) {
        if (err instanceof AgentryError) throw err;
        if (isGraphQLErrorList(err)) throw AgentryError.fromGraphQL(err);
        const code = closeCode(err);
        if (code !== undefined && FATAL_CLOSE_CODES.has(code))
          throw new AgentryError(
            `The gateway refused the subscription: ${describe(err)}.`,
            'UNAUTHENTICATED',
          );
        if (signal?.aborted) return;
        attempt += 1;
        if (attempt > maxReconnects)
          throw new AgentryError(
            `Lost the connection ${maxReconnects} times in a row: ${describe(err)}.`,
            'NETWORK_ERROR',
          );
        onStatus?.({ state: 'reconnecting', attempt, reason: describe(err) });
        await sleep(backoff(attempt), signal);
      } finally {
        offOpen();
        signal?.removeEventListener('abort', stop);
      }
    }
  } finally {
    onStatus?.({ state: 'done' });
  }
}
