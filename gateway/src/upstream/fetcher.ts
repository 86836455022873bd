import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, Headers, request } from 'undici';
import { AppError, ErrorCode, IDENTITY_HEADER, type Identity, type Logger } from '@agentry/core';

/** The gateway's connections to its subgraphs (env: UPSTREAM_*, docs/OPERATIONS.md). */
/** The fetch function RemoteGraphQLDataSource accepts (its `fetcher` option). */
type Fetcher = NonNullable<
  ConstructorParameters<typeof RemoteGraphQLDataSource>[0]
>['fetcher'] & {};
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

export interface UpstreamOptions {
  /** Most connections open to one subgraph origin; more requests wait for one. @default 64 */
  connections: number;
  /**
   * How long an idle connection is kept for reuse, in ms. It must stay below the subgraphs'
   * keep-alive timeout (65 s in the subgraph kit; Node's own default is 5 s) so the gateway,
   * never the subgraph, closes an idle socket: a request written to a socket the server is
   * closing is the "socket hang up" race. A server's `Keep-Alive: timeout=N` hint lowers it
   * further (to N minus 2 s). @default 4000
   */
  keepAliveTimeoutMs: number;
  /**
   * Longest wait for a subgraph's response headers, and then between body chunks, in ms. Above
   * the longest operation a subgraph serves (an MCP tool call may take 120 s). @default 150000
   */
  timeoutMs: number;
  /** Largest subgraph response read, in bytes. @default 64 MiB */
  maxResponseBytes?: number;
  /**
   * Consecutive failed requests (unreachable, reset, timed out) after which a subgraph's circuit
   * opens: for `breakerOpenMs` its fields fail at once with SERVICE_UNAVAILABLE instead of each
   * request waiting on a dead or hung service; then one request at a time probes it. @default 5
   */
  breakerFailures?: number;
  /** How long an open circuit refuses requests, in ms. @default 5000 */
  breakerOpenMs?: number;
}

export const DEFAULT_UPSTREAM_OPTIONS: UpstreamOptions = {
  connections: 64,
  keepAliveTimeoutMs: 4_000,
  timeoutMs: 150_000,
  maxResponseBytes: 64 * 1024 * 1024,
  breakerFailures: 5,
  breakerOpenMs: 5_000,
};

/** Attempts of one subgraph request when the failures are safe to retry (see safeToRetry). */
export const MAX_ATTEMPTS = 3;

/** Seconds clients are told to wait before retrying an operation a subgraph could not serve. */
export const UPSTREAM_RETRY_AFTER_S = 2;

/** The connection could not be made: nothing was sent, whatever the operation. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/**
 * The peer reset the connection before answering (RST): its socket was already closed when our
 * bytes arrived (the keep-alive race), so its application never read the request. An orderly
 * close (EOF, undici's UND_ERR_SOCKET "other side closed") is NOT in this set: a subgraph that
 * read the request, ran it and then died closes the same way.
 */
const RESET_BEFORE_READ = new Set(['ECONNRESET', 'EPIPE']);
/** Transport failures after which a read-only operation can simply be sent again. */
const QUERY_RETRYABLE = new Set([...NOT_CONNECTED, ...RESET_BEFORE_READ, 'UND_ERR_SOCKET']);

const codeOf = (err: unknown): string | undefined => {
  for (let e = err, i = 0; e && typeof e === 'object' && i < 4; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
};

/**
 * Whether a request that failed with `err` may be sent once more. Mutations only when it
 * provably never reached the subgraph's application (so nothing can run twice); queries, which
 * change nothing, after any connection failure. Timeouts are never retried (the subgraph may
 * still be working, and a retry doubles its load).
 */
export function safeToRetry(err: unknown, mutation: boolean): boolean {
  const code = codeOf(err);
  if (!code) return false;
  if (NOT_CONNECTED.has(code) || RESET_BEFORE_READ.has(code)) return true;
  return !mutation && QUERY_RETRYABLE.has(code);
}

/**
 * The caller's identity travels from the data source to the fetcher in this header, and is
 * signed only when a connection is free: a token signed before waiting in a busy pool could
 * expire (60 s) before the subgraph reads it. It never leaves the gateway.
 */
export const PENDING_IDENTITY_HEADER = 'x-agentry-pending-identity';
export const pendingIdentity = (identity: Identity) =>
  Buffer.from(JSON.stringify(identity)).toString('base64url');

/** The planner prints each subgraph fetch as `query ...` or `mutation ...` first in the body. */
const isMutation = (body: string | Buffer | undefined) =>
  typeof body === 'string' && /^\{"query":"(?:\\n|\s)*mutation\b/.test(body);

/**
 * A `fetcher` for @apollo/gateway's RemoteGraphQLDataSource over undici: one pool per subgraph
 * origin bounded by `connections`, idle sockets closed by the gateway before the subgraph would
 * (see `keepAliveTimeoutMs`), up to two safe retries (see `safeToRetry`), and a subgraph that cannot be
 * reached or answer in time turned into SERVICE_UNAVAILABLE with `retryAfter` for the fields it
 * serves.
 */
export function createUpstreamFetcher(
  options: UpstreamOptions,
  log: Logger,
  sign: (identity: Identity) => Promise<string>,
) {
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    // Servers advertise their own timeout (the kit: 65 s); never keep a socket longer than ours.
    keepAliveMaxTimeout: options.keepAliveTimeoutMs,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    maxResponseSize: options.maxResponseBytes ?? DEFAULT_UPSTREAM_OPTIONS.maxResponseBytes,
    connect: { timeout: 5_000 },
  });

  // One gate per origin with as many places as the pool has connections: a request waits here,
  // not inside undici, so that its identity is signed when it can really be sent.
  const gates = new Map<string, { free: number; waiting: (() => void)[] }>();
  const enter = async (origin: string) => {
    let gate = gates.get(origin);
    if (!gate) gates.set(origin, (gate = { free: options.connections, waiting: [] }));
    if (gate.free > 0) gate.free--;
    else await new Promise<void>((resolve) => gate.waiting.push(resolve));
    return () => {
      const next = gate.waiting.shift();
      if (next) next();
      else gate.free++;
    };
  };
  const withIdentity = async (headers: Record<string, string> = {}) => {
    const { [PENDING_IDENTITY_HEADER]: pending, ...rest } = headers;
    if (!pending) return rest;
    const identity = JSON.parse(Buffer.from(pending, 'base64url').toString('utf8')) as Identity;
    return { ...rest, [IDENTITY_HEADER]: await sign(identity) };
  };

  // The circuit of each origin: consecutive failures, and until when it stays open.
  const breakerFailures = options.breakerFailures ?? DEFAULT_UPSTREAM_OPTIONS.breakerFailures!;
  const breakerOpenMs = options.breakerOpenMs ?? DEFAULT_UPSTREAM_OPTIONS.breakerOpenMs!;
  const circuits = new Map<string, { failures: number; openUntil: number; probing: boolean }>();
  const circuitOf = (origin: string) => {
    let c = circuits.get(origin);
    if (!c) circuits.set(origin, (c = { failures: 0, openUntil: 0, probing: false }));
    return c;
  };

  const fetcher: Fetcher = async (url, init = {}) => {
    const mutation = isMutation(init.body);
    const origin = new URL(url).origin;
    const circuit = circuitOf(origin);
    const open = circuit.failures >= breakerFailures;
    if (open && (Date.now() < circuit.openUntil || circuit.probing)) {
      const wait = Math.max(1, Math.ceil((circuit.openUntil - Date.now()) / 1000));
      throw unavailable(Math.max(wait, UPSTREAM_RETRY_AFTER_S));
    }
    if (open) circuit.probing = true; // half-open: this request alone finds out
    const leave = await enter(origin);
    try {
      const response = await send(url, init, mutation);
      circuit.failures = 0;
      return response;
    } catch (err) {
      if (++circuit.failures >= breakerFailures) {
        if (circuit.failures === breakerFailures || open)
          log.warn({ origin, failures: circuit.failures }, 'subgraph circuit open');
        circuit.openUntil = Date.now() + breakerOpenMs;
      }
      throw err;
    } finally {
      if (open) circuit.probing = false;
      leave();
    }
  };

  async function send(url: string, init: Parameters<Fetcher>[1] & {}, mutation: boolean) {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await request(url, {
          dispatcher: agent,
          method: (init.method ?? 'GET') as 'POST',
          headers: await withIdentity(init.headers),
          body: init.body,
          signal: init.signal,
        });
        const body = await res.body.text();
        return fetcherResponse(url, res.statusCode, res.headers, body);
      } catch (err) {
        // A retry may land on another pooled socket the server has dropped too (each failure
        // discards its socket): a few attempts, each provably safe, drain them.
        if (attempt < MAX_ATTEMPTS && safeToRetry(err, mutation)) {
          log.debug(
            { url, code: codeOf(err) },
            'subgraph request failed before it was read; retrying',
          );
          continue;
        }
        log.warn({ url, code: codeOf(err), err: (err as Error).message }, 'subgraph unreachable');
        throw unavailable(UPSTREAM_RETRY_AFTER_S);
      }
    }
  }
  return { fetcher, close: () => agent.close() };
}

const unavailable = (retryAfter: number) =>
  new AppError(
    ErrorCode.SERVICE_UNAVAILABLE,
    `A service this operation needs is unavailable right now; try again in ${retryAfter} s.`,
    { retryAfter },
  );

function fetcherResponse(
  url: string,
  status: number,
  raw: Record<string, string | string[] | undefined>,
  body: string,
): FetcherResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  let used = false;
  const read = () => {
    used = true;
    return body;
  };
  const response: FetcherResponse = {
    get bodyUsed() {
      return used;
    },
    url,
    redirected: false,
    status,
    ok: status >= 200 && status < 300,
    statusText: '',
    headers,
    text: async () => read(),
    json: async () => JSON.parse(read()),
    arrayBuffer: async () => {
      const bytes = Buffer.from(read());
      return bytes.buffer.slice(
        bytes.byteOffset,
        bytes.byteOffset + bytes.byteLength,
      ) as ArrayBuffer;
    },
    clone: () => fetcherResponse(url, status, raw, body),
  };
  return response;
}
