import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '@agentry/core';
import {
  BROKEN_ERROR,
  INTERVIEWER_QUESTION,
  RECAP_QUESTION,
  startExampleAgent,
  type RunningExampleAgent,
} from '@agentry/example-agents';
import { createA2AClient, resolveAgentCard, type AgentEvent } from '../src';
import { collect, rejectsWithCode } from './helpers';

/*
 * Real peers that do things the spec allows but the other example agents do not: a reply turn
 * that opens with the old snapshot (recap), a JSON-RPC error inside the stream (broken), and
 * agents that speak A2A v0.3 only (the example agents served through the SDK's v0.3 server).
 */

const dev = { allowPrivate: true, timeoutMs: 5000, pollIntervalMs: 20 };
const texts = (e: AgentEvent) => (e.message?.parts ?? []).map((p) => p.text ?? '').join('');
const line = (e: AgentEvent) => `${e.kind}:${e.state ?? ''}:${texts(e)}`;

describe('A2A peers beyond the happy path', () => {
  const agents: Record<string, RunningExampleAgent> = {};
  before(async () => {
    const started = await Promise.all([
      startExampleAgent('recap'),
      startExampleAgent('recap', { options: { streaming: false } }),
      startExampleAgent('broken'),
      startExampleAgent('broken', { options: { streaming: false } }),
      startExampleAgent('echo', { options: { wordDelayMs: 0 }, protocolVersion: '0.3' }),
      startExampleAgent('interviewer', { protocolVersion: '0.3' }),
      startExampleAgent('worker', { options: { steps: 50, stepMs: 200 }, protocolVersion: '0.3' }),
      startExampleAgent('slowpoke', { options: { delayMs: 100 }, protocolVersion: '0.3' }),
    ]);
    [
      agents.recap,
      agents.recapPolled,
      agents.broken,
      agents.brokenPolled,
      agents.echo03,
      agents.interviewer03,
      agents.worker03,
      agents.slowpoke03,
    ] = started;
  });
  after(() => Promise.all(Object.values(agents).map((a) => a.stop())));

  for (const [name, streaming] of [
    ['recap', true],
    ['recapPolled', false],
  ] as const) {
    it(`a reply ends only on what the agent reached after it (${streaming ? 'streaming' : 'polling'})`, async () => {
      const client = await createA2AClient(agents[name].url, dev);
      assert.equal(client.card.capabilities.streaming, streaming);
      const asked = await collect(client.send({ text: 'recap please' }));
      const question = asked.at(-1)!;
      assert.equal(question.state, 'INPUT_REQUIRED');
      assert.equal(texts(question), RECAP_QUESTION);
      const replied = await collect(
        client.send(
          { text: 'Lisbon' },
          {
            taskId: question.remoteTaskId,
            contextId: question.contextId,
            answeredQuestionId: question.message!.messageId,
          },
        ),
      );
      // The old snapshot still names the task, but carries neither the old state nor question.
      assert.ok(
        replied.every((e) => e.state !== 'INPUT_REQUIRED'),
        replied.map(line).join(' | '),
      );
      assert.equal(replied.at(-1)?.state, 'COMPLETED', replied.map(line).join(' | '));
      assert.match(texts(replied.at(-1)!), /Lisbon/);
    });
  }

  it('a reply without the question id still skips the snapshot that opens the turn', async () => {
    const client = await createA2AClient(agents.recap.url, dev);
    const [question] = (await collect(client.send({ text: 'go' }))).slice(-1);
    const replied = await collect(
      client.send(
        { text: 'Porto' },
        { taskId: question.remoteTaskId, contextId: question.contextId },
      ),
    );
    assert.equal(replied.at(-1)?.state, 'COMPLETED', replied.map(line).join(' | '));
  });

  for (const [name, streaming] of [
    ['broken', true],
    ['brokenPolled', false],
  ] as const) {
    it(`a JSON-RPC error from the agent is AGENT_ERROR with its code and message (${streaming ? 'streaming' : 'polling'})`, async () => {
      const client = await createA2AClient(agents[name].url, dev);
      await rejectsWithCode(
        collect(client.send({ text: 'please work' })),
        ErrorCode.AGENT_ERROR,
        new RegExp(`JSON-RPC error -32603: .*${BROKEN_ERROR}`),
      );
    });
  }

  describe('A2A v0.3 agents', () => {
    it('reads a v0.3 card and says which version the agent speaks', async () => {
      const card = await resolveAgentCard(agents.echo03.url, dev);
      assert.equal(card.protocolVersion, '0.3');
      assert.equal(card.name, 'Echo');
      assert.equal(card.url, agents.echo03.rpcUrl);
      assert.equal(card.capabilities.streaming, true);
      const v1 = await startExampleAgent('echo');
      try {
        assert.equal((await resolveAgentCard(v1.url, dev)).protocolVersion, '1.0');
      } finally {
        await v1.stop();
      }
    });

    it('streams a v0.3 task to COMPLETED', async () => {
      const client = await createA2AClient(agents.echo03.url, dev);
      const events = await collect(client.send({ text: 'hello old world' }));
      assert.equal(events.at(-1)?.state, 'COMPLETED', events.map(line).join(' | '));
      assert.ok(events.some((e) => e.kind === 'artifact'));
      assert.equal((await client.getTask(events[0].remoteTaskId)).state, 'COMPLETED');
    });

    it('asks and takes the reply in the same v0.3 task', async () => {
      const client = await createA2AClient(agents.interviewer03.url, dev);
      const [question] = (await collect(client.send({ text: 'hi' }))).slice(-1);
      assert.equal(question.state, 'INPUT_REQUIRED');
      assert.equal(texts(question), INTERVIEWER_QUESTION);
      const replied = await collect(
        client.send(
          { text: 'Grace' },
          { taskId: question.remoteTaskId, contextId: question.contextId },
        ),
      );
      assert.equal(replied.at(-1)?.state, 'COMPLETED');
      assert.match(texts(replied.at(-1)!), /Grace/);
    });

    it('cancels a running v0.3 task, and resubscribes to one', async () => {
      const client = await createA2AClient(agents.worker03.url, dev);
      const stream = client.send({ text: 'long job' })[Symbol.asyncIterator]();
      const first = (await stream.next()).value as AgentEvent;
      const followed = client.resubscribe(first.remoteTaskId)[Symbol.asyncIterator]();
      assert.ok((await followed.next()).value);
      const canceled = await client.cancel(first.remoteTaskId);
      assert.equal(canceled.state, 'CANCELED');
      await stream.return?.(undefined);
      await followed.return?.(undefined);
      assert.equal((await client.getTask(first.remoteTaskId)).state, 'CANCELED');
    });

    it('polls a non-streaming v0.3 agent to COMPLETED', async () => {
      const client = await createA2AClient(agents.slowpoke03.url, dev);
      const events = await collect(client.send({ text: 'slowly' }));
      assert.equal(events.at(-1)?.state, 'COMPLETED', events.map(line).join(' | '));
      assert.ok(events.some((e) => e.kind === 'artifact'));
    });

    it('refuses a v1.0 call at a v0.3-only agent (the agent is really v0.3)', async () => {
      const res = await fetch(agents.echo03.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 'x' } }),
      });
      const body = (await res.json()) as { error?: { code: number } };
      assert.equal(body.error?.code, -32601);
      const card = (await (await fetch(agents.echo03.cardUrl)).json()) as Record<string, unknown>;
      assert.match(String(card.protocolVersion), /^0\.3/);
      assert.equal(card.url, agents.echo03.rpcUrl);
      assert.equal('supportedInterfaces' in card, false);
    });
  });
});
