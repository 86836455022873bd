import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { createAgentryClient, AgentryError } from '@agentry/client';
import { startPlatform, type Platform } from '@agentry/devstack';
import { startExampleAgent, type RunningExampleAgent } from '@agentry/example-agents';
import { gql, ok, testDatabase, testSecrets } from '@agentry/testing';
import { followTaskThroughDisconnect } from '../src/follow-task';

/** @agentry/client against a real platform: typed operations, errors, and the live follow. */
describe('@agentry/client', { timeout: 240_000 }, () => {
  let platform: Platform;
  let worker: RunningExampleAgent;
  let agentId: string;

  before(async () => {
    worker = await startExampleAgent('worker', { options: { steps: 8, stepMs: 300 } });
    platform = await startPlatform({
      databaseUrl: await testDatabase('client_sdk'),
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn' },
    });
    const signUp = async (email: string, publisher: boolean) =>
      ok(
        await gql(
          platform.gatewayUrl,
          'mutation($i: SignUpInput!) { signUp(input: $i) { token } }',
          { i: { email, password: 'long enough', name: email.split('@')[0], publisher } },
        ),
      ).signUp.token as string;
    const pub = await signUp('pub@example.com', true);
    await signUp('user@example.com', false);
    agentId = ok(
      await gql(
        platform.gatewayUrl,
        'mutation($i: RegisterAgentInput!) { registerAgent(input: $i) { id } }',
        { i: { cardUrl: worker.url, priceCredits: 3, category: 'operations' } },
        pub,
      ),
    ).registerAgent.id;
  });
  after(async () => {
    await platform?.stop();
    await worker?.stop();
  });

  it('follows a task through a forced disconnect, printing every event once', async () => {
    const lines: string[] = [];
    const { sequences, state } = await followTaskThroughDisconnect({
      url: platform.gatewayUrl,
      email: 'user@example.com',
      password: 'long enough',
      agentName: 'Worker',
      print: (l) => lines.push(l),
    });
    assert.equal(state, 'COMPLETED');
    assert.deepEqual(
      sequences,
      Array.from({ length: sequences.length }, (_, i) => i + 1),
    );
    assert.ok(sequences.length >= 10, `all events arrived (${sequences.length})`);
    assert.ok(
      lines.some((l) => l.includes('reconnecting')),
      'the cut was noticed and retried',
    );
    // Printed once each: no event line appears twice.
    const eventLines = lines.filter((l) => l.startsWith('#'));
    assert.equal(new Set(eventLines).size, eventLines.length);
  });

  it('resumes from a cursor it is given, and types errors by code', async () => {
    const agentry = createAgentryClient({ url: platform.gatewayUrl, webSocketImpl: WebSocket });
    try {
      await assert.rejects(agentry.signIn('user@example.com', 'wrong password'), (e: unknown) => {
        assert.ok(e instanceof AgentryError);
        assert.equal(e.code, 'UNAUTHENTICATED');
        return true;
      });
      await agentry.signIn('user@example.com', 'long enough');
      const task = await agentry.hire(agentId, { text: 'two halves' });
      const first: { cursor: string; sequence: number }[] = [];
      for await (const e of agentry.followTask(task.id)) {
        first.push(e);
        if (first.length === 4) break; // the caller stops: the subscription is closed
      }
      const rest: number[] = [];
      for await (const e of agentry.followTask(task.id, { after: first[3].cursor }))
        rest.push(e.sequence);
      assert.deepEqual(
        [...first.map((e) => e.sequence), ...rest],
        Array.from({ length: 4 + rest.length }, (_, i) => i + 1),
      );
      const me = await agentry.me();
      assert.equal(me?.wallet?.held, 0);
      await assert.rejects(
        agentry.request((await import('@agentry/client')).TaskDocument, { id: 'not-a-task-id' }),
        (e: unknown) => e instanceof AgentryError && e.code === 'BAD_USER_INPUT',
      );
    } finally {
      await agentry.close();
    }
  });
});
