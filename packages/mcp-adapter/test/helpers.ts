import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

/**
 * A throw-away HTTP server on a free 127.0.0.1 port that counts TCP connections and requests;
 * `close()` also drops open connections.
 */
export async function serve(handler: http.RequestListener): Promise<{
  url: string;
  connections: () => number;
  requests: () => http.IncomingMessage[];
  close: () => Promise<void>;
}> {
  let connections = 0;
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Asserts that `promise` rejects with an AppError of `code` (and a message matching `pattern`). */
export async function rejectsWithCode(
  promise: Promise<unknown>,
  code: string,
  pattern?: RegExp,
): Promise<{ message: string; extensions: Record<string, unknown> }> {
  let caught: { message: string; extensions: Record<string, unknown> } | undefined;
  await assert.rejects(promise, (err: unknown) => {
    const e = err as { extensions?: Record<string, unknown>; message: string };
    assert.equal(e.extensions?.code, code, `expected ${code}, got: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    caught = { message: e.message, extensions: e.extensions ?? {} };
    return true;
  });
  return caught!;
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A promise with its resolve function, for waiting on an event instead of sleeping. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Resolves once `condition()` holds, checking after each turn of the event loop; rejects after
 * `timeoutMs`. For state only observable by asking (a server's open requests), not for timing.
 */
export async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
