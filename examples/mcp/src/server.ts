import { startSeveral } from '@agentry/devstack';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  EXAMPLE_MCP_SERVER_NAMES,
  EXAMPLE_MCP_SERVERS,
  type ExampleMcpServerName,
} from './registry';

/** Where the Streamable HTTP endpoint is mounted. */
export const MCP_PATH = '/mcp';

export interface StartExampleMcpServerOptions {
  /** TCP port; 0 or undefined picks a free one (read the URL from the result). */
  port?: number;
  /** Interface to listen on. Default '127.0.0.1': the examples are never exposed. */
  host?: '127.0.0.1';
}

export interface RunningExampleMcpServer {
  name: ExampleMcpServerName;
  /** The Streamable HTTP endpoint, `http://127.0.0.1:<port>/mcp`. */
  url: string;
  /** How many requests are being answered right now; a request the client gave up on ends. */
  openRequests(): number;
  /** Ends requests in flight (a `hang` call too), closes open streams and the port. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The express app serving one example over stateless Streamable HTTP: every POST gets a new
 * McpServer and transport, so any replica can answer any request and nothing is kept between
 * requests. GET (the optional server-to-client stream) and DELETE (ending a session) have no
 * meaning without sessions and are answered 405, as the spec allows. `live` receives each
 * server while its request is open, so the caller can end them on shutdown.
 */
export function createExampleMcpApp(
  name: ExampleMcpServerName,
  live: Set<McpServer> = new Set(),
): express.Express {
  // DNS rebinding protection: only Host headers naming loopback are served.
  const app = createMcpExpressApp({ host: '127.0.0.1' });
  app.post(MCP_PATH, async (req, res) => {
    const server = EXAMPLE_MCP_SERVERS[name].create();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    live.add(server);
    // The response ends when the answer is sent, the client goes away or the server stops:
    // closing the McpServer then aborts the handler's signal (how `hang` learns to stop).
    res.on('close', () => {
      live.delete(server);
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) {
        res.status(500).json({
          jsonrpc: '2.0',
          error: { code: -32603, message: 'Internal server error' },
          id: null,
        });
      }
    }
  });
  app.all(MCP_PATH, (_req, res) => {
    res
      .status(405)
      .set('Allow', 'POST')
      .json({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Method not allowed: this server is stateless.' },
        id: null,
      });
  });
  return app;
}

export async function startExampleMcpServer(
  name: ExampleMcpServerName,
  { port = 0, host = '127.0.0.1' }: StartExampleMcpServerOptions = {},
): Promise<RunningExampleMcpServer> {
  const live = new Set<McpServer>();
  const server = http.createServer(createExampleMcpApp(name, live));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all([...live].map((s) => s.close().catch(() => {})));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets and open SSE streams would otherwise keep close() waiting.
        server.closeAllConnections();
      });
    })());
  return {
    name,
    url: `http://${host}:${bound}${MCP_PATH}`,
    openRequests: () => live.size,
    stop,
  };
}

export interface StartExampleMcpServersOptions {
  /**
   * Port of the first server of {@link EXAMPLE_MCP_SERVERS}; the others follow in that order.
   * Default: each server's own default port (calculator 4201 ... flaky 4204). 0 gives every
   * server a free port.
   */
  basePort?: number;
}

/** Starts several servers (default: all); if one fails to start, the others are stopped. */
export async function startExampleMcpServers(
  names: readonly ExampleMcpServerName[] = EXAMPLE_MCP_SERVER_NAMES,
  { basePort }: StartExampleMcpServersOptions = {},
): Promise<RunningExampleMcpServer[]> {
  return startSeveral(
    names,
    EXAMPLE_MCP_SERVER_NAMES,
    (name) => EXAMPLE_MCP_SERVERS[name].defaultPort,
    basePort,
    (name, port) => startExampleMcpServer(name, { port }),
  );
}
