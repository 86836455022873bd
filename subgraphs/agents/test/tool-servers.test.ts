import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { domainEvent, publishEvents } from '@agentry/events';
import { startExampleMcpServer } from '@agentry/example-mcp';
import { asAnonymous, asUser, codes, gql, ok, sqlCount, startTestSubgraph } from '@agentry/testing';
import { loadAgentsEnv } from '../src/env';
import { agentsSubgraph } from '../src/subgraph';
import { catalogueOf } from '../src/tool-servers/tool-server.describe';
import { refreshRound } from '../src/shared/refresher';
import { toolServers } from '../src/tool-servers/tool-server.worker';
import { freePort, noLeak, portOf } from './helpers';

type Auth = Record<string, string>;
type McpServer = Awaited<ReturnType<typeof startExampleMcpServer>>;

const SERVER_FIELDS = `id name url public priceCredits status lastSeenAt serverName serverVersion
  instructions owner { id }
  tools { id name title description inputSchema outputSchema priceCredits
          annotations { title readOnlyHint destructiveHint idempotentHint openWorldHint }
          server { id } }
  resources { uri name title description mimeType }
  resourceTemplates { uriTemplate name description mimeType }
  prompts { name description arguments { name description required } }
  grants { user { id } tools }
  createdAt updatedAt`;
const REGISTER = `mutation($i: RegisterToolServerInput!) { registerToolServer(input: $i) { ${SERVER_FIELDS} } }`;
const GET = `query($id: ID!) { toolServer(id: $id) { ${SERVER_FIELDS} } }`;
const LIST = `query($first: Int, $after: String) { toolServers(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name } } } }`;
const GRANT = `mutation($s: ID!, $u: ID!, $t: [String!]) { grantToolAccess(serverId: $s, userId: $u, tools: $t) {
  id grants { user { id } tools } } }`;
const REVOKE = `mutation($s: ID!, $u: ID!, $t: [String!]) { revokeToolAccess(serverId: $s, userId: $u, tools: $t) {
  id grants { user { id } tools } } }`;
const REFRESH = `mutation($id: ID!) { refreshToolServer(id: $id) { id status lastSeenAt tools { name } } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateToolServerInput!) { updateToolServer(id: $id, input: $i) {
  id name public priceCredits tools { name priceCredits } } }`;

const names = (tools: { name: string }[]) => tools.map((t) => t.name).sort();

describe('MCP tool servers', () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  const mcp: Record<string, McpServer> = {};
  const publisher = randomUUID();
  const otherPublisher = randomUUID();
  const stranger = randomUUID();
  const grantee = randomUUID();
  const admin = randomUUID();
  let asPub: Auth;
  let asOtherPub: Auth;
  let asStranger: Auth;
  let asGrantee: Auth;
  let asAdmin: Auth;
  /** Ids of the servers the tests register, by role. */
  const ids: Record<string, string> = {};

  before(async () => {
    sg = await startTestSubgraph(agentsSubgraph, {
      env: { TOOL_SERVER_REFRESH_MS: '0', AGENT_CARD_REFRESH_MS: '0' },
    });
    for (const [key, kind] of [
      ['calculator', 'calculator'],
      ['docstore', 'docstore'],
      ['publicCalc', 'calculator'],
      ['refreshable', 'calculator'],
      ['racing', 'calculator'],
    ] as const) {
      mcp[key] = await startExampleMcpServer(kind, { port: 0 });
    }
    // Grants name users who signed up: the users subgraph's events tell this subgraph of them.
    await sg.deps.dataSource.transaction((m) =>
      publishEvents(
        m,
        [publisher, otherPublisher, stranger, grantee, admin].map((userId) =>
          domainEvent('user.registered', userId, { userId, name: 'Test User', roles: ['USER'] }),
        ),
      ),
    );
    asPub = await asUser(publisher, ['USER', 'PUBLISHER']);
    asOtherPub = await asUser(otherPublisher, ['USER', 'PUBLISHER']);
    asStranger = await asUser(stranger, ['USER']);
    asGrantee = await asUser(grantee, ['USER']);
    asAdmin = await asUser(admin, ['USER', 'ADMIN']);
  });
  after(async () => {
    await Promise.all(Object.values(mcp).map((s) => s.stop()));
    await sg?.stop();
  });

  const register = (i: Record<string, unknown>, auth: Auth = asPub) =>
    gql(sg.url, REGISTER, { i: { name: 'Calc', ...i } }, auth);
  const get = async (id: string, auth: Auth) => ok(await gql(sg.url, GET, { id }, auth)).toolServer;
  const grant = (s: string, u: string, t?: string[] | null, auth: Auth = asPub) =>
    gql(sg.url, GRANT, { s, u, t }, auth);
  const revoke = (s: string, u: string, t?: string[] | null, auth: Auth = asPub) =>
    gql(sg.url, REVOKE, { s, u, t }, auth);
  const listIds = async (auth: Auth) =>
    ok(await gql(sg.url, LIST, { first: 100 }, auth)).toolServers.edges.map((e: any) => e.node.id);
  const count = async (sql: string, params: unknown[] = []) =>
    (await sg.deps.dataSource.query(sql, params))[0].n as number;
  const written = () =>
    count(`SELECT (SELECT count(*) FROM agents.tool_servers)::int
                + (SELECT count(*) FROM agents.tools)::int
                + (SELECT count(*) FROM agents.tool_grants)::int
                + (SELECT count(*) FROM events.log)::int AS n`);
  const lastEvent = async (serverId: string) =>
    (
      await sg.deps.dataSource.query(
        `SELECT topic, key, producer, payload FROM events.log WHERE key = $1 ORDER BY id DESC LIMIT 1`,
        [serverId],
      )
    )[0];
  const eventsOf = (serverId: string) =>
    count('SELECT count(*)::int AS n FROM events.log WHERE key = $1', [serverId]);
  /** Proves a refused call wrote nothing: no server, tool, grant or event. */
  const writesNothing = async (call: () => Promise<void>) => {
    const before = await written();
    await call();
    assert.equal(await written(), before, 'nothing was written');
  };

  it('registers the calculator as a publisher and catalogues its tools with their JSON schemas', async () => {
    const started = Date.now();
    const s = ok(
      await register({ url: mcp.calculator.url, name: '  Calculator  ', priceCredits: 2 }),
    ).registerToolServer;
    ids.calculator = s.id;
    assert.equal(s.name, 'Calculator', 'the name is trimmed');
    assert.equal(s.url, mcp.calculator.url);
    assert.equal(s.owner.id, publisher);
    assert.equal(s.public, false);
    assert.equal(s.priceCredits, 2);
    assert.equal(s.status, 'ONLINE');
    assert.ok(s.serverName, 'the server names itself');
    assert.ok(s.serverVersion);
    assert.ok(new Date(s.lastSeenAt).getTime() >= started - 1000);
    assert.deepEqual(names(s.tools), ['add', 'divide', 'multiply']);
    for (const t of s.tools) {
      assert.equal(t.id, `${s.id}:${t.name}`);
      assert.equal(t.priceCredits, 2, 'every tool gets the default price');
      assert.equal(t.server.id, s.id);
      assert.equal(t.inputSchema.type, 'object', `${t.name} has an object schema`);
      assert.ok(t.inputSchema.properties && typeof t.inputSchema.properties === 'object');
      assert.ok(t.description.length > 0, `${t.name} is described`);
    }
    const add = s.tools.find((t: any) => t.name === 'add');
    assert.deepEqual(Object.keys(add.inputSchema.properties).sort(), ['a', 'b']);
    assert.deepEqual(s.grants, []);
    assert.deepEqual(s.resources, [], 'the calculator offers no resources');

    const [row] = await sg.deps.dataSource.query(
      'SELECT status, checked_at, check_error FROM agents.tool_servers WHERE id = $1',
      [s.id],
    );
    assert.equal(row.status, 'ONLINE');
    assert.ok(row.checked_at);
    assert.equal(row.check_error, null);
  });

  it('catalogues the docstore: resources, resource templates, prompts and its tool', async () => {
    const s = ok(await register({ url: mcp.docstore.url, name: 'Docs' })).registerToolServer;
    ids.docstore = s.id;
    assert.deepEqual(names(s.tools), ['get_doc', 'search_docs']);
    assert.ok(
      s.tools.every((t: any) => t.priceCredits === 0),
      'free by default',
    );
    assert.ok(s.resources.length >= 1);
    assert.ok(s.resources.every((r: any) => /^doc:\/\/\d+$/.test(r.uri) && r.name));
    assert.ok(s.resources.some((r: any) => r.uri === 'doc://1'));
    assert.deepEqual(
      s.resourceTemplates.map((t: any) => t.uriTemplate),
      ['doc://{id}'],
    );
    assert.deepEqual(
      s.prompts.map((p: any) => p.name),
      ['summarize'],
    );
    assert.ok(s.prompts[0].arguments.length >= 1);
    assert.ok(s.prompts[0].arguments.every((a: any) => typeof a.required === 'boolean'));
  });

  it('needs the PUBLISHER role (and agents:write for an API key)', async () => {
    const url = mcp.racing.url;
    await writesNothing(async () => {
      assert.deepEqual(codes(await register({ url }, asStranger)), ['FORBIDDEN']);
      assert.deepEqual(codes(await register({ url }, await asAnonymous())), ['UNAUTHENTICATED']);
      const key = await asUser(publisher, ['USER', 'PUBLISHER'], {
        via: 'apiKey',
        scopes: ['tools:call', 'agents:read'],
        apiKeyId: randomUUID(),
      });
      assert.deepEqual(codes(await register({ url }, key)), ['FORBIDDEN']);
    });
  });

  it('answers TOOL_UNREACHABLE for a server that does not answer, and writes nothing', async () => {
    const port = await freePort();
    await writesNothing(async () => {
      const res = await register({ url: `http://127.0.0.1:${port}/mcp` });
      assert.deepEqual(codes(res), ['TOOL_UNREACHABLE'], JSON.stringify(res));
      noLeak(res, 'unreachable');
    });
  });

  it('refuses bad input before connecting, and writes nothing', async () => {
    await writesNothing(async () => {
      const cases: [string, Record<string, unknown>][] = [
        ['ftp', { url: 'ftp://example.com/mcp' }],
        ['javascript', { url: 'javascript:alert(1)' }],
        ['relative', { url: '/mcp' }],
        ['credentials', { url: 'http://user:pw@127.0.0.1:1/mcp' }],
        ['long url', { url: `https://example.com/${'a'.repeat(2048)}` }],
        ['blank name', { url: mcp.racing.url, name: '   ' }],
        ['long name', { url: mcp.racing.url, name: 'n'.repeat(101) }],
        ['negative price', { url: mcp.racing.url, priceCredits: -1 }],
        ['huge price', { url: mcp.racing.url, priceCredits: 100_001 }],
      ];
      for (const [label, input] of cases) {
        const res = await register(input);
        assert.deepEqual(codes(res), ['BAD_USER_INPUT'], `${label}: ${JSON.stringify(res)}`);
        noLeak(res, label);
      }
    });
  });

  it('keeps one listing per URL: a second registration is a CONFLICT, also when racing', async () => {
    await writesNothing(async () => {
      for (const [url, auth] of [
        [mcp.calculator.url, asPub],
        [mcp.calculator.url, asOtherPub],
        [mcp.calculator.url.replace('http://', 'HTTP://'), asPub],
      ] as const) {
        const res = await register({ url }, auth);
        assert.deepEqual(codes(res), ['CONFLICT'], `${url}: ${JSON.stringify(res)}`);
      }
    });
    const results = await Promise.all([
      register({ url: mcp.racing.url, name: 'Racer A' }),
      register({ url: mcp.racing.url, name: 'Racer B' }, asOtherPub),
    ]);
    const outcome = results.map((r) => (r.errors ? codes(r)[0] : 'OK')).sort();
    assert.deepEqual(outcome, ['CONFLICT', 'OK']);
    assert.equal(
      await count('SELECT count(*)::int AS n FROM agents.tool_servers WHERE url = $1', [
        mcp.racing.url,
      ]),
      1,
    );
  });

  it('hides a private server from strangers: null, not listed, no tools', async () => {
    const id = ids.calculator;
    assert.equal(await get(id, asStranger), null);
    assert.equal(await get(id, await asAnonymous()), null);
    assert.equal(await get(id, asOtherPub), null);
    assert.ok(!(await listIds(asStranger)).includes(id));
    const entities = ok(
      await gql(
        sg.url,
        `query($r: [_Any!]!) { _entities(representations: $r) {
           ... on ToolServer { id tools { name } } ... on Tool { id name } } }`,
        {
          r: [
            { __typename: 'ToolServer', id },
            { __typename: 'Tool', id: `${id}:add` },
          ],
        },
        asStranger,
      ),
    )._entities;
    assert.deepEqual(entities, [null, null]);
    const owner = await get(id, asPub);
    assert.equal(owner.url, mcp.calculator.url, 'the owner sees the url');
    assert.deepEqual(names(owner.tools), ['add', 'divide', 'multiply']);
    assert.ok((await listIds(asPub)).includes(id));
    const byAdmin = await get(id, asAdmin);
    assert.equal(byAdmin.url, mcp.calculator.url, 'admins see the url');
    assert.equal(byAdmin.tools.length, 3);
  });

  it('refuses a grant to a user who does not exist, and writes nothing', async () => {
    await writesNothing(async () => {
      const r = await grant(ids.calculator, randomUUID(), ['add']);
      assert.deepEqual(codes(r), ['NOT_FOUND']);
    });
    // Ids in any case name the same user.
    const upper = ok(await grant(ids.calculator, grantee.toUpperCase(), ['add'])).grantToolAccess;
    assert.deepEqual(upper.grants, [{ user: { id: grantee }, tools: ['add'] }]);
    ok(await revoke(ids.calculator, grantee, null));
  });

  it('grants and revokes tools: the grantee sees exactly what it may call', async () => {
    const id = ids.calculator;
    const evs = await eventsOf(id);
    const granted = ok(await grant(id, grantee, ['add'])).grantToolAccess;
    assert.deepEqual(granted.grants, [{ user: { id: grantee }, tools: ['add'] }]);
    let seen = await get(id, asGrantee);
    assert.deepEqual(names(seen.tools), ['add']);
    assert.equal(seen.url, null, 'a grantee does not see the url');
    assert.deepEqual(seen.grants, [], 'nor the grants');
    assert.ok((await listIds(asGrantee)).includes(id));
    assert.equal(await get(id, asStranger), null, 'others still see nothing');

    // A list adds to what the user has.
    ok(await grant(id, grantee, ['multiply']));
    assert.deepEqual(names((await get(id, asGrantee)).tools), ['add', 'multiply']);

    ok(await grant(id, grantee, null));
    seen = await get(id, asGrantee);
    assert.deepEqual(names(seen.tools), ['add', 'divide', 'multiply']);
    assert.deepEqual((await get(id, asPub)).grants, [{ user: { id: grantee }, tools: null }]);

    // Taking one tool out of "every tool" leaves the others, by name.
    const partial = ok(await revoke(id, grantee, ['add'])).revokeToolAccess;
    assert.deepEqual(partial.grants, [{ user: { id: grantee }, tools: ['divide', 'multiply'] }]);
    assert.deepEqual(names((await get(id, asGrantee)).tools), ['divide', 'multiply']);

    const gone = ok(await revoke(id, grantee)).revokeToolAccess;
    assert.deepEqual(gone.grants, []);
    assert.equal(await get(id, asGrantee), null, 'without a grant the server is gone for them');
    assert.ok(!(await listIds(asGrantee)).includes(id));
    assert.equal(await eventsOf(id), evs + 5, 'each change published once');

    // Revoking again changes nothing (and publishes nothing).
    ok(await revoke(id, grantee));
    assert.equal(await eventsOf(id), evs + 5);
  });

  it('shows resources and prompts only to those who may call a tool', async () => {
    const id = ids.docstore;
    assert.equal(await get(id, asGrantee), null);
    ok(await grant(id, grantee, ['search_docs']));
    const seen = await get(id, asGrantee);
    assert.deepEqual(names(seen.tools), ['search_docs']);
    assert.ok(seen.resources.length >= 1);
    assert.equal(seen.resourceTemplates.length, 1);
    assert.equal(seen.prompts.length, 1);
    ok(await revoke(id, grantee, ['search_docs']));
    assert.equal(await get(id, asGrantee), null, 'a grant left with no tool goes');
  });

  it('lets any signed-in user call every tool of a public server; others get url null', async () => {
    const s = ok(
      await register({ url: mcp.publicCalc.url, name: 'Public Calc', public: true }, asOtherPub),
    ).registerToolServer;
    ids.publicCalc = s.id;
    assert.equal(s.public, true);
    const byStranger = await get(s.id, asStranger);
    assert.deepEqual(names(byStranger.tools), ['add', 'divide', 'multiply']);
    assert.equal(byStranger.url, null);
    assert.deepEqual(byStranger.grants, []);
    assert.equal(byStranger.owner.id, otherPublisher);
    assert.ok((await listIds(asStranger)).includes(s.id));
    const anonymous = await get(s.id, await asAnonymous());
    assert.deepEqual(anonymous.tools, [], 'calling needs a signed-in user');
    assert.deepEqual(anonymous.prompts, []);
    assert.equal(anonymous.url, null);

    ok(await grant(s.id, grantee, ['add'], asOtherPub));
    const owner = await get(s.id, asOtherPub);
    assert.equal(owner.url, mcp.publicCalc.url);
    assert.deepEqual(owner.grants, [{ user: { id: grantee }, tools: ['add'] }]);
    assert.equal((await get(s.id, asGrantee)).tools.length, 3, 'public beats a narrower grant');
  });

  it('refuses grants by anyone but the owner or an admin, and grants of unknown tools', async () => {
    const id = ids.calculator;
    await writesNothing(async () => {
      for (const auth of [asGrantee, asOtherPub, asStranger]) {
        assert.deepEqual(codes(await grant(id, stranger, ['add'], auth)), ['FORBIDDEN']);
        assert.deepEqual(codes(await revoke(id, stranger, null, auth)), ['FORBIDDEN']);
      }
      assert.deepEqual(codes(await grant(id, stranger, null, await asAnonymous())), [
        'UNAUTHENTICATED',
      ]);
      for (const [label, res] of [
        ['unknown tool', await grant(id, stranger, ['add', 'sqrt'])],
        ['empty list', await grant(id, stranger, [])],
        ['long name', await grant(id, stranger, ['x'.repeat(129)])],
        ['bad user id', await grant(id, 'someone', ['add'])],
        ['bad server id', await grant('42', stranger, ['add'])],
        ['revoke unknown tool', await revoke(id, stranger, ['sqrt'])],
      ] as const) {
        assert.deepEqual(codes(res), ['BAD_USER_INPUT'], `${label}: ${JSON.stringify(res)}`);
        noLeak(res, label);
      }
      const unknownTool = await grant(id, stranger, ['sqrt']);
      assert.match(unknownTool.errors![0].message, /"sqrt"/);
      assert.deepEqual(codes(await grant(randomUUID(), stranger, ['add'])), ['NOT_FOUND']);
    });
    const byAdmin = ok(await grant(id, stranger, ['divide'], asAdmin)).grantToolAccess;
    assert.deepEqual(byAdmin.grants, [{ user: { id: stranger }, tools: ['divide'] }]);
    assert.deepEqual(names((await get(id, asStranger)).tools), ['divide']);
    ok(await revoke(id, stranger, null, asAdmin));
    assert.equal(await get(id, asStranger), null);
  });

  it('publishes tool_server.updated with the full snapshot after register, grant and revoke', async () => {
    const id = ids.calculator;
    const schemas = Object.fromEntries(
      (await get(id, asPub)).tools.map((t: any) => [t.name, t.inputSchema]),
    );
    const snapshot = (grants: { userId: string; tools: string[] | null }[]) => ({
      serverId: id,
      ownerId: publisher,
      name: 'Calculator',
      url: mcp.calculator.url,
      public: false,
      status: 'ONLINE',
      tools: ['add', 'divide', 'multiply'].map((name) => ({
        name,
        inputSchema: schemas[name],
        priceCredits: 2,
      })),
      grants,
    });
    const [first] = await sg.deps.dataSource.query(
      `SELECT topic, producer, payload FROM events.log WHERE key = $1 ORDER BY id LIMIT 1`,
      [id],
    );
    assert.equal(first.topic, 'tool_server.updated');
    assert.equal(first.producer, 'agents');
    assert.deepEqual(first.payload, snapshot([]), 'after register');

    ok(await grant(id, grantee, ['multiply', 'add']));
    let ev = await lastEvent(id);
    assert.equal(ev.topic, 'tool_server.updated');
    assert.equal(ev.key, id);
    assert.deepEqual(ev.payload, snapshot([{ userId: grantee, tools: ['add', 'multiply'] }]));

    ok(await grant(id, stranger, null));
    ev = await lastEvent(id);
    const both = [
      { userId: grantee, tools: ['add', 'multiply'] },
      { userId: stranger, tools: null },
    ].sort((a, b) => (a.userId < b.userId ? -1 : 1));
    assert.deepEqual(ev.payload, snapshot(both));

    ok(await revoke(id, grantee, ['add']));
    ok(await revoke(id, stranger));
    ev = await lastEvent(id);
    assert.deepEqual(ev.payload, snapshot([{ userId: grantee, tools: ['multiply'] }]));
    ok(await revoke(id, grantee));
    assert.deepEqual((await lastEvent(id)).payload, snapshot([]));
  });

  it('updates names, visibility and prices (the owner only), published in the snapshot', async () => {
    const id = ids.docstore;
    await writesNothing(async () => {
      assert.deepEqual(codes(await gql(sg.url, UPDATE, { id, i: { public: true } }, asOtherPub)), [
        'FORBIDDEN',
      ]);
      for (const i of [
        { toolPrices: [{ name: 'nope', priceCredits: 1 }] },
        { priceCredits: -5 },
        { name: '' },
        {
          toolPrices: [
            { name: 'search_docs', priceCredits: 1 },
            { name: 'search_docs', priceCredits: 2 },
          ],
        },
      ]) {
        const res = await gql(sg.url, UPDATE, { id, i }, asPub);
        assert.deepEqual(codes(res), ['BAD_USER_INPUT'], JSON.stringify(i));
      }
    });
    const u = ok(
      await gql(
        sg.url,
        UPDATE,
        { id, i: { name: 'Doc Store', public: true, priceCredits: 4 } },
        asPub,
      ),
    ).updateToolServer;
    assert.deepEqual(u, {
      id,
      name: 'Doc Store',
      public: true,
      priceCredits: 4,
      tools: [
        { name: 'get_doc', priceCredits: 4 },
        { name: 'search_docs', priceCredits: 4 },
      ],
    });
    const single = ok(
      await gql(
        sg.url,
        UPDATE,
        { id, i: { toolPrices: [{ name: 'search_docs', priceCredits: 7 }] } },
        asPub,
      ),
    ).updateToolServer;
    assert.deepEqual(single.tools, [
      { name: 'get_doc', priceCredits: 4 },
      { name: 'search_docs', priceCredits: 7 },
    ]);
    assert.equal(single.priceCredits, 4, 'the default stays');
    const ev = await lastEvent(id);
    assert.equal(ev.payload.public, true);
    assert.equal(ev.payload.name, 'Doc Store');
    assert.deepEqual(
      ev.payload.tools.map((t: any) => [t.name, t.priceCredits]),
      [
        ['get_doc', 4],
        ['search_docs', 7],
      ],
    );
    assert.deepEqual(
      names((await get(id, asStranger)).tools),
      ['get_doc', 'search_docs'],
      'now public',
    );
  });

  it('resolves Tool entities by id for those who may call them', async () => {
    const id = ids.calculator;
    const query = `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Tool { id name priceCredits inputSchema server { id name } } } }`;
    const r = [
      { __typename: 'Tool', id: `${id}:add` },
      { __typename: 'Tool', id: `${id}:sqrt` },
      { __typename: 'Tool', id: 'not-a-tool-id' },
      { __typename: 'Tool', id: `${ids.publicCalc}:divide` },
    ];
    const byOwner = ok(await gql(sg.url, query, { r }, asPub))._entities;
    assert.equal(byOwner[0].id, `${id}:add`);
    assert.equal(byOwner[0].name, 'add');
    assert.equal(byOwner[0].priceCredits, 2);
    assert.equal(byOwner[0].inputSchema.type, 'object');
    assert.deepEqual(byOwner[0].server, { id, name: 'Calculator' });
    assert.equal(byOwner[1], null, 'unknown tool');
    assert.equal(byOwner[2], null, 'malformed id');
    assert.equal(byOwner[3].name, 'divide', 'a public tool');
    const byStranger = ok(await gql(sg.url, query, { r }, asStranger))._entities;
    assert.deepEqual(
      byStranger.map((e: any) => e?.name ?? null),
      [null, null, null, 'divide'],
    );
  });

  it('marks a server UNAVAILABLE when it stops answering, ONLINE when it is back', async () => {
    const server = mcp.refreshable;
    const s = ok(await register({ url: server.url, name: 'Refreshable' })).registerToolServer;
    await writesNothing(async () => {
      assert.deepEqual(codes(await gql(sg.url, REFRESH, { id: s.id }, asStranger)), ['FORBIDDEN']);
      assert.deepEqual(codes(await gql(sg.url, REFRESH, { id: randomUUID() }, asPub)), [
        'NOT_FOUND',
      ]);
      assert.deepEqual(codes(await gql(sg.url, REFRESH, { id: 'x' }, asPub)), ['BAD_USER_INPUT']);
    });

    await server.stop();
    const down = ok(await gql(sg.url, REFRESH, { id: s.id }, asPub)).refreshToolServer;
    assert.equal(down.status, 'UNAVAILABLE');
    assert.deepEqual(names(down.tools), ['add', 'divide', 'multiply'], 'the catalogue stays');
    assert.equal(down.lastSeenAt, s.lastSeenAt, 'not seen since');
    const [row] = await sg.deps.dataSource.query(
      'SELECT check_error FROM agents.tool_servers WHERE id = $1',
      [s.id],
    );
    assert.match(row.check_error, /^(TOOL_UNREACHABLE|TIMEOUT): /);
    assert.equal((await lastEvent(s.id)).payload.status, 'UNAVAILABLE');

    mcp.refreshable = await startExampleMcpServer('calculator', { port: portOf(server.url) });
    const up = ok(await gql(sg.url, REFRESH, { id: s.id }, asAdmin)).refreshToolServer;
    assert.equal(up.status, 'ONLINE');
    assert.ok(new Date(up.lastSeenAt) > new Date(s.lastSeenAt));
    assert.equal((await lastEvent(s.id)).payload.status, 'ONLINE');
    const [after] = await sg.deps.dataSource.query(
      'SELECT check_error FROM agents.tool_servers WHERE id = $1',
      [s.id],
    );
    assert.equal(after.check_error, null);
    ids.refreshable = s.id;
  });

  it('the periodic round publishes only what changed', async () => {
    const settings = { allowPrivate: true, timeoutMs: 2000 };
    const quietBefore = await count('SELECT count(*)::int AS n FROM events.log');
    const quiet = await refreshRound(sg.deps.dataSource, toolServers(settings), sg.deps.log);
    assert.ok(quiet.checked >= 4, `checked ${quiet.checked}`);
    assert.equal(quiet.unavailable, 0);
    assert.equal(
      await count('SELECT count(*)::int AS n FROM events.log'),
      quietBefore,
      'unchanged servers publish nothing',
    );
    const server = mcp.refreshable;
    await server.stop();
    const evs = await eventsOf(ids.refreshable);
    const round = await refreshRound(sg.deps.dataSource, toolServers(settings), sg.deps.log);
    assert.ok(round.unavailable >= 1);
    assert.equal(await eventsOf(ids.refreshable), evs + 1);
    assert.equal((await lastEvent(ids.refreshable)).payload.status, 'UNAVAILABLE');
    mcp.refreshable = await startExampleMcpServer('calculator', { port: portOf(server.url) });
    const limited = await refreshRound(sg.deps.dataSource, toolServers(settings), sg.deps.log, {
      limit: 2,
    });
    assert.equal(limited.checked, 2, 'a round reads at most its limit');
  });

  it('refuses a catalogue beyond our limits rather than cutting it', () => {
    const tool = (name: string, extra: Record<string, unknown> = {}) => ({
      name,
      description: 'd',
      inputSchema: { type: 'object' },
      ...extra,
    });
    const describe = (extra: Record<string, unknown>) => ({
      serverInfo: { name: 'x', version: '1' },
      tools: [tool('a')],
      resources: [],
      resourceTemplates: [],
      prompts: [],
      ...extra,
    });
    const url = 'http://example.com/mcp';
    const fine = catalogueOf(describe({}) as any, url);
    assert.deepEqual(fine.tools, [
      {
        name: 'a',
        title: null,
        description: 'd',
        inputSchema: { type: 'object' },
        outputSchema: null,
        annotations: null,
      },
    ]);
    for (const [label, extra, pattern] of [
      ['twice', { tools: [tool('a'), tool('a')] }, /listed twice/],
      ['too many', { tools: Array.from({ length: 201 }, (_, i) => tool(`t${i}`)) }, /200 tools/],
      ['long name', { tools: [tool('n'.repeat(129))] }, /tool name/],
      ['control', { tools: [tool('a\nb')] }, /control/],
      ['huge schema', { tools: [tool('a', { inputSchema: { d: 'x'.repeat(70_000) } })] }, /schema/],
      ['array schema', { tools: [tool('a', { inputSchema: [] })] }, /not an object/],
      [
        'long resource',
        { resources: [{ uri: 'doc://1', name: 'n'.repeat(2001) }] },
        /resource doc:\/\/1/,
      ],
    ] as const) {
      assert.throws(
        () => catalogueOf(describe(extra) as any, url),
        (err: any) =>
          err.extensions?.code === 'BAD_USER_INPUT' &&
          pattern.test(err.message) &&
          /limits/.test(err.message),
        label,
      );
    }
  });

  it('reads TOOL_SERVER_REFRESH_MS and applies the SSRF rule of agent cards', () => {
    assert.equal(loadAgentsEnv({}).TOOL_SERVER_REFRESH_MS, 300_000);
    assert.equal(loadAgentsEnv({ TOOL_SERVER_REFRESH_MS: '0' }).TOOL_SERVER_REFRESH_MS, 0);
    assert.throws(() => loadAgentsEnv({ TOOL_SERVER_REFRESH_MS: '10' }), /TOOL_SERVER_REFRESH_MS/);
    assert.deepEqual(loadAgentsEnv({ NODE_ENV: 'production' }).tools, {
      allowPrivate: false,
      timeoutMs: 5000,
    });
    assert.equal(loadAgentsEnv({ NODE_ENV: 'test' }).tools.allowPrivate, true);
    assert.equal(
      loadAgentsEnv({ NODE_ENV: 'production', AGENTRY_ALLOW_PRIVATE_URLS: '1' }).tools.allowPrivate,
      true,
    );
  });

  it('refuses private and loopback tool servers in production', async () => {
    const prod = await startTestSubgraph(agentsSubgraph, {
      env: {
        NODE_ENV: 'production',
        AGENTRY_ALLOW_PRIVATE_URLS: '0',
        TOOL_SERVER_REFRESH_MS: '0',
        AGENT_CARD_REFRESH_MS: '0',
      },
    });
    try {
      const port = portOf(mcp.publicCalc.url);
      for (const url of [
        mcp.publicCalc.url,
        `http://localhost:${port}/mcp`,
        `http://[::1]:${port}/mcp`,
        'http://169.254.169.254/latest/meta-data',
        'http://10.0.0.1/mcp',
      ]) {
        const res = await gql(prod.url, REGISTER, { i: { url, name: 'Internal' } }, asPub);
        assert.deepEqual(codes(res), ['BAD_USER_INPUT'], `${url}: ${JSON.stringify(res)}`);
        noLeak(res, url);
      }
      const [{ n }] = await prod.deps.dataSource.query(
        'SELECT (SELECT count(*) FROM agents.tool_servers)::int + (SELECT count(*) FROM events.log)::int AS n',
      );
      assert.equal(n, 0, 'nothing was written');
    } finally {
      await prod.stop();
    }
  });

  it('lists newest first with cursors, and batches: 5 or 20 servers cost the same statements', async () => {
    const lister = randomUUID();
    const asLister = await asUser(lister, ['USER', 'PUBLISHER']);
    const viewer = randomUUID();
    const asViewer = await asUser(viewer, ['USER']);
    await sg.deps.dataSource.transaction((m) =>
      publishEvents(m, [
        domainEvent('user.registered', viewer, { userId: viewer, name: 'V', roles: ['USER'] }),
      ]),
    );
    const base = mcp.racing.url;
    // One live server under many URLs (the query string makes each a listing of its own).
    const registerN = async (from: number, to: number) => {
      for (let n = from; n < to; n++) {
        const s = ok(
          await register(
            { url: `${base}?n=${n}`, name: `Bulk ${n}`, public: n % 2 === 0 },
            asLister,
          ),
        ).registerToolServer;
        if (n % 2 === 1) ok(await grant(s.id, viewer, n % 4 === 1 ? ['add'] : null, asLister));
      }
    };
    const N1 = `{ toolServers(first: 20) { edges { node { tools { name } owner { id } } } } }`;
    const statements = async () => {
      const before = await sqlCount(sg.url);
      const res = ok(await gql(sg.url, N1, {}, asViewer));
      return { n: (await sqlCount(sg.url)) - before, edges: res.toolServers.edges };
    };
    await registerN(0, 5);
    const five = await statements();
    await registerN(5, 20);
    const twenty = await statements();
    assert.ok(five.edges.length >= 5);
    assert.equal(twenty.edges.length, 20);
    assert.equal(twenty.n, five.n, `${five.n} statements for 5, ${twenty.n} for 20`);
    assert.ok(twenty.n <= 4, `${twenty.n} statements`);

    // The viewer sees the public ones, the granted ones (by grant) and never the others' tools.
    const mine = ok(
      await gql(
        sg.url,
        `{ toolServers(first: 100) { edges { node { name tools { name } } } } }`,
        {},
        asViewer,
      ),
    ).toolServers.edges.map((e: any) => e.node);
    const bulk = mine.filter((s: any) => s.name.startsWith('Bulk '));
    assert.equal(bulk.length, 20);
    for (const s of bulk) {
      const n = Number(s.name.slice(5));
      assert.deepEqual(
        names(s.tools),
        n % 4 === 1 ? ['add'] : ['add', 'divide', 'multiply'],
        s.name,
      );
    }

    // Newest first, page by page, with a stable total.
    const seen: string[] = [];
    let after: string | null = null;
    let total: number;
    for (;;) {
      const page: any = ok(await gql(sg.url, LIST, { first: 7, after }, asViewer)).toolServers;
      total = page.totalCount;
      seen.push(...page.edges.map((e: any) => e.node.name));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen).size, seen.length, 'no server twice');
    const bulkOrder = seen.filter((n) => n.startsWith('Bulk '));
    assert.deepEqual(
      bulkOrder,
      Array.from({ length: 20 }, (_, i) => `Bulk ${19 - i}`),
    );
    assert.deepEqual(codes(await gql(sg.url, LIST, { after: 'garbage' }, asViewer)), [
      'BAD_USER_INPUT',
    ]);
    assert.deepEqual(codes(await gql(sg.url, LIST, { first: 101 }, asViewer)), ['BAD_USER_INPUT']);
  });
});
