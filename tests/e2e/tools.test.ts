import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { startPlatform, type Platform } from '@agentry/devstack';
import { startExampleMcpServer } from '@agentry/example-mcp';
import { codes, gql, ok, testDatabase, testSecrets } from '@agentry/testing';
import { waitFor } from '@agentry/testing';

/**
 * MCP tool servers through the whole platform: registered in the agents subgraph, called from
 * the tasks subgraph with schema checks, access control, timeouts and metering, charged once.
 */
describe('MCP tools through the gateway', { timeout: 240_000 }, () => {
  let platform: Platform;
  let db: Client;
  let gw: string;
  const servers: { stop(): Promise<void> }[] = [];
  let publisher: { token: string; id: string };
  let user: { token: string; id: string };
  let calculator: string;
  let slow: string;
  let docstore: string;

  async function signUp(email: string, publisherRole = false) {
    const d = ok(
      await gql(gw, 'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }', {
        i: { email, password: 'long enough', name: email.split('@')[0], publisher: publisherRole },
      }),
    );
    return { token: d.signUp.token as string, id: d.signUp.user.id as string };
  }

  const register = async (url: string, name: string, extra: Record<string, unknown> = {}) =>
    ok(
      await gql(
        gw,
        'mutation($i: RegisterToolServerInput!) { registerToolServer(input: $i) { id tools { name } } }',
        { i: { url, name, ...extra } },
        publisher.token,
      ),
    ).registerToolServer as { id: string; tools: { name: string }[] };

  const call = (serverId: string, name: string, args: unknown, token = user.token) =>
    gql(
      gw,
      `mutation($s: ID!, $n: String!, $a: JSON) { callTool(serverId: $s, name: $n, arguments: $a) {
        invocationId isError content { kind text } structuredContent durationMs costCredits } }`,
      { s: serverId, n: name, a: args },
      token,
    );

  /** callTool until the tasks subgraph has caught up with the agents subgraph's grants. */
  const callWhenKnown = (serverId: string, name: string, args: unknown, token = user.token) =>
    waitFor(`the tasks subgraph to learn about ${name}`, async () => {
      const r = await call(serverId, name, args, token);
      return ['NOT_FOUND', 'FORBIDDEN'].includes(codes(r)[0]) ? undefined : r;
    });

  const invocations = async () =>
    (await db.query('SELECT count(*)::int AS n FROM tasks.tool_invocations')).rows[0].n as number;

  before(async () => {
    const calc = await startExampleMcpServer('calculator', { port: 0 });
    const slowServer = await startExampleMcpServer('slow', { port: 0 });
    const docs = await startExampleMcpServer('docstore', { port: 0 });
    servers.push(calc, slowServer, docs);
    const databaseUrl = await testDatabase('e2e_tools');
    platform = await startPlatform({
      databaseUrl,
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn' },
      serviceEnv: { tasks: { TOOL_CALL_TIMEOUT_MS: '1000', TOOL_CALL_MAX_TOTAL_MS: '3000' } },
    });
    gw = platform.gatewayUrl;
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    publisher = await signUp('toolsmith@example.com', true);
    user = await signUp('caller@example.com');
    calculator = (await register(calc.url, 'Calculator', { priceCredits: 2 })).id;
    slow = (await register(slowServer.url, 'Slow tools', { public: true })).id;
    docstore = (await register(docs.url, 'Docs', { public: true })).id;
  });
  after(async () => {
    await db?.end();
    await platform?.stop();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('keeps a private server hidden and uncallable until access is granted, then both work', async () => {
    const hidden = await gql(
      gw,
      'query($id: ID!) { toolServer(id: $id) { tools { name } } }',
      { id: calculator },
      user.token,
    );
    assert.deepEqual(hidden.data?.toolServer?.tools ?? [], []);
    const before = await invocations();
    assert.deepEqual(codes(await call(calculator, 'add', { a: 1, b: 2 })), ['FORBIDDEN']);
    ok(
      await gql(
        gw,
        'mutation($s: ID!, $u: ID!) { grantToolAccess(serverId: $s, userId: $u, tools: ["add"]) { id } }',
        { s: calculator, u: user.id },
        publisher.token,
      ),
    );
    const visible = ok(
      await gql(
        gw,
        'query($id: ID!) { toolServer(id: $id) { tools { name inputSchema } } }',
        { id: calculator },
        user.token,
      ),
    );
    assert.deepEqual(
      visible.toolServer.tools.map((t: any) => t.name),
      ['add'],
    );
    assert.equal(visible.toolServer.tools[0].inputSchema.type, 'object');
    const added = ok(await callWhenKnown(calculator, 'add', { a: 2, b: 3 })).callTool;
    assert.equal(added.isError, false);
    assert.match(added.content.map((c: any) => c.text).join(' '), /5/);
    assert.equal(added.costCredits, 2);
    assert.deepEqual(
      codes(await call(calculator, 'multiply', { a: 2, b: 3 })),
      ['FORBIDDEN'],
      'only the granted tool',
    );
    assert.equal(await invocations(), before + 1, 'refused calls are not invocations');
    await waitFor('the charge', async () => {
      const w = ok(await gql(gw, '{ me { wallet { balance held } } }', {}, user.token)).me.wallet;
      return w.balance === 998 && w.held === 0 ? true : undefined;
    });
  });

  it('refuses arguments that break the input schema before calling, and records nothing', async () => {
    const before = await invocations();
    const bad = await call(calculator, 'add', { a: 'two', b: 3 });
    assert.deepEqual(codes(bad), ['BAD_USER_INPUT']);
    assert.match(bad.errors![0].message, /schema/);
    assert.deepEqual(codes(await call(calculator, 'add', { a: 1 })), ['BAD_USER_INPUT']);
    // Inline literals reach the same schema check (not class-validator's generic refusal).
    const inline = await gql(
      gw,
      `mutation { callTool(serverId: "${calculator}", name: "add", arguments: {a: "two", b: 3}) { isError } }`,
      {},
      user.token,
    );
    assert.deepEqual(codes(inline), ['BAD_USER_INPUT']);
    assert.match(inline.errors![0].message, /\/a must be number/);
    assert.equal(await invocations(), before);
  });

  it('cuts a hanging tool at the timeout with a coded error and records the invocation', async () => {
    const before = await invocations();
    const started = Date.now();
    const hung = await callWhenKnown(slow, 'hang', {});
    assert.deepEqual(codes(hung), ['TIMEOUT']);
    assert.ok(Date.now() - started < 10_000, 'bounded');
    const [row] = (
      await db.query(`SELECT outcome FROM tasks.tool_invocations ORDER BY started_at DESC LIMIT 1`)
    ).rows;
    assert.equal(row.outcome, 'TIMEOUT');
    assert.equal(await invocations(), before + 1);
  });

  it('reads resources and reports Tool.stats from the recorded calls', async () => {
    const docs = ok(
      await waitFor('the docstore', async () => {
        const r = await gql(
          gw,
          'query($s: ID!) { readResource(serverId: $s, uri: "doc://1") { uri mimeType text } }',
          { s: docstore },
          user.token,
        );
        return codes(r)[0] === 'NOT_FOUND' ? undefined : r;
      }),
    );
    assert.equal(docs.readResource[0].uri, 'doc://1');
    assert.ok(docs.readResource[0].text.length > 0);
    for (let i = 0; i < 3; i++) ok(await call(calculator, 'add', { a: i, b: i }));
    const stats = ok(
      await gql(
        gw,
        'query($id: ID!) { toolServer(id: $id) { tools { name stats { calls errors p50Ms p95Ms } } } }',
        { id: calculator },
        user.token,
      ),
    ).toolServer.tools[0].stats;
    assert.equal(stats.calls, 4);
    assert.equal(stats.errors, 0);
    assert.ok(stats.p50Ms >= 0 && stats.p95Ms >= stats.p50Ms);
    const slowStats = ok(
      await gql(
        gw,
        'query($id: ID!) { toolServer(id: $id) { tools { name stats { calls errors } } } }',
        { id: slow },
        user.token,
      ),
    ).toolServer.tools.find((t: any) => t.name === 'hang').stats;
    assert.deepEqual(slowStats, { calls: 1, errors: 1 });
  });
});
