import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '@agentry/core';
import {
  DOCUMENTS,
  FLAKY_FAIL_MESSAGE,
  FLAKY_OOPS_MESSAGE,
  startExampleMcpServer,
  startExampleMcpServers,
  type ExampleMcpServerName,
  type RunningExampleMcpServer,
} from '@agentry/example-mcp';
import {
  connectStdioToolServer,
  connectToolServer,
  describeToolServer,
  type McpConnection,
} from '../src';
import { closedPort, deferred, rejectsWithCode, serve, until } from './helpers';

const root = path.join(__dirname, '..', '..', '..');
const dev = { allowPrivate: true };

let servers: Record<ExampleMcpServerName, RunningExampleMcpServer>;
const open: McpConnection[] = [];

/** A connection to an example server, closed after the suite. */
async function connect(name: ExampleMcpServerName): Promise<McpConnection> {
  const connection = await connectToolServer(servers[name].url, dev);
  open.push(connection);
  return connection;
}

before(async () => {
  const started = await startExampleMcpServers(undefined, { basePort: 0 });
  servers = Object.fromEntries(started.map((s) => [s.name, s])) as typeof servers;
});

after(async () => {
  await Promise.all(open.map((c) => c.close()));
  await Promise.all(Object.values(servers).map((s) => s.stop()));
});

describe('describe', () => {
  it('lists the calculator tools with their JSON input schemas and annotations', async () => {
    const d = await describeToolServer(servers.calculator.url, dev);
    assert.deepEqual(d.serverInfo, { name: 'calculator', version: '1.0.0' });
    assert.match(d.instructions ?? '', /arithmetic/);
    assert.deepEqual(
      d.tools.map((t) => t.name),
      ['add', 'multiply', 'divide'],
    );
    const add = d.tools[0];
    assert.equal(add.title, 'Add');
    assert.equal(add.description, 'Adds two numbers.');
    assert.equal(add.inputSchema.type, 'object');
    assert.deepEqual(add.inputSchema.required, ['a', 'b']);
    assert.deepEqual(
      Object.entries(add.inputSchema.properties as Record<string, { type: string }>).map(
        ([k, v]) => [k, v.type],
      ),
      [
        ['a', 'number'],
        ['b', 'number'],
      ],
    );
    assert.deepEqual(add.outputSchema?.required, ['result']);
    assert.deepEqual(add.annotations, {
      readOnlyHint: true,
      idempotentHint: true,
      openWorldHint: false,
    });
    // No resources or prompts capability: empty lists, not errors.
    assert.deepEqual([d.resources, d.resourceTemplates, d.prompts], [[], [], []]);
  });

  it('lists the docstore resources, template, tools and prompt', async () => {
    const connection = await connect('docstore');
    assert.equal(connection.description, null);
    const d = await connection.describe();
    assert.equal(connection.description, d);
    assert.deepEqual(
      d.resources.map((r) => [r.uri, r.name, r.title, r.mimeType]),
      DOCUMENTS.map((doc) => [`doc://${doc.id}`, `doc-${doc.id}`, doc.title, 'text/markdown']),
    );
    assert.deepEqual(d.resourceTemplates, [
      {
        uriTemplate: 'doc://{id}',
        name: 'doc',
        description: 'Any document by id.',
        mimeType: 'text/markdown',
      },
    ]);
    assert.deepEqual(
      d.tools.map((t) => t.name),
      ['search_docs', 'get_doc'],
    );
    assert.deepEqual(d.prompts, [
      {
        name: 'summarize',
        description: 'Asks for a three-sentence summary of one document.',
        arguments: [{ name: 'docId', description: 'The document id, e.g. "1".', required: true }],
      },
    ]);
  });

  it('lists the slow and flaky tools', async () => {
    const [slow, flaky] = await Promise.all([
      describeToolServer(servers.slow.url, dev),
      describeToolServer(servers.flaky.url, dev),
    ]);
    assert.deepEqual(
      slow.tools.map((t) => t.name),
      ['slow_count', 'hang'],
    );
    const steps = (slow.tools[0].inputSchema.properties as Record<string, unknown>).steps;
    assert.deepEqual(steps, {
      type: 'integer',
      minimum: 1,
      maximum: 50,
      description: 'How far to count.',
    });
    assert.deepEqual(
      flaky.tools.map((t) => t.name),
      ['fail', 'oops'],
    );
  });
});

describe('callTool', () => {
  it('returns text and structuredContent', async () => {
    const calc = await connect('calculator');
    assert.deepEqual(await calc.callTool('add', { a: 2, b: 3 }), {
      isError: false,
      content: [{ kind: 'TEXT', text: '2 + 3 = 5' }],
      structuredContent: { result: 5 },
    });
    assert.deepEqual((await calc.callTool('multiply', { a: 4, b: 2.5 })).structuredContent, {
      result: 10,
    });
  });

  it('returns a tool error (isError) as a result, not an exception', async () => {
    const calc = await connect('calculator');
    const result = await calc.callTool('divide', { a: 1, b: 0 });
    assert.equal(result.isError, true);
    assert.equal(result.structuredContent, undefined);
    assert.match(result.content[0].text ?? '', /Cannot divide 1 by zero/);

    const flaky = await connect('flaky');
    assert.deepEqual(await flaky.callTool('oops', {}), {
      isError: true,
      content: [{ kind: 'TEXT', text: FLAKY_OOPS_MESSAGE }],
    });
  });

  it('maps a JSON-RPC error from a failing tool to TOOL_UNREACHABLE with the server message', async () => {
    const flaky = await connect('flaky');
    const err = await rejectsWithCode(
      flaky.callTool('fail', {}),
      ErrorCode.TOOL_UNREACHABLE,
      /failed tool "fail": The flaky server failed on purpose\.$/,
    );
    assert.ok(err.message.includes(FLAKY_FAIL_MESSAGE));
    assert.equal(err.extensions.mcpErrorCode, -32603);
  });

  it('refuses an unknown tool with BAD_USER_INPUT naming the tools there are', async () => {
    const calc = await connect('calculator');
    await rejectsWithCode(
      calc.callTool('sqrt', { a: 4 }),
      ErrorCode.BAD_USER_INPUT,
      /has no tool "sqrt"\. Its tools: add, multiply, divide\.$/,
    );
  });

  it('refuses arguments the input schema refuses, with readable errors', async () => {
    const calc = await connect('calculator');
    const err = await rejectsWithCode(
      calc.callTool('add', { a: 'one' }),
      ErrorCode.BAD_USER_INPUT,
      /^Invalid arguments for tool "add": /,
    );
    assert.deepEqual(err.extensions.errors, [
      "arguments must have required property 'b'",
      '/a must be number',
    ]);
  });

  it('maps the MCP content kinds: resource links and embedded resources', async () => {
    const docs = await connect('docstore');
    const search = await docs.callTool('search_docs', { query: 'CREDITS' });
    assert.deepEqual(search.content, [
      { kind: 'TEXT', text: '1 document(s) match "CREDITS".' },
      {
        kind: 'RESOURCE_LINK',
        uri: 'doc://2',
        name: 'Credits and billing',
        mimeType: 'text/markdown',
      },
    ]);
    assert.deepEqual(search.structuredContent, {
      matches: [{ id: '2', uri: 'doc://2', title: 'Credits and billing' }],
    });
    const doc = await docs.callTool('get_doc', { id: '3' });
    assert.deepEqual(doc.content, [
      {
        kind: 'RESOURCE',
        uri: 'doc://3',
        mimeType: 'text/markdown',
        resource: { uri: 'doc://3', mimeType: 'text/markdown', text: DOCUMENTS[2].body },
      },
    ]);
  });
});

describe('readResource', () => {
  it('reads doc://1', async () => {
    const docs = await connect('docstore');
    assert.deepEqual(await docs.readResource('doc://1'), [
      { uri: 'doc://1', mimeType: 'text/markdown', text: DOCUMENTS[0].body },
    ]);
  });

  it('maps the server refusing a URI to BAD_USER_INPUT and a missing document to NOT_FOUND', async () => {
    const docs = await connect('docstore');
    // No resource or template matches: the SDK's server answers InvalidParams (-32602).
    const refused = await rejectsWithCode(
      docs.readResource('file:///etc/passwd'),
      ErrorCode.BAD_USER_INPUT,
      /refused resource file:\/\/\/etc\/passwd: Resource file:\/\/\/etc\/passwd not found$/,
    );
    assert.equal(refused.extensions.mcpErrorCode, -32602);
    // The template matches, the document does not exist: the spec's -32002.
    await rejectsWithCode(
      docs.readResource('doc://9'),
      ErrorCode.NOT_FOUND,
      /There is no document 9\.$/,
    );
  });
});

describe('timeouts and progress', () => {
  it('reports progress once per step', async () => {
    const slow = await connect('slow');
    const seen: unknown[] = [];
    const result = await slow.callTool(
      'slow_count',
      { steps: 4, stepMs: 10 },
      { onProgress: (p) => seen.push(p) },
    );
    assert.deepEqual(result.content, [{ kind: 'TEXT', text: 'counted 4' }]);
    assert.deepEqual(
      seen,
      [1, 2, 3, 4].map((n) => ({ progress: n, total: 4, message: `step ${n} of 4` })),
    );
  });

  it('lets progress extend a timeoutMs shorter than the whole call', async () => {
    const slow = await connect('slow');
    const started = Date.now();
    // 8 steps of 150 ms (1.2 s in all) against a 600 ms silence limit.
    const result = await slow.callTool('slow_count', { steps: 8, stepMs: 150 }, { timeoutMs: 600 });
    assert.deepEqual(result.content, [{ kind: 'TEXT', text: 'counted 8' }]);
    assert.ok(Date.now() - started >= 1200);
  });

  it('cuts a call at maxTotalTimeoutMs even while progress keeps coming', async () => {
    const slow = await connect('slow');
    const started = Date.now();
    await rejectsWithCode(
      slow.callTool(
        'slow_count',
        { steps: 50, stepMs: 100 },
        { timeoutMs: 1000, maxTotalTimeoutMs: 500 },
      ),
      ErrorCode.TIMEOUT,
      /did not finish tool "slow_count" within 500 ms in total/,
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 450 && elapsed < 3000, `cut after ${elapsed} ms`);
  });

  it('cuts a tool that never answers at timeoutMs', async () => {
    const slow = await connect('slow');
    const started = Date.now();
    await rejectsWithCode(
      slow.callTool('hang', {}, { timeoutMs: 300 }),
      ErrorCode.TIMEOUT,
      /did not finish tool "hang" within 300 ms; the call was cut\.$/,
    );
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 280 && elapsed < 3000, `cut after ${elapsed} ms`);
    // The connection still works afterwards.
    assert.equal((await slow.listTools()).length, 2);
  });

  it('closes the stream of a call it gave up on, so a stateless server stops the work', async () => {
    const server = await startExampleMcpServer('slow');
    const slow = await connectToolServer(server.url, dev);
    try {
      await rejectsWithCode(slow.callTool('hang', {}, { timeoutMs: 200 }), ErrorCode.TIMEOUT);
      await until(() => server.openRequests() === 0, 3000);
      const controller = new AbortController();
      const call = slow.callTool('hang', {}, { signal: controller.signal }).catch(() => {});
      await until(() => server.openRequests() === 1, 3000);
      controller.abort();
      await call;
      await until(() => server.openRequests() === 0, 3000);
    } finally {
      await slow.close();
      await server.stop();
    }
  });

  it('rejects with the signal reason when the caller aborts', async () => {
    const slow = await connect('slow');
    const controller = new AbortController();
    const reason = new Error('user went away');
    const call = slow.callTool('hang', {}, { signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(call, (err) => err === reason);
    await assert.rejects(
      slow.callTool('hang', {}, { signal: controller.signal }),
      (err) => err === reason,
    );
  });

  it('fails at once with TOOL_UNREACHABLE when the server goes away mid-call', async () => {
    const server = await startExampleMcpServer('slow');
    const slow = await connectToolServer(server.url, dev);
    try {
      const running = deferred();
      const call = slow.callTool(
        'slow_count',
        { steps: 50, stepMs: 200 },
        { timeoutMs: 20_000, onProgress: () => running.resolve() },
      );
      await running.promise;
      const started = Date.now();
      await server.stop();
      await rejectsWithCode(
        call,
        ErrorCode.TOOL_UNREACHABLE,
        /the connection closed during tool "slow_count"/,
      );
      assert.ok(Date.now() - started < 3000);
    } finally {
      await slow.close();
      await server.stop();
    }
  });
});

describe('unreachable servers', () => {
  it('TOOL_UNREACHABLE when nothing listens', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/mcp`;
    await rejectsWithCode(
      connectToolServer(url, dev),
      ErrorCode.TOOL_UNREACHABLE,
      new RegExp(`^The tool server at ${url} did not answer: .*ECONNREFUSED`),
    );
  });

  it('TOOL_UNREACHABLE for an HTTP server that is not an MCP server', async () => {
    const html = await serve((req, res) => {
      res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body><h1>Welcome</h1></body></html>');
    });
    try {
      await rejectsWithCode(
        connectToolServer(`${html.url}/`, dev),
        ErrorCode.TOOL_UNREACHABLE,
        /did not answer: Unexpected content type: text\/html/,
      );
      // The status says what failed; the page itself is never echoed.
      await rejectsWithCode(
        connectToolServer(`${html.url}/mcp`, dev),
        ErrorCode.TOOL_UNREACHABLE,
        /did not answer: it answered HTTP 404 \(the initialize handshake\)\.$/,
      );
    } finally {
      await html.close();
    }
  });

  it('TOOL_UNREACHABLE when the server redirects, without following', async () => {
    const target = await serve((_req, res) => res.end());
    const redirect = await serve((_req, res) => {
      res.writeHead(307, { location: `${target.url}/mcp` });
      res.end();
    });
    try {
      await rejectsWithCode(
        connectToolServer(`${redirect.url}/mcp`, dev),
        ErrorCode.TOOL_UNREACHABLE,
        /redirect \(HTTP 307\)/,
      );
      assert.equal(target.requests().length, 0);
    } finally {
      await Promise.all([target.close(), redirect.close()]);
    }
  });

  it('refuses private addresses unless allowPrivate, without connecting', async () => {
    const probe = await serve((_req, res) => res.end());
    try {
      for (const options of [undefined, { allowPrivate: false }]) {
        await rejectsWithCode(
          connectToolServer(`${probe.url}/mcp`, options),
          ErrorCode.BAD_USER_INPUT,
          /resolves to a private address: 127\.0\.0\.1 \(loopback\)/,
        );
      }
      await rejectsWithCode(describeToolServer(`${probe.url}/mcp`), ErrorCode.BAD_USER_INPUT);
      assert.equal(probe.connections(), 0);
    } finally {
      await probe.close();
    }
  });

  it('refuses URLs that are not http(s) URLs with BAD_USER_INPUT', async () => {
    await rejectsWithCode(connectToolServer('not a url', dev), ErrorCode.BAD_USER_INPUT);
    await rejectsWithCode(
      connectToolServer('ftp://127.0.0.1/mcp', dev),
      ErrorCode.BAD_USER_INPUT,
      /must use http or https/,
    );
  });

  it('sends the configured headers with every request', async () => {
    const probe = await serve((_req, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('no');
    });
    try {
      await rejectsWithCode(
        connectToolServer(`${probe.url}/mcp`, { ...dev, headers: { authorization: 'Bearer t0k' } }),
        ErrorCode.TOOL_UNREACHABLE,
        /HTTP 401/,
      );
      assert.equal(probe.requests()[0].headers.authorization, 'Bearer t0k');
    } finally {
      await probe.close();
    }
  });
});

describe('stdio', () => {
  const stdioScript = path.join(root, 'examples', 'mcp', 'src', 'stdio.ts');
  const register = path.join(root, 'scripts', 'register.js');

  it('runs the calculator as a child process', { timeout: 30_000 }, async () => {
    const calc = await connectStdioToolServer(
      process.execPath,
      ['-r', register, stdioScript, 'calculator'],
      { timeoutMs: 20_000 },
    );
    try {
      const d = await calc.describe();
      assert.equal(d.serverInfo.name, 'calculator');
      assert.deepEqual(
        d.tools.map((t) => t.name),
        ['add', 'multiply', 'divide'],
      );
      assert.deepEqual((await calc.callTool('add', { a: 40, b: 2 })).structuredContent, {
        result: 42,
      });
      assert.equal((await calc.callTool('divide', { a: 1, b: 0 })).isError, true);
    } finally {
      await calc.close();
      await calc.close();
    }
  });

  it('TOOL_UNREACHABLE, with its stderr, for a process that is no MCP server', async () => {
    await rejectsWithCode(
      connectStdioToolServer(process.execPath, [
        '-e',
        'console.error("no MCP here"); process.exit(3)',
      ]),
      ErrorCode.TOOL_UNREACHABLE,
      /did not answer: .*stderr: no MCP here$/,
    );
    await rejectsWithCode(
      connectStdioToolServer(path.join(root, 'no-such-command'), []),
      ErrorCode.TOOL_UNREACHABLE,
      /ENOENT/,
    );
  });
});
