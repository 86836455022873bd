import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy on 127.0.0.1 whose connections a test can cut, as a network failure would. */
export interface TcpProxy {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Destroys every open connection (HTTP keep-alive sockets and WebSockets alike). */
  dropAll(): void;
  /** Refuses new connections (each is closed at once) until `resume()`. */
  pause(): void;
  resume(): void;
  /** Connections accepted so far (a reconnect shows up here). */
  accepted(): number;
  stop(): Promise<void>;
}

/** Forwards 127.0.0.1:<free port> to `targetHost:targetPort`, byte for byte. */
export async function startTcpProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let paused = false;
  let accepted = 0;
  const server = net.createServer((client) => {
    if (paused) {
      client.destroy();
      return;
    }
    accepted += 1;
    const upstream = net.connect(targetPort, targetHost);
    open.add(client);
    open.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', close);
      s.on('close', close);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const dropAll = () => {
    for (const s of open) s.destroy();
    open.clear();
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    dropAll,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    accepted: () => accepted,
    stop: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
