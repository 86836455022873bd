import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createA2AClient, type AgentEvent } from '@agentry/a2a-adapter';
import {
  EXAMPLE_AGENT_NAMES,
  EXAMPLE_AGENTS,
  startExampleAgent,
  startExampleAgents,
  type ExampleAgentName,
} from '../src';

const root = path.join(__dirname, '..', '..', '..');

async function cardOf(cardUrl: string) {
  const res = await fetch(cardUrl);
  assert.equal(res.status, 200);
  return (await res.json()) as {
    name: string;
    capabilities: { streaming: boolean };
    supportedInterfaces: { url: string; protocolBinding: string }[];
  };
}

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

describe('example agents', () => {
  it('list the agents with their npm start ports', () => {
    assert.deepEqual(
      EXAMPLE_AGENT_NAMES.map((n) => [n, EXAMPLE_AGENTS[n].defaultPort]),
      [
        ['echo', 4101],
        ['worker', 4102],
        ['interviewer', 4103],
        ['failing', 4104],
        ['slowpoke', 4105],
        ['recap', 4106],
        ['broken', 4107],
      ],
    );
  });

  it('serve a card whose JSON-RPC URL is where they really listen', async () => {
    const agents = await startExampleAgents(undefined, { basePort: 0 });
    try {
      assert.deepEqual(
        agents.map((a) => a.name),
        EXAMPLE_AGENT_NAMES,
      );
      for (const agent of agents) {
        assert.match(agent.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(agent.cardUrl, `${agent.url}/.well-known/agent-card.json`);
        const card = await cardOf(agent.cardUrl);
        assert.deepEqual(
          card.supportedInterfaces.map((i) => [i.url, i.protocolBinding]),
          [[agent.rpcUrl, 'JSONRPC']],
        );
        assert.equal(card.capabilities.streaming, agent.name !== 'slowpoke');
      }
    } finally {
      await Promise.all(agents.map((a) => a.stop()));
    }
  });

  it('number ports from basePort in the order of EXAMPLE_AGENTS', async () => {
    const port = await freePort();
    // worker is second: basePort + 1.
    const [worker] = await startExampleAgents(['worker'], { basePort: port - 1 });
    try {
      assert.equal(worker.url, `http://127.0.0.1:${port}`);
    } finally {
      await worker.stop();
    }
  });

  it('reach their end state over A2A', async () => {
    const expected: Record<ExampleAgentName, string> = {
      echo: 'COMPLETED',
      worker: 'COMPLETED',
      interviewer: 'INPUT_REQUIRED',
      failing: 'FAILED',
      slowpoke: 'COMPLETED',
      recap: 'INPUT_REQUIRED',
      // Its stream ends in a JSON-RPC error, not in a state.
      broken: 'AGENT_ERROR',
    };
    const agents = await Promise.all([
      startExampleAgent('echo', { options: { wordDelayMs: 0 } }),
      startExampleAgent('worker', { options: { steps: 2, stepMs: 10 } }),
      startExampleAgent('interviewer'),
      startExampleAgent('failing'),
      startExampleAgent('slowpoke', { options: { delayMs: 10 } }),
      startExampleAgent('recap'),
      startExampleAgent('broken'),
    ]);
    try {
      for (const agent of agents) {
        const client = await createA2AClient(agent.url, { allowPrivate: true, pollIntervalMs: 20 });
        const events: AgentEvent[] = [];
        let end: string | undefined;
        try {
          for await (const e of client.send({ text: 'hello' })) events.push(e);
          end = events.at(-1)?.state;
        } catch (err) {
          end = (err as { extensions?: { code?: string } }).extensions?.code;
        }
        assert.equal(end, expected[agent.name], agent.name);
      }
    } finally {
      await Promise.all(agents.map((a) => a.stop()));
    }
  });

  it('stop closes the port, even with a stream open, and may be called twice', async () => {
    const worker = await startExampleAgent('worker', { options: { steps: 100, stepMs: 1000 } });
    const port = Number(new URL(worker.url).port);
    const client = await createA2AClient(worker.url, { allowPrivate: true });
    const stream = client.send({ text: 'forever' })[Symbol.asyncIterator]();
    assert.equal((await stream.next()).value?.kind, 'task');
    const pending = stream.next().catch((err: unknown) => err);
    await Promise.all([worker.stop(), worker.stop()]);
    assert.equal(await portIsOpen(port), false);
    // The client sees the connection drop, as it would if the agent crashed.
    const err = (await pending) as { extensions?: { code?: string } };
    assert.equal(err.extensions?.code, 'AGENT_UNREACHABLE');
  });
});

describe('run.ts', () => {
  function run(args: string[]) {
    const child = spawn(
      process.execPath,
      ['-r', './scripts/register.js', 'examples/agents/src/run.ts', ...args],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    /** Resolves when `count` agents printed their URL; rejects if the script exits first. */
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
        exited.then((code) => reject(new Error(`run.ts exited (${code}): ${out}`)));
        check();
      });
    return { child, exited, listening, output: () => out };
  }

  it('serves one agent on --port and stops cleanly on SIGTERM', { timeout: 30_000 }, async () => {
    const port = await freePort();
    const script = run(['echo', '--port', String(port)]);
    const [url] = await script.listening(1);
    assert.equal(url, `http://127.0.0.1:${port}`);
    assert.equal((await cardOf(`${url}/.well-known/agent-card.json`)).name, 'Echo');
    script.child.kill('SIGTERM');
    assert.equal(await script.exited, 0);
    assert.equal(await portIsOpen(port), false);
  });

  it('serves all agents and stops cleanly on SIGINT', { timeout: 30_000 }, async () => {
    const script = run(['all', '--port', '0']);
    const urls = await script.listening(EXAMPLE_AGENT_NAMES.length);
    assert.equal(new Set(urls).size, EXAMPLE_AGENT_NAMES.length);
    script.child.kill('SIGINT');
    assert.equal(await script.exited, 0);
    for (const url of urls) assert.equal(await portIsOpen(Number(new URL(url).port)), false);
  });

  it('explains its usage on a bad argument', { timeout: 30_000 }, async () => {
    const script = run(['nobody']);
    assert.equal(await script.exited, 1);
    assert.match(script.output(), /Unknown agent "nobody"\. usage: run\.ts <echo\|worker/);
  });
});
