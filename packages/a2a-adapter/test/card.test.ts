import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '@agentry/core';
import { startExampleAgents, type RunningExampleAgent } from '@agentry/example-agents';
import { agentCardUrl, parseAgentCard, resolveAgentCard, type AgentCardInfo } from '../src';
import { closedPort, rejectsWithCode, serve } from './helpers';

const dev = { allowPrivate: true };

describe('resolveAgentCard against the example agents', () => {
  let agents: RunningExampleAgent[] = [];
  before(async () => {
    agents = await startExampleAgents(undefined, { basePort: 0 });
  });
  after(() => Promise.all(agents.map((a) => a.stop())));

  const byName = (name: string) => agents.find((a) => a.name === name)!;

  it('maps every card to the registry fields', async () => {
    const expected: Record<string, { name: string; streaming: boolean; skill: string }> = {
      echo: { name: 'Echo', streaming: true, skill: 'echo' },
      worker: { name: 'Worker', streaming: true, skill: 'work' },
      interviewer: { name: 'Interviewer', streaming: true, skill: 'greet' },
      failing: { name: 'Failing', streaming: true, skill: 'fail' },
      slowpoke: { name: 'Slowpoke', streaming: false, skill: 'ponder' },
      recap: { name: 'Recap', streaming: true, skill: 'recap' },
      broken: { name: 'Broken', streaming: true, skill: 'break' },
    };
    for (const agent of agents) {
      const card = await resolveAgentCard(agent.url, dev);
      const want = expected[agent.name];
      assert.equal(card.name, want.name);
      assert.equal(card.url, agent.rpcUrl, 'the JSONRPC URL is the real listening URL');
      assert.equal(card.version, '1.0.0');
      assert.ok(card.description.length > 0);
      assert.deepEqual(card.capabilities, {
        streaming: want.streaming,
        pushNotifications: false,
        stateTransitionHistory: false,
      });
      assert.deepEqual(card.interfaces, [
        { url: agent.rpcUrl, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
      ]);
      assert.equal(card.protocolVersion, '1.0');
      assert.equal(card.skills[0].id, want.skill);
      assert.deepEqual(card.defaultInputModes, ['text/plain']);
      assert.equal(card.providerOrganization, 'Agentry examples');
    }
  });

  it('gives the whole mapping for the worker', async () => {
    const card = await resolveAgentCard(byName('worker').cardUrl, dev);
    assert.deepEqual(card.skills, [
      {
        id: 'work',
        name: 'Long job',
        description: 'Runs a multi-step job and streams a report; can be canceled.',
        tags: ['long-running', 'progress', 'demo'],
        examples: ['compile the quarterly numbers'],
      },
    ] satisfies AgentCardInfo['skills']);
    assert.equal(card.documentationUrl, undefined);
  });

  it('accepts the base URL with or without a trailing slash, or the card URL', async () => {
    const echo = byName('echo');
    for (const url of [echo.url, `${echo.url}/`, echo.cardUrl]) {
      assert.equal((await resolveAgentCard(url, dev)).name, 'Echo');
    }
  });

  it('refuses the loopback agent in production mode without connecting', async () => {
    const echo = byName('echo');
    await rejectsWithCode(
      resolveAgentCard(echo.url, { allowPrivate: false }),
      ErrorCode.BAD_USER_INPUT,
      /resolves to a private address/,
    );
  });
});

describe('resolveAgentCard failures', () => {
  const good = {
    name: 'Good',
    description: 'A fine agent.',
    version: '1',
    supportedInterfaces: [{ url: 'http://127.0.0.1:1/rpc', protocolBinding: 'JSONRPC' }],
    skills: [{ id: 's', name: 'S', tags: ['Machine Learning', 'camelCase', 'ml'] }],
  };

  it('normalizes tags and defaults what the card leaves out', () => {
    const info = parseAgentCard(good, 'http://x/card.json');
    assert.deepEqual(info.skills[0], {
      id: 's',
      name: 'S',
      description: '',
      tags: ['machine-learning', 'camel-case', 'ml'],
      examples: [],
    });
    assert.deepEqual(info.capabilities, {
      streaming: false,
      pushNotifications: false,
      stateTransitionHistory: false,
    });
    assert.equal(info.url, 'http://127.0.0.1:1/rpc');
  });

  it('refuses invalid cards with BAD_USER_INPUT saying what is wrong', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['/no-name', { ...good, name: undefined }, /invalid: name is missing\.$/],
      ['/blank-name', { ...good, name: '   ' }, /name must not be empty/],
      [
        '/long-name',
        { ...good, name: 'n'.repeat(101) },
        /name is 101 characters long; the limit is 100/,
      ],
      ['/long-description', { ...good, description: 'd'.repeat(2001) }, /description is 2001/],
      ['/long-version', { ...good, version: 'v'.repeat(51) }, /version is 51/],
      [
        '/many-skills',
        { ...good, skills: Array.from({ length: 51 }, (_, i) => ({ id: `s${i}`, name: 'S' })) },
        /51 skills; the limit is 50/,
      ],
      ['/skill-without-name', { ...good, skills: [{ id: 'x' }] }, /skills\.0\.name/],
      ['/bad-tag', { ...good, skills: [{ id: 's', name: 'S', tags: ['!!!'] }] }, /tag "!!!"/],
      [
        '/long-tag',
        { ...good, skills: [{ id: 's', name: 'S', tags: ['t'.repeat(31)] }] },
        /is not a tag/,
      ],
      [
        '/no-jsonrpc',
        { ...good, supportedInterfaces: [{ url: 'http://x', protocolBinding: 'GRPC' }] },
        /no JSONRPC interface/,
      ],
      ['/no-interfaces', { ...good, supportedInterfaces: [] }, /at least one interface/],
      [
        '/ftp-interface',
        { ...good, supportedInterfaces: [{ url: 'ftp://x', protocolBinding: 'JSONRPC' }] },
        /not an http\(s\) URL/,
      ],
      [
        '/v2',
        {
          ...good,
          supportedInterfaces: [
            { url: 'http://x', protocolBinding: 'JSONRPC', protocolVersion: '2.0' },
          ],
        },
        /speak A2A 2\.0; Agentry speaks A2A 1\.0 and 0\.3/,
      ],
      [
        '/v03-without-name',
        { description: 'd', version: '1', url: 'http://x', protocolVersion: '0.3.0', skills: [] },
        /invalid/,
      ],
      ['/array', [1, 2], /invalid/],
    ];
    const bodies = new Map(cases.map(([path, body]) => [`${path}.json`, JSON.stringify(body)]));
    bodies.set('/not-json.json', '{"name": ');
    const server = await serve((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(bodies.get(req.url ?? '') ?? '{}');
    });
    try {
      for (const [path, , pattern] of cases) {
        const url = `${server.url}${path}.json`;
        await rejectsWithCode(resolveAgentCard(url, dev), ErrorCode.BAD_USER_INPUT, pattern);
      }
      await rejectsWithCode(
        resolveAgentCard(`${server.url}/not-json.json`, dev),
        ErrorCode.BAD_USER_INPUT,
        new RegExp(`The agent card at ${server.url}/not-json.json is invalid: it is not JSON`),
      );
    } finally {
      await server.close();
    }
  });

  it('refuses control and bidi characters in what the card lists, as the API does', () => {
    const skill = good.skills[0]!;
    for (const bad of [
      { name: 'Null\u0000Agent' },
      { name: 'Reviewer \u202egnp.exe' },
      { name: 'two\nlines' },
      { description: 'Looks \u2066harmless\u2069' },
      { description: 'escape \u001b[2J' },
      { version: '1\u0000' },
      { skills: [{ ...skill, name: 'S\u0007' }] },
      { skills: [{ ...skill, id: 's\u0000' }] },
      { skills: [{ ...skill, description: 'bidi \u202d' }] },
      { skills: [{ ...skill, examples: ['ok', 'nul \u0000'] }] },
    ]) {
      assert.throws(
        () => parseAgentCard({ ...good, ...bad }, 'http://x/card.json'),
        (err: { extensions?: { code?: string } }) => err.extensions?.code === 'BAD_USER_INPUT',
        JSON.stringify(bad),
      );
    }
    const info = parseAgentCard(
      { ...good, description: 'Line one.\n\n\tLine two.' },
      'http://x/card.json',
    );
    assert.equal(info.description, 'Line one.\n\n\tLine two.');
  });

  it('reports non-2xx answers as AGENT_UNREACHABLE', async () => {
    const server = await serve((_req, res) => {
      res.statusCode = 404;
      res.end('nope');
    });
    try {
      await rejectsWithCode(
        resolveAgentCard(server.url, dev),
        ErrorCode.AGENT_UNREACHABLE,
        /could not be fetched: HTTP 404/,
      );
    } finally {
      await server.close();
    }
  });

  it('follows a redirect only after checking where it leads', async () => {
    const target = await serve((_req, res) => res.end(JSON.stringify(good)));
    const redirector = await serve((_req, res) => {
      res.writeHead(302, { location: `${target.url}/.well-known/agent-card.json` });
      res.end();
    });
    try {
      assert.equal((await resolveAgentCard(redirector.url, dev)).name, 'Good');
      // In production the first hop is already refused: nothing is fetched at all.
      await rejectsWithCode(resolveAgentCard(redirector.url), ErrorCode.BAD_USER_INPUT);
      assert.equal(target.requests(), 1);
    } finally {
      await Promise.all([target.close(), redirector.close()]);
    }
  });

  it('reports nothing listening as AGENT_UNREACHABLE', async () => {
    const port = await closedPort();
    await rejectsWithCode(
      resolveAgentCard(`http://127.0.0.1:${port}`, dev),
      ErrorCode.AGENT_UNREACHABLE,
      /Could not reach the agent \(GET http.*\): fetch failed \(ECONNREFUSED\)/,
    );
  });

  it('gives up on a server that never answers within the timeout', async () => {
    const server = await serve(() => {
      /* accepts the request, never answers */
    });
    try {
      const started = Date.now();
      await rejectsWithCode(
        resolveAgentCard(server.url, { ...dev, timeoutMs: 300 }),
        ErrorCode.AGENT_UNREACHABLE,
        /within 300 ms/,
      );
      const took = Date.now() - started;
      assert.ok(took >= 250 && took < 3000, `took ${took} ms`);
    } finally {
      await server.close();
    }
  });

  it('refuses 127.0.0.1 and localhost in production mode without connecting', async () => {
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
          resolveAgentCard(`http://${host}:${port}`, { allowPrivate: false }),
          ErrorCode.BAD_USER_INPUT,
          /resolves to a private address/,
        );
      }
      assert.equal(connections, 0);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('computes the card URL like the SDK, a base path counting as a folder', () => {
    assert.equal(agentCardUrl('https://x.io'), 'https://x.io/.well-known/agent-card.json');
    assert.equal(
      agentCardUrl('https://x.io/agents/echo'),
      'https://x.io/agents/echo/.well-known/agent-card.json',
    );
    assert.equal(agentCardUrl('https://x.io/my-card.json'), 'https://x.io/my-card.json');
  });
});
