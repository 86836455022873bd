import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '@agentry/core';
import {
  FAILING_REASON,
  INTERVIEWER_QUESTION,
  startExampleAgent,
  type RunningExampleAgent,
} from '@agentry/example-agents';
import { createA2AClient, resolveAgentCard, type AgentCardInfo, type AgentEvent } from '../src';
import { closedPort, collect, rejectsWithCode, serve } from './helpers';

// Development mode: the example agents listen on 127.0.0.1.
const dev = { allowPrivate: true, timeoutMs: 5000 };

const texts = (e: AgentEvent) =>
  (e.message?.parts ?? e.artifact?.parts ?? []).map((p) => p.text ?? '').join('');
const statuses = (events: AgentEvent[]) => events.filter((e) => e.kind === 'status');

describe('A2A client against the example agents', () => {
  const agents: Record<string, RunningExampleAgent> = {};
  before(async () => {
    const started = await Promise.all([
      startExampleAgent('echo', { options: { wordDelayMs: 0 } }),
      startExampleAgent('worker', { options: { steps: 4, stepMs: 150 } }),
      startExampleAgent('interviewer'),
      startExampleAgent('failing'),
      startExampleAgent('slowpoke', { options: { delayMs: 300 } }),
    ]);
    for (const a of started) agents[a.name] = a;
  });
  after(() => Promise.all(Object.values(agents).map((a) => a.stop())));

  it('echo streams word by word, then the artifact, then COMPLETED', async () => {
    const client = await createA2AClient(agents.echo.url, dev);
    const events = await collect(client.send({ text: 'hello big world' }));

    assert.deepEqual(
      events.map((e) => `${e.kind}:${e.state ?? ''}:${texts(e)}`),
      [
        'task:SUBMITTED:',
        'status:WORKING:hello',
        'status:WORKING:big',
        'status:WORKING:world',
        'artifact::hello big world',
        'status:COMPLETED:hello big world',
      ],
    );
    const [task] = events;
    assert.ok(task.remoteTaskId && task.contextId);
    for (const e of events) {
      assert.equal(e.remoteTaskId, task.remoteTaskId);
      assert.equal(e.contextId, task.contextId);
    }
    assert.equal(events[1].message?.role, 'AGENT');
    assert.equal(events[4].artifact?.name, 'echo');
    assert.equal((await client.getTask(task.remoteTaskId)).state, 'COMPLETED');
  });

  it('echo rejects an empty text (REJECTED is terminal)', async () => {
    const client = await createA2AClient(agents.echo.url, dev);
    const events = await collect(client.send({ data: { not: 'text' } }));
    assert.equal(events.at(-1)?.state, 'REJECTED');
  });

  it('worker reports ordered progress and a report assembled from chunks', async () => {
    const client = await createA2AClient(agents.worker.url, dev);
    const events = await collect(client.send({ text: 'the numbers' }));

    assert.deepEqual(
      statuses(events).map((e) => `${e.state}:${texts(e)}`),
      [
        'WORKING:step 1/4',
        'WORKING:step 2/4',
        'WORKING:step 3/4',
        'WORKING:step 4/4',
        'COMPLETED:Finished the numbers.',
      ],
    );
    const chunks = events.filter((e) => e.kind === 'artifact').map((e) => e.artifact!);
    assert.deepEqual(
      chunks.map((c) => [c.artifactId, c.append, c.lastChunk]),
      [
        ['report', false, false],
        ['report', true, false],
        ['report', true, false],
        ['report', true, true],
      ],
    );
    const report = chunks.map((c) => c.parts.map((p) => p.text).join('')).join('');
    assert.equal(report, 'step 1/4 done\nstep 2/4 done\nstep 3/4 done\nstep 4/4 done\n');
    assert.equal(events.at(-1)?.state, 'COMPLETED');
  });

  it('cancels a running worker: CANCELED at the agent, and the stream ends', async () => {
    const worker = await startExampleAgent('worker', { options: { steps: 50, stepMs: 100 } });
    try {
      const client = await createA2AClient(worker.url, dev);
      const seen: AgentEvent[] = [];
      let canceled: Awaited<ReturnType<typeof client.cancel>> | undefined;
      for await (const event of client.send({ text: 'a long job' })) {
        seen.push(event);
        if (event.kind === 'status' && texts(event) === 'step 1/50') {
          canceled = await client.cancel(event.remoteTaskId);
        }
      }
      assert.equal(canceled?.state, 'CANCELED');
      const last = seen.at(-1)!;
      assert.equal(last.kind, 'status');
      assert.equal(last.state, 'CANCELED');
      // Nothing after the cancel: the worker stopped instead of finishing its 50 steps.
      assert.ok(statuses(seen).length < 5, `saw ${statuses(seen).length} statuses`);
      assert.equal((await client.getTask(last.remoteTaskId)).state, 'CANCELED');
      await rejectsWithCode(client.cancel(last.remoteTaskId + '-nope'), ErrorCode.NOT_FOUND);
    } finally {
      await worker.stop();
    }
  });

  it('resubscribing to a running worker yields its remaining events', async () => {
    const worker = await startExampleAgent('worker', { options: { steps: 6, stepMs: 150 } });
    try {
      const client = await createA2AClient(worker.url, dev);
      let remoteTaskId = '';
      for await (const event of client.send({ text: 'job' })) {
        remoteTaskId = event.remoteTaskId;
        // Drop the stream early, as a restarting runner would.
        if (event.kind === 'status' && texts(event) === 'step 2/6') break;
      }
      const events = await collect(client.resubscribe(remoteTaskId));

      assert.equal(events[0].kind, 'task', 'the current snapshot comes first');
      assert.equal(events[0].state, 'WORKING');
      const steps = statuses(events)
        .filter((e) => e.state === 'WORKING')
        .map((e) => Number(/^step (\d)\/6$/.exec(texts(e))![1]));
      assert.ok(steps.length > 0, 'some steps were still to come');
      assert.ok(
        steps.every((s, i) => s > 2 && (i === 0 || s === steps[i - 1] + 1)),
        `${steps}`,
      );
      assert.equal(steps.at(-1), 6);
      assert.equal(events.at(-1)?.state, 'COMPLETED');
      // A finished task cannot be subscribed to; its snapshot is reported instead.
      const again = await collect(client.resubscribe(remoteTaskId));
      assert.deepEqual(
        again.map((e) => [e.kind, e.state]),
        [
          ['task', undefined],
          ['artifact', undefined],
          ['status', 'COMPLETED'],
        ],
      );
    } finally {
      await worker.stop();
    }
  });

  it('interviewer asks, and the reply in the same task completes it', async () => {
    const client = await createA2AClient(agents.interviewer.url, dev);
    const first = await collect(client.send({ text: 'hi' }));
    const question = first.at(-1)!;
    assert.equal(question.state, 'INPUT_REQUIRED');
    assert.equal(texts(question), INTERVIEWER_QUESTION);
    assert.equal(question.message?.role, 'AGENT');

    const reply = await collect(
      client.send(
        { text: 'Ada' },
        { taskId: question.remoteTaskId, contextId: question.contextId },
      ),
    );
    const done = reply.at(-1)!;
    assert.equal(done.state, 'COMPLETED');
    assert.equal(texts(done), 'Nice to meet you, Ada');
    for (const e of reply) {
      assert.equal(e.remoteTaskId, question.remoteTaskId);
      assert.equal(e.contextId, question.contextId);
    }
    const task = await client.getTask(question.remoteTaskId);
    assert.equal(task.state, 'COMPLETED');
    assert.deepEqual(
      task.history.filter((m) => m.role === 'USER').map((m) => m.parts[0].text),
      ['hi', 'Ada'],
    );
  });

  it('a reply to a finished task is refused with a code the caller can act on', async () => {
    const client = await createA2AClient(agents.echo.url, dev);
    const [task] = await collect(client.send({ text: 'x' }));
    await rejectsWithCode(
      collect(client.send({ text: 'again' }, { taskId: task.remoteTaskId })),
      ErrorCode.BAD_USER_INPUT,
      /terminal state/,
    );
  });

  it('failing ends FAILED with the explanation', async () => {
    const client = await createA2AClient(agents.failing.url, dev);
    const events = await collect(client.send({ text: 'please' }));
    assert.deepEqual(
      statuses(events).map((e) => e.state),
      ['WORKING', 'FAILED'],
    );
    assert.equal(texts(events.at(-1)!), FAILING_REASON);
  });

  it('slowpoke (no streaming) is polled to COMPLETED with its artifact', async () => {
    const client = await createA2AClient(agents.slowpoke.url, { ...dev, pollIntervalMs: 50 });
    assert.equal(client.card.capabilities.streaming, false);
    const events = await collect(client.send({ text: 'the answer?' }));

    assert.equal(events[0].kind, 'task');
    const artifactAt = events.findIndex((e) => e.kind === 'artifact');
    assert.ok(artifactAt > 0);
    assert.equal(events[artifactAt].artifact?.name, 'result');
    assert.match(texts(events[artifactAt]), /^After 300 ms of thought: the answer\?$/);
    const last = events.at(-1)!;
    assert.equal(last.kind, 'status');
    assert.equal(last.state, 'COMPLETED');
    assert.ok(artifactAt < events.length - 1, 'the artifact comes before COMPLETED');
    // The states only move forward: polling repeats nothing.
    const states = events.flatMap((e) => (e.state ? [e.state] : []));
    assert.deepEqual(states, [...new Set(states)]);
  });

  it('works from a stored card without reading it again', async () => {
    const card = await resolveAgentCard(agents.echo.url, dev);
    const client = await createA2AClient(card, dev);
    const events = await collect(client.send({ text: 'stored' }));
    assert.equal(events.at(-1)?.state, 'COMPLETED');
  });

  it('stops at once when the caller aborts', async () => {
    const client = await createA2AClient(agents.worker.url, dev);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    await assert.rejects(
      (async () => {
        for await (const event of client.send({ text: 'x' }, { signal: controller.signal })) {
          if (event.kind === 'task') controller.abort(reason);
        }
      })(),
      (err) => err === reason,
    );
  });
});

describe('A2A client failures', () => {
  const cardFor = (url: string, streaming = true): AgentCardInfo => ({
    name: 'Stub',
    description: 'A stub.',
    url,
    version: '1',
    skills: [],
    capabilities: { streaming, pushNotifications: false, stateTransitionHistory: false },
    defaultInputModes: [],
    defaultOutputModes: [],
    protocolVersion: '1.0',
    interfaces: [{ url, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
  });

  it('reports nothing listening as AGENT_UNREACHABLE', async () => {
    const port = await closedPort();
    await rejectsWithCode(
      createA2AClient(`http://127.0.0.1:${port}`, dev),
      ErrorCode.AGENT_UNREACHABLE,
    );
    const client = await createA2AClient(cardFor(`http://127.0.0.1:${port}/rpc`), dev);
    await rejectsWithCode(
      collect(client.send({ text: 'hi' })),
      ErrorCode.AGENT_UNREACHABLE,
      /ECONNREFUSED/,
    );
    await rejectsWithCode(client.getTask('t1'), ErrorCode.AGENT_UNREACHABLE, /ECONNREFUSED/);
  });

  it('refuses private agents in production mode without connecting', async () => {
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as net.AddressInfo;
    try {
      for (const host of ['127.0.0.1', 'localhost']) {
        await rejectsWithCode(
          createA2AClient(`http://${host}:${port}`),
          ErrorCode.BAD_USER_INPUT,
          /private address/,
        );
        // A card stored earlier does not get around the check either: it runs on every call.
        const client = await createA2AClient(cardFor(`http://${host}:${port}/rpc`));
        await rejectsWithCode(
          collect(client.send({ text: 'hi' })),
          ErrorCode.BAD_USER_INPUT,
          /private address/,
        );
        await rejectsWithCode(client.cancel('t1'), ErrorCode.BAD_USER_INPUT, /private address/);
      }
      assert.equal(connections, 0);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('fails a stream that goes silent with AGENT_UNREACHABLE after idleTimeoutMs', async () => {
    // Answers with one valid event, then keeps the stream open without a word.
    const server = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { id } = JSON.parse(body) as { id: number };
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const task = { id: 't1', contextId: 'c1', status: { state: 'TASK_STATE_WORKING' } };
        res.write(`data: ${JSON.stringify({ jsonrpc: '2.0', id, result: { task } })}\n\n`);
      });
    });
    try {
      const client = await createA2AClient(cardFor(`${server.url}/rpc`), {
        ...dev,
        idleTimeoutMs: 300,
      });
      const seen: AgentEvent[] = [];
      const started = Date.now();
      await rejectsWithCode(
        (async () => {
          for await (const e of client.send({ text: 'hi' })) seen.push(e);
        })(),
        ErrorCode.AGENT_UNREACHABLE,
        /sent nothing for 300 ms/,
      );
      assert.deepEqual(
        seen.map((e) => [e.kind, e.state]),
        [['task', 'WORKING']],
      );
      assert.ok(Date.now() - started < 3000);
    } finally {
      await server.close();
    }
  });

  it('times out a call to an agent that never answers', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    try {
      const client = await createA2AClient(cardFor(`${server.url}/rpc`, false), {
        ...dev,
        timeoutMs: 300,
      });
      await rejectsWithCode(client.getTask('t1'), ErrorCode.AGENT_UNREACHABLE, /within 300 ms/);
      await rejectsWithCode(
        collect(client.send({ text: 'hi' })),
        ErrorCode.AGENT_UNREACHABLE,
        /within 300 ms/,
      );
    } finally {
      await server.close();
    }
  });

  it('does not follow a redirect of an agent call', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data' });
      res.end();
    });
    try {
      const client = await createA2AClient(cardFor(`${server.url}/rpc`, false), dev);
      await rejectsWithCode(client.getTask('t1'), ErrorCode.AGENT_UNREACHABLE, /redirect/);
      assert.equal(server.requests(), 1);
    } finally {
      await server.close();
    }
  });
});
