import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { startPlatform, type Platform } from '@agentry/devstack';
import { startExampleAgent, type RunningExampleAgent } from '@agentry/example-agents';
import { startExampleMcpServer } from '@agentry/example-mcp';
import { gql, ok, testDatabase, testSecrets } from '@agentry/testing';
import { waitFor } from '@agentry/testing';

const ALL_SCOPES = ['agents:read', 'tasks:read', 'tasks:write', 'billing:read', 'tools:call'];

interface TaskResult {
  taskId: string;
  state: string;
  messages: { role: string; text: string }[];
  artifacts: { name: string; text: string }[];
  cost: number | null;
  error: string | null;
}

/**
 * An MCP client hires agents through the gateway's /mcp: real example A2A agents, the whole
 * platform, an API key as the only credential, and the same authorization as GraphQL.
 */
describe('Agentry as an MCP server', { timeout: 300_000 }, () => {
  let platform: Platform;
  let gw: string;
  let mcpUrl: string;
  const agents: Record<string, RunningExampleAgent> = {};
  const agentIds: Record<string, string> = {};
  const clients: Client[] = [];
  let user: { token: string; id: string };
  let key: { id: string; secret: string };
  let calculator: { url: string; stop(): Promise<void> } | undefined;
  let calculatorId: string;
  let mcp: Client;

  async function signUp(email: string, publisher = false) {
    const d = ok(
      await gql(gw, 'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }', {
        i: { email, password: 'long enough', name: email.split('@')[0], publisher },
      }),
    );
    return { token: d.signUp.token as string, id: d.signUp.user.id as string };
  }

  async function createKey(token: string, scopes: string[]) {
    const d = ok(
      await gql(
        gw,
        'mutation($s: [String!]!) { createApiKey(name: "mcp", scopes: $s) { secret apiKey { id } } }',
        { s: scopes },
        token,
      ),
    );
    return { id: d.createApiKey.apiKey.id as string, secret: d.createApiKey.secret as string };
  }

  async function connect(secret: string) {
    const client = new Client({ name: 'e2e-mcp', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${secret}` } },
      }),
    );
    clients.push(client);
    return client;
  }

  const callTool = async (
    client: Client,
    name: string,
    args: Record<string, unknown>,
    onprogress?: (p: Progress) => void,
  ) =>
    (await client.callTool({ name, arguments: args }, undefined, {
      timeout: 120_000,
      onprogress,
    })) as CallToolResult;
  const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

  before(async () => {
    agents.echo = await startExampleAgent('echo', {});
    agents.interviewer = await startExampleAgent('interviewer', {});
    agents.worker = await startExampleAgent('worker', { options: { steps: 40, stepMs: 250 } });
    platform = await startPlatform({
      databaseUrl: await testDatabase('e2e_mcp'),
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn' },
    });
    gw = platform.gatewayUrl;
    mcpUrl = gw.replace(/\/graphql$/, '/mcp');
    const publisher = await signUp('mcp-publisher@example.com', true);
    for (const [name, a] of Object.entries(agents)) {
      const d = ok(
        await gql(
          gw,
          'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
          {
            i: {
              name,
              description: `The ${name} example agent`,
              url: a.url,
              version: '1.0.0',
              category: 'examples',
              tags: ['example'],
              priceCredits: 1,
            },
          },
          publisher.token,
        ),
      );
      agentIds[name] = d.createAgent.id;
    }
    calculator = await startExampleMcpServer('calculator', { port: 0 });
    calculatorId = ok(
      await gql(
        gw,
        'mutation($i: RegisterToolServerInput!) { registerToolServer(input: $i) { id } }',
        { i: { url: calculator.url, name: 'Calculator', public: true } },
        publisher.token,
      ),
    ).registerToolServer.id;
    user = await signUp('mcp-user@example.com');
    key = await createKey(user.token, ALL_SCOPES);
    mcp = await connect(key.secret);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await platform?.stop();
    await Promise.all(Object.values(agents).map((a) => a.stop()));
    await calculator?.stop();
  });

  /** send_task, retried while the tasks subgraph has not yet heard of the new agent. */
  const sendTask = (
    client: Client,
    agent: string,
    taskText: string,
    onprogress?: (p: Progress) => void,
    timeoutSeconds?: number,
  ) =>
    waitFor('the tasks subgraph to know the agent', async () => {
      const r = await callTool(
        client,
        'send_task',
        { agentId: agentIds[agent], text: taskText, timeoutSeconds },
        onprogress,
      );
      return r.isError && text(r).startsWith('NOT_FOUND:') ? undefined : r;
    });

  it('lists the marketplace tools and finds the echo agent', async () => {
    const { tools } = await mcp.listTools();
    for (const name of [
      'search_agents',
      'get_agent',
      'send_task',
      'get_task',
      'reply_to_task',
      'cancel_task',
      'call_tool',
      'my_wallet',
    ])
      assert.ok(
        tools.some((t) => t.name === name && t.inputSchema.type === 'object'),
        name,
      );
    const found = await callTool(mcp, 'search_agents', { query: 'echo' });
    assert.ok(!found.isError, text(found));
    const { agents: hits } = found.structuredContent as {
      agents: { id: string; name: string; priceCredits: number; provider: { name: string } }[];
    };
    const echo = hits.find((a) => a.id === agentIds.echo);
    assert.ok(echo, 'search_agents finds the echo agent');
    assert.equal(echo.priceCredits, 1);
    assert.equal(echo.provider.name, 'mcp-publisher');
    assert.match(text(found), /echo/);
    const one = await callTool(mcp, 'get_agent', { id: agentIds.echo });
    assert.ok(!one.isError, text(one));
    assert.equal((one.structuredContent as { agent: { name: string } }).agent.name, 'echo');
  });

  it('hires the echo agent, waits until COMPLETED, and the wallet shows the charge', async () => {
    const progress: Progress[] = [];
    const r = await sendTask(mcp, 'echo', 'hello from mcp', (p) => progress.push(p));
    assert.ok(!r.isError, text(r));
    const t = r.structuredContent as unknown as TaskResult;
    assert.equal(t.state, 'COMPLETED', t.error ?? undefined);
    assert.deepEqual(t.messages[0], { role: 'USER', text: 'hello from mcp' });
    assert.ok(t.messages.some((m) => m.role === 'AGENT' && /hello from mcp/.test(m.text)));
    assert.deepEqual(t.artifacts, [{ name: 'echo', text: 'hello from mcp' }]);
    assert.match(text(r), /COMPLETED/);
    assert.ok(progress.length >= 1, 'progress notifications while waiting');
    assert.match(progress[0].message ?? '', new RegExp(t.taskId));

    const wallet = await waitFor('the capture', async () => {
      const w = await callTool(mcp, 'my_wallet', {});
      assert.ok(!w.isError, text(w));
      const s = w.structuredContent as { balance: number; held: number; available: number };
      return s.balance === 999 && s.held === 0 ? s : undefined;
    });
    assert.equal(wallet.available, 999);
    const again = await callTool(mcp, 'get_task', { taskId: t.taskId });
    assert.equal((again.structuredContent as unknown as TaskResult).cost, 1);
  });

  it('interviews: send_task stops at INPUT_REQUIRED, reply_to_task completes it', async () => {
    const asked = await sendTask(mcp, 'interviewer', 'interview me');
    assert.ok(!asked.isError, text(asked));
    const a = asked.structuredContent as unknown as TaskResult;
    assert.equal(a.state, 'INPUT_REQUIRED');
    assert.match(text(asked), /reply_to_task/);
    const replied = await callTool(mcp, 'reply_to_task', { taskId: a.taskId, text: 'Ada' });
    assert.ok(!replied.isError, text(replied));
    const t = replied.structuredContent as unknown as TaskResult;
    assert.equal(t.taskId, a.taskId);
    assert.equal(t.state, 'COMPLETED');
    assert.match(t.messages.at(-1)!.text, /Ada/);
    const late = await callTool(mcp, 'reply_to_task', { taskId: a.taskId, text: 'again' });
    assert.equal(late.isError, true);
    assert.match(text(late), /^CONFLICT: /);
  });

  it('bounds the wait, returns at once without it, and cancels a running task', async () => {
    const started = Date.now();
    const r = await sendTask(mcp, 'worker', 'a long job', undefined, 1);
    assert.ok(!r.isError, text(r));
    const t = r.structuredContent as unknown as TaskResult;
    assert.ok(['SUBMITTED', 'WORKING'].includes(t.state), t.state);
    assert.ok(Date.now() - started < 5_000, 'timeoutSeconds bounds the wait');
    assert.match(text(r), /get_task/);
    const quick = await callTool(mcp, 'send_task', {
      agentId: agentIds.worker,
      text: 'another',
      wait: false,
    });
    assert.ok(
      ['SUBMITTED', 'WORKING'].includes((quick.structuredContent as unknown as TaskResult).state),
    );
    for (const id of [t.taskId, (quick.structuredContent as unknown as TaskResult).taskId]) {
      const canceled = await callTool(mcp, 'cancel_task', { taskId: id });
      assert.ok(!canceled.isError, text(canceled));
      assert.equal((canceled.structuredContent as unknown as TaskResult).state, 'CANCELED');
    }
  });

  it("refuses another user's task, a key without tasks:write, and a revoked key", async () => {
    const other = await signUp('mcp-other@example.com');
    const theirs = ok(
      await gql(
        gw,
        'mutation($a: ID!) { sendTask(agentId: $a, input: {text: "mine"}) { id } }',
        { a: agentIds.echo },
        other.token,
      ),
    ).sendTask.id as string;
    const forbidden = await callTool(mcp, 'get_task', { taskId: theirs });
    assert.equal(forbidden.isError, true);
    // Another user's task does not exist for you (task(id) answers null).
    assert.match(text(forbidden), /^NOT_FOUND: /);
    const cancel = await callTool(mcp, 'cancel_task', { taskId: theirs });
    assert.match(text(cancel), /^(FORBIDDEN|CONFLICT): /);

    const readOnly = await connect(
      (await createKey(user.token, ['agents:read', 'tasks:read'])).secret,
    );
    const refused = await callTool(readOnly, 'send_task', { agentId: agentIds.echo, text: 'x' });
    assert.equal(refused.isError, true);
    assert.match(text(refused), /^FORBIDDEN: /);
    const noBilling = await callTool(readOnly, 'my_wallet', {});
    assert.match(text(noBilling), /^FORBIDDEN: /);

    const doomed = await createKey(user.token, ALL_SCOPES);
    const client = await connect(doomed.secret);
    assert.ok(!(await callTool(client, 'my_wallet', {})).isError);
    assert.equal(
      ok(
        await gql(
          gw,
          'mutation($id: ID!) { revokeApiKey(id: $id) }',
          { id: doomed.id },
          user.token,
        ),
      ).revokeApiKey,
      true,
    );
    // Stateless: every request is authenticated again, so the connected client is refused at once.
    const refusedWith401 = (err: unknown) =>
      (err as { code?: number }).code === 401 && /revoked/.test((err as Error).message);
    await assert.rejects(callTool(client, 'my_wallet', {}), refusedWith401);
    await assert.rejects(connect(doomed.secret), refusedWith401);
    const raw = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${doomed.secret}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(raw.status, 401);
    assert.match(((await raw.json()) as { error: { message: string } }).error.message, /revoked/);
  });

  it('calls an MCP tool through call_tool, and returns failures as tool results', async () => {
    const added = await waitFor('the tasks subgraph to know the calculator', async () => {
      const r = await callTool(mcp, 'call_tool', {
        serverId: calculatorId,
        name: 'add',
        arguments: { a: 20, b: 22 },
      });
      return r.isError && /^NOT_FOUND/.test(text(r)) ? undefined : r;
    });
    assert.notEqual(added.isError, true, text(added));
    assert.match(JSON.stringify(added.structuredContent ?? added.content), /42/);
    const unknown = await callTool(mcp, 'call_tool', {
      serverId: '00000000-0000-4000-8000-000000000000',
      name: 'add',
      arguments: { a: 1, b: 2 },
    });
    assert.equal(unknown.isError, true);
    assert.match(text(unknown), /^NOT_FOUND: /);
    const bad = await callTool(mcp, 'call_tool', {
      serverId: calculatorId,
      name: 'add',
      arguments: { a: 'x' },
    });
    assert.equal(bad.isError, true);
    assert.match(text(bad), /^BAD_USER_INPUT: /);
  });
});
