import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as PgClient } from 'pg';
import { startPlatform, type Platform } from '@agentry/devstack';
import {
  BROKEN_ERROR,
  FAILING_REASON,
  RECAP_QUESTION,
  startExampleAgent,
  type RunningExampleAgent,
} from '@agentry/example-agents';
import { codes, gql, ok, testDatabase, testSecrets, waitFor } from '@agentry/testing';

/**
 * The tasks runner against peers that behave as the spec allows but our first agents did not:
 * a reply turn that opens with the old INPUT_REQUIRED snapshot (recap), agents that fail with
 * a FAILED status or with a JSON-RPC error (failing, broken), and agents that speak A2A v0.3
 * only. Each streaming and polling.
 */
describe('tasks on A2A peers that differ', { timeout: 300_000 }, () => {
  let platform: Platform;
  let gw: string;
  const agents: Record<string, RunningExampleAgent> = {};
  const ids: Record<string, string> = {};
  let publisher: string;
  let user: string;
  let databaseUrl: string;

  const TASK = `id state error messages { role text } events(first: 100) { edges { node { sequence state } } }`;

  async function signUp(email: string, publisherRole = false) {
    const d = ok(
      await gql(gw, 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }', {
        i: { email, password: 'long enough', name: email.split('@')[0], publisher: publisherRole },
      }),
    );
    return d.signUp.token as string;
  }

  const task = async (id: string) =>
    ok(await gql(gw, `query($id: ID!) { task(id: $id) { ${TASK} } }`, { id }, user)).task;
  const untilState = (id: string, states: string[]) =>
    waitFor(`task ${id} to reach ${states.join('/')}`, async () => {
      const t = await task(id);
      return states.includes(t.state) ? t : undefined;
    });
  const send = async (agent: string, text: string) =>
    ok(
      await waitFor('the tasks subgraph to know the agent', async () => {
        const r = await gql(
          gw,
          `mutation($a: ID!, $i: TaskInput!) { sendTask(agentId: $a, input: $i) { id state } }`,
          { a: ids[agent], i: { text } },
          user,
        );
        return codes(r)[0] === 'NOT_FOUND' ? undefined : r;
      }),
    ).sendTask.id as string;
  const reply = async (taskId: string, text: string) =>
    ok(
      await gql(
        gw,
        `mutation($t: ID!, $i: TaskInput!) { replyToTask(taskId: $t, input: $i) { id state } }`,
        { t: taskId, i: { text } },
        user,
      ),
    ).replyToTask;

  before(async () => {
    const started = await Promise.all([
      startExampleAgent('recap'),
      startExampleAgent('recap', { options: { streaming: false } }),
      startExampleAgent('failing'),
      startExampleAgent('failing', { options: { streaming: false } }),
      startExampleAgent('broken'),
      startExampleAgent('broken', { options: { streaming: false } }),
      startExampleAgent('echo', { options: { wordDelayMs: 0 }, protocolVersion: '0.3' }),
      startExampleAgent('interviewer', { protocolVersion: '0.3' }),
      startExampleAgent('worker', { options: { steps: 100, stepMs: 200 }, protocolVersion: '0.3' }),
      startExampleAgent('slowpoke', { options: { delayMs: 200 }, protocolVersion: '0.3' }),
    ]);
    const names = [
      'recap',
      'recapPolled',
      'failing',
      'failingPolled',
      'broken',
      'brokenPolled',
      'echo03',
      'interviewer03',
      'worker03',
      'slowpoke03',
    ];
    names.forEach((n, i) => (agents[n] = started[i]));
    platform = await startPlatform({
      databaseUrl: (databaseUrl = await testDatabase('e2e_interop')),
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'error' },
      // A generous bound: a task that fails only because this bound ran out fails the checks below.
      serviceEnv: { tasks: { TASK_AGENT_TIMEOUT_MS: '60000' } },
    });
    gw = platform.gatewayUrl;
    publisher = await signUp('interop-publisher@example.com', true);
    user = await signUp('interop-user@example.com');
    for (const name of names) {
      const d = ok(
        await gql(
          gw,
          'mutation($i: RegisterAgentInput!) { registerAgent(input: $i) { id protocolVersion } }',
          {
            i: {
              cardUrl: agents[name].url,
              priceCredits: 1,
              category: 'examples',
              tags: ['example'],
            },
          },
          publisher,
        ),
      );
      ids[name] = d.registerAgent.id;
      assert.equal(
        d.registerAgent.protocolVersion,
        name.endsWith('03') ? '0.3' : '1.0',
        `${name} speaks A2A ${agents[name].protocolVersion}`,
      );
    }
  });
  after(async () => {
    await platform?.stop();
    await Promise.all(Object.values(agents).map((a) => a.stop()));
  });

  for (const name of ['recap', 'recapPolled']) {
    it(`completes after a reply whose turn opens with the old question (${name})`, async () => {
      const id = await send(name, 'recap please');
      const asked = await untilState(id, ['INPUT_REQUIRED', 'FAILED', 'COMPLETED']);
      assert.equal(asked.state, 'INPUT_REQUIRED', asked.error);
      assert.equal(asked.messages.at(-1).text, RECAP_QUESTION);
      assert.equal((await reply(id, 'Lisbon')).state, 'WORKING');
      const t = await untilState(id, ['COMPLETED', 'FAILED', 'INPUT_REQUIRED']);
      assert.equal(t.state, 'COMPLETED', `ended ${t.state}: ${t.error}`);
      assert.match(t.messages.at(-1).text, /Lisbon/);
      // INPUT_REQUIRED was recorded once, before the reply, never again after it.
      const states = t.events.edges.map((e: any) => e.node.state);
      assert.equal(states.filter((s: string) => s === 'INPUT_REQUIRED').length, 1, states.join());
    });
  }

  for (const name of ['failing', 'failingPolled']) {
    it(`keeps the agent's reason in Task.error when it FAILS (${name})`, async () => {
      const t = await untilState(await send(name, 'please fail'), ['FAILED', 'COMPLETED']);
      assert.equal(t.state, 'FAILED');
      assert.equal(t.error, FAILING_REASON);
    });
  }

  for (const name of ['broken', 'brokenPolled']) {
    it(`fails at once with the JSON-RPC error in Task.error (${name})`, async () => {
      const t = await untilState(await send(name, 'please work'), ['FAILED', 'COMPLETED']);
      assert.equal(t.state, 'FAILED');
      assert.match(t.error, /^AGENT_ERROR: .*JSON-RPC error -32603/);
      assert.ok(t.error.includes(BROKEN_ERROR), t.error);
      assert.doesNotMatch(t.error, /AGENT_UNREACHABLE|did not answer/);
    });
  }

  describe('A2A v0.3 agents', () => {
    it('streams a task to COMPLETED', async () => {
      const t = await untilState(await send('echo03', 'hello old world'), ['COMPLETED', 'FAILED']);
      assert.equal(t.state, 'COMPLETED', t.error);
      assert.match(t.messages.at(-1).text, /hello old world/);
    });

    it('polls a non-streaming agent to COMPLETED', async () => {
      const t = await untilState(await send('slowpoke03', 'take your time'), [
        'COMPLETED',
        'FAILED',
      ]);
      assert.equal(t.state, 'COMPLETED', t.error);
    });

    it('asks for input and completes after the reply', async () => {
      const id = await send('interviewer03', 'interview me');
      const asked = await untilState(id, ['INPUT_REQUIRED', 'FAILED']);
      assert.equal(asked.state, 'INPUT_REQUIRED', asked.error);
      await reply(id, 'Grace');
      const t = await untilState(id, ['COMPLETED', 'FAILED']);
      assert.equal(t.state, 'COMPLETED', t.error);
      assert.match(t.messages.at(-1).text, /Grace/);
    });

    it('cancels a running task', async () => {
      const id = await send('worker03', 'long job');
      await untilState(id, ['WORKING']);
      const canceled = ok(
        await gql(gw, 'mutation($t: ID!) { cancelTask(taskId: $t) { state } }', { t: id }, user),
      );
      assert.equal(canceled.cancelTask.state, 'CANCELED');
      assert.equal((await task(id)).state, 'CANCELED');
    });
  });

  it('ranks available agents first in agents(search:) and /mcp search_agents, and can leave the rest out', async () => {
    // The two recap agents match "recap" equally, so ties go by id: mark the one that would come
    // first unavailable, as the card refresher does when a card stops answering.
    const [down, up] = [ids.recap, ids.recapPolled].sort();
    const db = new PgClient({ connectionString: databaseUrl });
    await db.connect();
    try {
      await db.query('UPDATE agents.agents SET available = false WHERE id = $1', [down]);
    } finally {
      await db.end();
    }
    const listed = ok(
      await gql(
        gw,
        'query($s: String) { agents(search: $s) { edges { node { id available } } } }',
        { s: 'recap' },
        user,
      ),
    ).agents.edges.map((e: any) => e.node);
    assert.deepEqual(
      listed.map((a: any) => a.id),
      [up, down],
      'the available recap first',
    );
    const mcp = new McpClient({ name: 'interop-test', version: '1.0.0' });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${gw.replace(/\/graphql$/, '')}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${user}` } },
      }),
    );
    try {
      const found = async (args: Record<string, unknown>) => {
        const r = await mcp.callTool({ name: 'search_agents', arguments: args });
        assert.ok(!r.isError, JSON.stringify(r.content));
        return (r.structuredContent as { agents: { id: string }[] }).agents.map((a) => a.id);
      };
      assert.deepEqual(await found({ query: 'recap' }), [up, down]);
      assert.deepEqual(await found({ query: 'recap', include_unavailable: false }), [up]);
    } finally {
      await mcp.close();
    }
  });
});
