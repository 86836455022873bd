import http from 'node:http';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SignJWT } from 'jose';
import { freePort, startService, type ServiceProcess } from '@agentry/devstack';
import { testSecrets } from '@agentry/testing';
import { SUBGRAPH_NAMES, subgraphUrlKey } from '../src/env';
import { taskText, toolContent, toTaskResult } from '../src/mcp/results';

const TOOLS = [
  'call_tool',
  'cancel_task',
  'get_agent',
  'get_task',
  'my_wallet',
  'reply_to_task',
  'search_agents',
  'send_task',
];

/**
 * /mcp on the gateway alone: every subgraph URL points at a closed port, so the tools' GraphQL
 * fails the way it does when a subgraph is down, and session tokens need no users subgraph.
 */
describe('gateway /mcp', { timeout: 120_000 }, () => {
  let gw: ServiceProcess;
  let mcpUrl: string;
  let token: string;
  const clients: Client[] = [];

  before(async () => {
    const secrets = await testSecrets();
    const closed = `http://127.0.0.1:${await freePort()}/graphql`;
    gw = await startService({
      name: 'gateway',
      entry: 'gateway/src/index.ts',
      port: await freePort(),
      env: {
        ...process.env,
        NODE_ENV: 'test',
        SESSION_TOKEN_SECRET: secrets.sessionTokenSecret,
        GATEWAY_IDENTITY_PRIVATE_KEY: secrets.identity.privateKeyPem,
        ...Object.fromEntries(SUBGRAPH_NAMES.map((n) => [subgraphUrlKey(n), closed])),
      },
      readyPath: '/ready',
    });
    mcpUrl = `${gw.baseUrl}/mcp`;
    token = await new SignJWT({ roles: ['USER'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('agentry-users')
      .setAudience('agentry')
      .setSubject(randomUUID())
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(secrets.sessionTokenSecret));
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await gw?.stop();
  });

  async function connect(credential = token) {
    const client = new Client({ name: 'gateway-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${credential}` } },
      }),
    );
    clients.push(client);
    return client;
  }

  const initialize = (authorization?: string) =>
    fetch(mcpUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(authorization && { authorization }),
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      }),
    });

  const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

  it('answers 401 with a JSON-RPC error without a credential or with a bad one', async () => {
    const metadata = `${gw.baseUrl}/.well-known/oauth-protected-resource/mcp`;
    for (const authorization of [undefined, 'Bearer garbage.not.a.jwt', 'Basic dXNlcjpwYXNz']) {
      const res = await initialize(authorization);
      assert.equal(res.status, 401, String(authorization));
      const challenge = res.headers.get('www-authenticate') ?? '';
      const body = (await res.json()) as {
        jsonrpc: string;
        error: { code: number; message: string };
      };
      assert.equal(body.jsonrpc, '2.0');
      assert.equal(typeof body.error.code, 'number');
      assert.ok(body.error.message.length > 0);
      // The MCP authorization spec's challenge: where the metadata is, and why the token failed.
      assert.match(challenge, /^Bearer /);
      assert.ok(challenge.includes(`resource_metadata="${metadata}"`), challenge);
      if (authorization === undefined) {
        assert.doesNotMatch(challenge, /error=/, 'no error when no credential was sent');
      } else {
        const code = authorization.startsWith('Bearer') ? 'invalid_token' : 'invalid_request';
        assert.ok(challenge.includes(`error="${code}"`), challenge);
        const description = /error_description="([^"]*)"/.exec(challenge)?.[1];
        assert.ok(description && description.length > 0, challenge);
        assert.equal(description, body.error.message.replace(/"/g, "'"));
      }
    }
    const forged = await new SignJWT({ roles: ['ADMIN'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('agentry-users')
      .setAudience('agentry')
      .setSubject(randomUUID())
      .sign(new TextEncoder().encode('x'.repeat(32)));
    const refused = await initialize(`Bearer ${forged}`);
    assert.equal(refused.status, 401, 'wrong signing secret');
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('serves RFC 9728 protected-resource metadata at both well-known paths', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      const res = await fetch(`${gw.baseUrl}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const doc = (await res.json()) as Record<string, any>;
      assert.equal(doc.resource, mcpUrl);
      assert.deepEqual(doc.authorization_servers, []);
      assert.deepEqual(doc.bearer_methods_supported, ['header']);
      assert.ok(doc.scopes_supported.includes('tools:call'));
      assert.equal(doc.agentry_bearer_tokens.api_keys_accepted, true);
      assert.match(doc.agentry_bearer_tokens.how_to_get, /createApiKey/);
    }
    // The resource is named by the origin the client used (Host), not a fixed one. (fetch may
    // not set Host, so plain http.)
    const port = Number(new URL(gw.baseUrl).port);
    const other = await new Promise<string>((resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port,
            path: '/.well-known/oauth-protected-resource',
            headers: { host: 'agentry.example:4000' },
          },
          (res) => {
            let data = '';
            res.on('data', (c) => (data += c));
            res.on('end', () => resolve(data));
          },
        )
        .on('error', reject);
    });
    assert.equal(
      (JSON.parse(other) as { resource: string }).resource,
      'http://agentry.example:4000/mcp',
    );
  });

  it('is stateless: GET and DELETE answer 405; bad bodies answer JSON-RPC errors', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(mcpUrl, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      });
      assert.equal(res.status, 405, method);
      assert.equal(((await res.json()) as { jsonrpc: string }).jsonrpc, '2.0');
    }
    const post = (body: string) =>
      fetch(mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body,
      });
    const malformed = await post('{"jsonrpc": ');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: number } }).error.code, -32700);
    const huge = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', x: 'y'.repeat(1_100_000) }),
    );
    assert.equal(huge.status, 413);
    assert.equal((await initialize(`Bearer ${token}`)).status, 200, 'a valid session token passes');
  });

  it('lists every marketplace tool with its input schema to an SDK client', async () => {
    const client = await connect();
    assert.equal(client.getServerVersion()?.name, 'agentry');
    assert.equal(client.getServerVersion()?.version, require('../../package.json').version);
    assert.match(client.getInstructions() ?? '', /send_task/);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.ok(t.description, t.name);
      assert.ok(t.outputSchema, t.name);
    }
    const send = byName.send_task.inputSchema as any;
    assert.deepEqual([...send.required].sort(), ['agentId', 'text']);
    assert.equal(send.properties.wait.type, 'boolean');
    assert.equal(send.properties.timeoutSeconds.maximum, 300);
    assert.equal((byName.search_agents.inputSchema as any).properties.first.maximum, 50);
    assert.equal(byName.call_tool.inputSchema.properties!.arguments && true, true);
    assert.equal(byName.search_agents.annotations?.readOnlyHint, true);
    assert.equal(byName.my_wallet.annotations?.readOnlyHint, true);
    assert.equal(byName.send_task.annotations?.readOnlyHint, false);
  });

  it('turns a GraphQL failure (subgraph down, unknown field) into an isError result with a code', async () => {
    const client = await connect();
    const wallet = (await client.callTool({ name: 'my_wallet', arguments: {} })) as CallToolResult;
    assert.equal(wallet.isError, true);
    // A subgraph that is down is an outage, not a bug: coded and retryable, as for GraphQL clients.
    assert.match(text(wallet), /^SERVICE_UNAVAILABLE: .*try again in \d+ s\.$/);
    assert.equal(wallet.structuredContent, undefined);

    const search = (await client.callTool({
      name: 'search_agents',
      arguments: { query: 'echo' },
    })) as CallToolResult;
    assert.equal(search.isError, true);
    assert.match(text(search), /^SERVICE_UNAVAILABLE: /);

    // callTool is being added to the supergraph: before, validation fails; after, the subgraph is down.
    const tool = (await client.callTool({
      name: 'call_tool',
      arguments: { serverId: randomUUID(), name: 'add', arguments: { a: 1 } },
    })) as CallToolResult;
    assert.equal(tool.isError, true);
    assert.match(text(tool), /^(GRAPHQL_VALIDATION_FAILED|SERVICE_UNAVAILABLE): /);

    const both = (await client.callTool({
      name: 'get_agent',
      arguments: { id: 'a', slug: 'b' },
    })) as CallToolResult;
    assert.equal(both.isError, true);
    assert.match(text(both), /^BAD_USER_INPUT: /);

    const tooMany = (await client.callTool({
      name: 'search_agents',
      arguments: { first: 500 },
    })) as CallToolResult;
    assert.equal(tooMany.isError, true, 'the input schema bounds first');
    assert.match(text(tooMany), /first/);

    // The server is still there after all of it.
    assert.equal((await client.listTools()).tools.length, TOOLS.length);
  });
});

describe('MCP result shaping', () => {
  it("maps callTool's content kinds to MCP content blocks", () => {
    const item = { text: null, data: null, mimeType: null, uri: null };
    const blocks = toolContent({
      isError: false,
      durationMs: 3,
      structuredContent: { sum: 3 },
      content: [
        { ...item, kind: 'TEXT', text: '3' },
        { ...item, kind: 'IMAGE', data: 'iVBORw0=', mimeType: 'image/png' },
        { ...item, kind: 'RESOURCE_LINK', uri: 'file:///a.txt', mimeType: 'text/plain' },
        { ...item, kind: 'RESOURCE', uri: 'file:///b.txt', text: 'b' },
      ],
    });
    assert.deepEqual(blocks, [
      { type: 'text', text: '3' },
      { type: 'image', data: 'iVBORw0=', mimeType: 'image/png' },
      {
        type: 'resource_link',
        uri: 'file:///a.txt',
        name: 'file:///a.txt',
        mimeType: 'text/plain',
      },
      { type: 'resource', resource: { uri: 'file:///b.txt', text: 'b' } },
    ]);
    const onlyStructured = toolContent({
      isError: false,
      durationMs: 1,
      structuredContent: { ok: true },
      content: [],
    });
    assert.deepEqual(onlyStructured, [{ type: 'text', text: '{"ok":true}' }]);
  });

  it('shapes a task with its artifacts as text, data as JSON', () => {
    const t = toTaskResult({
      id: 't1',
      state: 'COMPLETED',
      error: null,
      cost: 1,
      messages: [{ role: 'USER', text: 'hi' }],
      artifacts: [
        {
          artifactId: 'a1',
          name: null,
          parts: [
            { kind: 'TEXT', text: 'line', data: null },
            { kind: 'DATA', text: null, data: { n: 1 } },
          ],
        },
      ],
    });
    assert.deepEqual(t.artifacts, [{ name: 'a1', text: 'line\n{"n":1}' }]);
    assert.match(taskText(t), /^Task t1: COMPLETED\nCost: 1 credits\./);
  });
});
