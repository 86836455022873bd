import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import assert from 'node:assert/strict';

/** A throw-away HTTP server on a free 127.0.0.1 port; `close()` also drops open connections. */
export async function serve(
  handler: http.RequestListener,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of events) out.push(e);
  return out;
}

/** Asserts that `promise` rejects with an AppError of `code` (and a message matching `pattern`). */
export async function rejectsWithCode(
  promise: Promise<unknown>,
  code: string,
  pattern?: RegExp,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    const e = err as { extensions?: { code?: string }; message: string };
    assert.equal(e.extensions?.code, code, `expected ${code}, got: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
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
