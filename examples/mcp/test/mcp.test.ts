import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { connectToolServer, describeToolServer } from '@agentry/mcp-adapter';
import {
  EXAMPLE_MCP_SERVER_NAMES,
  EXAMPLE_MCP_SERVERS,
  startExampleMcpServer,
  startExampleMcpServers,
} from '../src';

const root = path.join(__dirname, '..', '..', '..');
const dev = { allowPrivate: true };

const portIsOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

describe('example MCP servers', () => {
  it('list the four servers with their npm start ports', () => {
    assert.deepEqual(
      EXAMPLE_MCP_SERVER_NAMES.map((n) => [n, EXAMPLE_MCP_SERVERS[n].defaultPort]),
      [
        ['calculator', 4201],
        ['docstore', 4202],
        ['slow', 4203],
        ['flaky', 4204],
      ],
    );
  });

  it('answer MCP at the URL they report', async () => {
    const servers = await startExampleMcpServers(undefined, { basePort: 0 });
    try {
      assert.deepEqual(
        servers.map((s) => s.name),
        EXAMPLE_MCP_SERVER_NAMES,
      );
      for (const server of servers) {
        assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
        const d = await describeToolServer(server.url, dev);
        assert.equal(d.serverInfo.name, server.name);
        assert.ok(d.tools.length > 0);
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });

  it('number ports from basePort in the order of EXAMPLE_MCP_SERVERS', async () => {
    const port = await freePort();
    // slow is third: basePort + 2.
    const [slow] = await startExampleMcpServers(['slow'], { basePort: port - 2 });
    try {
      assert.equal(slow.url, `http://127.0.0.1:${port}/mcp`);
    } finally {
      await slow.stop();
    }
  });

  it('are stateless: no session id, GET and DELETE refused, foreign Host headers refused', async () => {
    const server = await startExampleMcpServer('calculator');
    try {
      const init = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 't', version: '1' },
          },
        }),
      });
      assert.equal(init.status, 200);
      assert.equal(init.headers.get('mcp-session-id'), null);
      await init.body?.cancel();
      for (const method of ['GET', 'DELETE']) {
        const res = await fetch(server.url, { method });
        assert.equal(res.status, 405, method);
        await res.body?.cancel();
      }
      // DNS rebinding protection: a page on another site cannot reach the server via its name.
      const rebound = await new Promise<number>((resolve, reject) => {
        const { port } = new URL(server.url);
        const socket = net.connect(Number(port), '127.0.0.1', () =>
          socket.write(
            'POST /mcp HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
          ),
        );
        let response = '';
        socket.on('data', (c) => (response += c));
        socket.on('end', () => resolve(Number(response.split(' ')[1])));
        socket.on('error', reject);
      });
      assert.equal(rebound, 403);
    } finally {
      await server.stop();
    }
  });

  it('stop closes the port, even with a call in flight, and may be called twice', async () => {
    const server = await startExampleMcpServer('slow');
    const port = Number(new URL(server.url).port);
    const connection = await connectToolServer(server.url, dev);
    try {
      // The first progress notification shows the call is running on the server.
      let running!: () => void;
      const started = new Promise<void>((resolve) => (running = resolve));
      const call = connection
        .callTool(
          'slow_count',
          { steps: 50, stepMs: 200 },
          { timeoutMs: 20_000, onProgress: () => running() },
        )
        .catch((e: unknown) => e);
      await started;
      await Promise.all([server.stop(), server.stop()]);
      assert.equal(await portIsOpen(port), false);
      const err = (await call) as { extensions?: { code?: string } };
      assert.equal(err.extensions?.code, 'TOOL_UNREACHABLE');
    } finally {
      await connection.close();
    }
  });
});

function run(script: string, args: string[]) {
  const child = spawn(process.execPath, ['-r', './scripts/register.js', script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** Resolves when `count` servers printed their URL; rejects if the script exits first. */
  const listening = (count: number) =>
    new Promise<string[]>((resolve, reject) => {
      const check = () => {
        const urls = [...out.matchAll(/listening on (http:\/\/\S+)/g)].map((m) => m[1]);
        if (urls.length >= count) {
          child.stdout.off('data', check);
          resolve(urls);
        }
      };
      child.stdout.on('data', check);
      exited.then((code) => reject(new Error(`${script} exited (${code}): ${out}`)));
      check();
    });
  return { child, exited, listening, output: () => out };
}

describe('run.ts', () => {
  const script = 'examples/mcp/src/run.ts';

  it('serves one server on --port and stops cleanly on SIGTERM', { timeout: 30_000 }, async () => {
    const port = await freePort();
    const proc = run(script, ['calculator', '--port', String(port)]);
    const [url] = await proc.listening(1);
    assert.equal(url, `http://127.0.0.1:${port}/mcp`);
    const connection = await connectToolServer(url, dev);
    assert.deepEqual((await connection.callTool('add', { a: 1, b: 1 })).structuredContent, {
      result: 2,
    });
    await connection.close();
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
    assert.equal(await portIsOpen(port), false);
  });

  it('serves all servers and stops cleanly on SIGINT', { timeout: 30_000 }, async () => {
    const proc = run(script, ['all', '--port', '0']);
    const urls = await proc.listening(4);
    assert.equal(new Set(urls).size, 4);
    proc.child.kill('SIGINT');
    assert.equal(await proc.exited, 0);
    for (const url of urls) assert.equal(await portIsOpen(Number(new URL(url).port)), false);
  });

  it('explains its usage on a bad argument', { timeout: 30_000 }, async () => {
    const proc = run(script, ['nobody']);
    assert.equal(await proc.exited, 1);
    assert.match(proc.output(), /Unknown server "nobody"\. usage: run\.ts <calculator\|docstore/);
  });
});

describe('stdio.ts', () => {
  it('explains its usage on an unknown server', { timeout: 30_000 }, async () => {
    const proc = run('examples/mcp/src/stdio.ts', ['nobody']);
    assert.equal(await proc.exited, 1);
    assert.match(proc.output(), /usage: stdio\.ts <calculator\|docstore\|slow\|flaky>/);
  });
});
