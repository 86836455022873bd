import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startExampleAgent, type RunningExampleAgent } from '@agentry/example-agents';
import { asAnonymous, asUser, codes, gql, ok, startTestSubgraph, waitFor } from '@agentry/testing';
import { agentCards } from '../src/cards/card.worker';
import { refreshRound, startRefresher } from '../src/shared/refresher';
import { loadAgentsEnv } from '../src/env';
import { agentsSubgraph } from '../src/subgraph';
import { freePort, noLeak, portOf } from './helpers';

const AGENT_FIELDS = `id slug name description url version provider { id }
  skills { id name description tags examples }
  capabilities { streaming pushNotifications stateTransitionHistory }
  defaultInputModes defaultOutputModes category tags priceCredits status
  cardUrl available lastSeenAt createdAt updatedAt`;
const REGISTER = `mutation($i: RegisterAgentInput!) { registerAgent(input: $i) { ${AGENT_FIELDS} } }`;
const REFRESH = `mutation($id: ID!) { refreshAgentCard(id: $id) { ${AGENT_FIELDS} } }`;
const CREATE = `mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateAgentInput!) { updateAgent(id: $id, input: $i) { id } }`;

type Auth = Record<string, string>;

/** A valid A2A v1.0 card whose JSONRPC endpoint is `rpcUrl`. */
const validCard = (rpcUrl: string, extra: Record<string, unknown> = {}) => ({
  name: 'Hand Rolled',
  description: 'A card served by the test itself.',
  version: '0.1.0',
  supportedInterfaces: [{ url: rpcUrl, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
  capabilities: { streaming: false, pushNotifications: false },
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['application/json'],
  skills: [
    { id: 'sum', name: 'Sum', description: 'Adds.', tags: ['Math', 'a1', 'a2'], examples: ['1+1'] },
  ],
  ...extra,
});

/**
 * Serves cards by path prefix (`/<name>/.well-known/agent-card.json`), counting requests, so a
 * test can change what a card says and prove that a refused input fetched nothing.
 */
async function startCardServer() {
  const cards = new Map<string, string>();
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    const name = (req.url ?? '').split('/')[1];
    const body = cards.get(name);
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    url: (name: string) => `${base}/${name}`,
    cardUrl: (name: string) => `${base}/${name}/.well-known/agent-card.json`,
    set: (name: string, card: unknown) =>
      cards.set(name, typeof card === 'string' ? card : JSON.stringify(card)),
    hits: () => hits,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('registering agents from their A2A cards', () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  let cards: Awaited<ReturnType<typeof startCardServer>>;
  const agents: Record<string, RunningExampleAgent> = {};
  const publisher = randomUUID();
  const otherPublisher = randomUUID();
  const stranger = randomUUID();
  const admin = randomUUID();
  let asPub: Auth;
  let asOtherPub: Auth;
  let asStranger: Auth;
  let asAdmin: Auth;

  before(async () => {
    sg = await startTestSubgraph(agentsSubgraph);
    cards = await startCardServer();
    for (const [key, name] of [
      ['echo', 'echo'],
      ['echo2', 'echo'],
      ['interviewer', 'interviewer'],
      ['worker', 'worker'],
      ['failing', 'failing'],
    ] as const) {
      agents[key] = await startExampleAgent(name, { port: 0 });
    }
    asPub = await asUser(publisher, ['USER', 'PUBLISHER']);
    asOtherPub = await asUser(otherPublisher, ['USER', 'PUBLISHER']);
    asStranger = await asUser(stranger, ['USER']);
    asAdmin = await asUser(admin, ['USER', 'ADMIN']);
  });
  after(async () => {
    await Promise.all(Object.values(agents).map((a) => a.stop()));
    await cards?.stop();
    await sg?.stop();
  });

  const register = (i: Record<string, unknown>, auth: Auth = asPub) =>
    gql(sg.url, REGISTER, { i: { priceCredits: 3, category: 'demo', ...i } }, auth);
  const refresh = (id: string, auth: Auth = asPub) => gql(sg.url, REFRESH, { id }, auth);
  const count = async (sql: string, params: unknown[] = []) =>
    (await sg.deps.dataSource.query(sql, params))[0].n as number;
  const rowCount = () => count('SELECT count(*)::int AS n FROM agents.agents');
  const eventCount = () => count('SELECT count(*)::int AS n FROM events.log');
  const events = (agentId: string) =>
    sg.deps.dataSource.query('SELECT topic, payload FROM events.log WHERE key = $1 ORDER BY id', [
      agentId,
    ]) as Promise<{ topic: string; payload: Record<string, unknown> }[]>;
  const cardRow = async (id: string) =>
    (
      await sg.deps.dataSource.query(
        `SELECT available, card_error, card_checked_at, last_seen_at, updated_at
           FROM agents.agents WHERE id = $1`,
        [id],
      )
    )[0];
  /** Proves a refused call wrote nothing: no agent, no event. */
  const writesNothing = async (call: () => Promise<void>) => {
    const [rows, evs] = [await rowCount(), await eventCount()];
    await call();
    assert.equal(await rowCount(), rows, 'no agent was written');
    assert.equal(await eventCount(), evs, 'no event was written');
  };

  it('lists the echo agent from its card URL with everything the card says', async () => {
    const echo = agents.echo;
    const started = Date.now();
    const a = ok(await register({ cardUrl: echo.cardUrl, tags: ['mine', 'echo'] })).registerAgent;
    assert.equal(a.name, 'Echo');
    assert.equal(a.slug, 'echo');
    assert.equal(a.description, 'Repeats your text back, word by word, then as an artifact.');
    assert.equal(a.version, '1.0.0');
    assert.equal(a.url, echo.rpcUrl, 'the url is the JSONRPC endpoint of the card');
    assert.equal(a.status, 'PUBLISHED');
    assert.equal(a.provider.id, publisher);
    assert.equal(a.priceCredits, 3);
    assert.equal(a.category, 'demo');
    assert.deepEqual(a.skills, [
      {
        id: 'echo',
        name: 'Echo',
        description: 'Echoes the text it is sent.',
        tags: ['echo', 'demo'],
        examples: ['hello world'],
      },
    ]);
    assert.equal(a.capabilities.streaming, true);
    assert.equal(a.capabilities.pushNotifications, false);
    assert.deepEqual(a.defaultInputModes, ['text/plain']);
    assert.deepEqual(a.tags, ['mine', 'echo', 'demo'], 'input tags first, card tags deduped');
    assert.equal(a.cardUrl, echo.cardUrl);
    assert.equal(a.available, true);
    assert.ok(new Date(a.lastSeenAt).getTime() >= started - 1000, 'seen just now');

    const [row] = await sg.deps.dataSource.query(
      'SELECT card_url, card_checked_at, card_error FROM agents.agents WHERE id = $1',
      [a.id],
    );
    assert.equal(row.card_url, echo.cardUrl);
    assert.ok(row.card_checked_at);
    assert.equal(row.card_error, null);

    const evs = await events(a.id);
    assert.equal(evs.length, 1);
    assert.equal(evs[0].topic, 'agent.created');
    assert.deepEqual(evs[0].payload, {
      agentId: a.id,
      providerId: publisher,
      slug: 'echo',
      name: 'Echo',
      url: echo.rpcUrl,
      priceCredits: 3,
      status: 'PUBLISHED',
      category: 'demo',
      cardUrl: echo.cardUrl,
      available: true,
      tags: ['mine', 'echo', 'demo'],
      skills: [{ id: 'echo', name: 'Echo', tags: ['echo', 'demo'] }],
    });

    const listed = ok(
      await gql(
        sg.url,
        '{ agents(category: "demo") { edges { node { id cardUrl available } } } }',
        {},
        await asAnonymous(),
      ),
    ).agents.edges.map((e: any) => e.node);
    assert.deepEqual(listed, [{ id: a.id, cardUrl: echo.cardUrl, available: true }]);
  });

  it('lists an agent from its base URL, keyed by the well-known card URL', async () => {
    const echo2 = agents.echo2;
    const a = ok(await register({ cardUrl: echo2.url }, asOtherPub)).registerAgent;
    assert.equal(a.cardUrl, echo2.cardUrl, 'the base URL is stored as its card URL');
    assert.equal(a.url, echo2.rpcUrl);
    assert.equal(a.slug, 'echo-2', 'a second Echo gets the next slug');
    assert.equal(a.provider.id, otherPublisher);
    assert.deepEqual(a.tags, ['echo', 'demo'], 'without input tags, the card tags');
  });

  it('keeps one listing per card: a second registration is a CONFLICT, also when racing', async () => {
    const echo = agents.echo;
    await writesNothing(async () => {
      for (const [label, cardUrl, auth] of [
        ['same card URL', echo.cardUrl, asPub],
        ['its base URL', echo.url, asPub],
        ['base URL with a slash', `${echo.url}/`, asOtherPub],
      ] as const) {
        const res = await register({ cardUrl }, auth);
        assert.deepEqual(codes(res), ['CONFLICT'], `${label}: ${JSON.stringify(res.errors)}`);
      }
    });
    assert.equal(
      await count('SELECT count(*)::int AS n FROM agents.agents WHERE card_url = $1', [
        echo.cardUrl,
      ]),
      1,
    );

    // Racing registrations all pass the early check; the unique index lets one through.
    const interviewer = agents.interviewer;
    const results = await Promise.all(
      Array.from({ length: 4 }, () => register({ cardUrl: interviewer.cardUrl })),
    );
    const outcomes = results.map((r) => (r.errors ? codes(r)[0] : 'OK')).sort();
    assert.deepEqual(outcomes, ['CONFLICT', 'CONFLICT', 'CONFLICT', 'OK']);
    for (const r of results) noLeak(r, 'racing registration');
    assert.equal(
      await count('SELECT count(*)::int AS n FROM agents.agents WHERE card_url = $1', [
        interviewer.cardUrl,
      ]),
      1,
    );
    const created = await count(
      `SELECT count(*)::int AS n FROM events.log
        WHERE topic = 'agent.created' AND payload->>'cardUrl' = $1`,
      [interviewer.cardUrl],
    );
    assert.equal(created, 1, 'one agent.created for the one listing');
  });

  it('refuses plain users, anonymous callers and read-only keys', async () => {
    const readOnlyKey = await asUser(publisher, ['USER', 'PUBLISHER'], {
      via: 'apiKey',
      scopes: ['agents:read'],
      apiKeyId: randomUUID(),
    });
    await writesNothing(async () => {
      const i = { cardUrl: agents.worker.cardUrl };
      assert.deepEqual(codes(await register(i, asStranger)), ['FORBIDDEN']);
      assert.deepEqual(codes(await register(i, await asAnonymous())), ['UNAUTHENTICATED']);
      assert.deepEqual(codes(await register(i, readOnlyKey)), ['FORBIDDEN']);
    });
  });

  it('answers AGENT_UNREACHABLE when nothing listens, and writes nothing', async () => {
    const port = await freePort();
    await writesNothing(async () => {
      for (const cardUrl of [
        `http://127.0.0.1:${port}`,
        `http://127.0.0.1:${port}/agent-card.json`,
        cards.url('missing'), // 404
      ]) {
        const res = await register({ cardUrl });
        assert.deepEqual(codes(res), ['AGENT_UNREACHABLE'], `${cardUrl}: ${JSON.stringify(res)}`);
        noLeak(res, cardUrl);
      }
    });
  });

  it('answers BAD_USER_INPUT for an invalid card or one beyond our limits, and writes nothing', async () => {
    const rpc = `${cards.base}/rpc`;
    cards.set('not-json', '<html>hello</html>');
    cards.set('no-name', { ...validCard(rpc), name: undefined });
    cards.set('array', []);
    cards.set('v03', { name: 'Old', url: rpc, protocolVersion: '0.3.0', version: '1' });
    cards.set(
      'no-jsonrpc',
      validCard(rpc, { supportedInterfaces: [{ url: rpc, protocolBinding: 'GRPC' }] }),
    );
    cards.set('ftp-endpoint', validCard('ftp://example.com/rpc'));
    // Within the adapter's limits but beyond createAgent's: refused, not cut to fit.
    cards.set(
      'long-skill',
      validCard(rpc, { skills: [{ id: 's', name: 'S', description: 'd'.repeat(1500) }] }),
    );
    cards.set(
      'many-examples',
      validCard(rpc, {
        skills: [{ id: 's', name: 'S', examples: Array.from({ length: 11 }, (_, i) => `e${i}`) }],
      }),
    );
    cards.set('bad-mode', validCard(rpc, { defaultInputModes: ['not a media type'] }));
    cards.set('credentials-endpoint', validCard('http://user:secret@127.0.0.1:1/rpc'));
    await writesNothing(async () => {
      for (const name of [
        'not-json',
        'no-name',
        'array',
        'v03',
        'no-jsonrpc',
        'ftp-endpoint',
        'long-skill',
        'many-examples',
        'bad-mode',
        'credentials-endpoint',
      ]) {
        const res = await register({ cardUrl: cards.url(name) });
        assert.deepEqual(codes(res), ['BAD_USER_INPUT'], `${name}: ${JSON.stringify(res)}`);
        if (name !== 'credentials-endpoint')
          assert.match(res.errors![0].message, /agent card/i, name);
        noLeak(res, name);
      }
    });
    const limits = await register({ cardUrl: cards.url('long-skill') });
    assert.match(limits.errors![0].message, /limits.*description/);
  });

  it('accepts the mode tokens real SDK agents use (`text`, `task-status`)', async () => {
    // The @a2a-js/sdk sample agent advertises modes this way; refusing them refused real agents.
    cards.set(
      'sdk-style',
      validCard(`${cards.base}/rpc`, {
        name: 'SDK Style',
        defaultInputModes: ['text'],
        defaultOutputModes: ['text', 'task-status'],
      }),
    );
    const res = await register({ cardUrl: `${cards.base}/sdk-style` });
    const agent = ok(res).registerAgent;
    const { agent: listed } = ok(
      await gql(
        sg.url,
        'query($id: ID) { agent(id: $id) { defaultInputModes defaultOutputModes } }',
        { id: agent.id },
        asPub,
      ),
    );
    assert.deepEqual(listed, {
      defaultInputModes: ['text'],
      defaultOutputModes: ['text', 'task-status'],
    });
  });

  it('refuses a bad price, category, tag or URL before fetching anything', async () => {
    cards.set('fine', validCard(`${cards.base}/rpc`));
    const hits = cards.hits();
    await writesNothing(async () => {
      const cases: [string, Record<string, unknown>][] = [
        ['negative price', { priceCredits: -1 }],
        ['huge price', { priceCredits: 10_000_000 }],
        ['bad category', { category: 'Not A Category' }],
        ['empty category', { category: '' }],
        ['bad tag', { tags: ['Bad Tag'] }],
        ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }],
      ];
      for (const [label, extra] of cases) {
        const res = await register({ cardUrl: cards.url('fine'), ...extra });
        assert.deepEqual(codes(res), ['BAD_USER_INPUT'], `${label}: ${JSON.stringify(res)}`);
      }
      for (const cardUrl of [
        'ftp://example.com/agent',
        'javascript:alert(1)',
        '/relative',
        `${cards.base.replace('http://', 'http://user:pw@')}/fine`,
        `https://example.com/${'a'.repeat(2048)}`,
        // Within 2048 as typed, beyond it once the well-known path is added.
        `https://example.com/${'a'.repeat(2020)}`,
      ]) {
        const res = await register({ cardUrl });
        assert.deepEqual(codes(res), ['BAD_USER_INPUT'], `${cardUrl.slice(0, 60)}`);
        noLeak(res, cardUrl.slice(0, 60));
      }
    });
    assert.equal(cards.hits(), hits, 'no card was fetched');
  });

  it('reads AGENTRY_ALLOW_PRIVATE_URLS, private by default outside production only', () => {
    const allow = (env: NodeJS.ProcessEnv) => loadAgentsEnv(env).cards.allowPrivate;
    assert.equal(allow({}), true);
    assert.equal(allow({ NODE_ENV: 'test' }), true);
    assert.equal(allow({ NODE_ENV: 'production' }), false);
    assert.equal(allow({ NODE_ENV: 'production', AGENTRY_ALLOW_PRIVATE_URLS: 'true' }), true);
    assert.equal(allow({ NODE_ENV: 'development', AGENTRY_ALLOW_PRIVATE_URLS: '0' }), false);
    assert.throws(() => loadAgentsEnv({ AGENTRY_ALLOW_PRIVATE_URLS: 'yes' }), /AGENTRY_ALLOW/);
    assert.equal(loadAgentsEnv({}).AGENT_CARD_REFRESH_MS, 300_000);
    assert.throws(() => loadAgentsEnv({ AGENT_CARD_REFRESH_MS: '10' }), /AGENT_CARD_REFRESH_MS/);
  });

  it('refuses private and loopback card URLs in production', async () => {
    const prod = await startTestSubgraph(agentsSubgraph, {
      env: { NODE_ENV: 'production', AGENTRY_ALLOW_PRIVATE_URLS: '0' },
    });
    try {
      const port = portOf(agents.worker.url);
      for (const cardUrl of [
        `http://127.0.0.1:${port}`,
        agents.worker.cardUrl,
        `http://localhost:${port}`,
        `http://[::1]:${port}`,
        'http://169.254.169.254/latest/meta-data',
        'http://10.0.0.1/agent',
      ]) {
        const res = await gql(
          prod.url,
          REGISTER,
          { i: { cardUrl, priceCredits: 1, category: 'demo' } },
          asPub,
        );
        assert.deepEqual(codes(res), ['BAD_USER_INPUT'], `${cardUrl}: ${JSON.stringify(res)}`);
        noLeak(res, cardUrl);
      }
      const [{ n }] = await prod.deps.dataSource.query(
        'SELECT (SELECT count(*) FROM agents.agents)::int + (SELECT count(*) FROM events.log)::int AS n',
      );
      assert.equal(n, 0, 'nothing was written');
    } finally {
      await prod.stop();
    }
  });

  it('marks an agent unavailable when its card stops answering, and available when it is back', async () => {
    const worker = agents.worker;
    const a = ok(await register({ cardUrl: worker.cardUrl, tags: ['work'] })).registerAgent;
    ok(await gql(sg.url, UPDATE, { id: a.id, i: { priceCredits: 9 } }, asPub));
    const seen = (await cardRow(a.id)).last_seen_at as Date;

    await worker.stop();
    const down = ok(await refresh(a.id)).refreshAgentCard;
    assert.equal(down.available, false);
    assert.equal(down.name, a.name, 'the last good card stays');
    assert.equal(down.url, a.url);
    assert.equal(down.priceCredits, 9, 'the price is the publisher’s');
    assert.equal(new Date(down.lastSeenAt).getTime(), seen.getTime(), 'not seen since');
    const row = await cardRow(a.id);
    assert.equal(row.available, false);
    assert.match(row.card_error, /^AGENT_UNREACHABLE: /);
    assert.ok(row.card_error.length <= 500);
    assert.ok(row.card_checked_at > seen);
    const listed = ok(
      await gql(
        sg.url,
        '{ agents(tag: "work") { edges { node { id available } } } }',
        {},
        await asAnonymous(),
      ),
    ).agents.edges.map((e: any) => e.node);
    assert.deepEqual(listed, [{ id: a.id, available: false }], 'still listed, as unavailable');

    agents.worker = await startExampleAgent('worker', { port: portOf(worker.url) });
    const up = ok(await refresh(a.id)).refreshAgentCard;
    assert.equal(up.available, true);
    assert.ok(new Date(up.lastSeenAt) > seen, 'seen again');
    assert.equal((await cardRow(a.id)).card_error, null);

    const evs = await events(a.id);
    assert.deepEqual(
      evs.map((e) => [e.topic, e.payload.available, e.payload.cardUrl, e.payload.priceCredits]),
      [
        ['agent.created', true, worker.cardUrl, 3],
        ['agent.updated', true, worker.cardUrl, 9],
        ['agent.updated', false, worker.cardUrl, 9],
        ['agent.updated', true, worker.cardUrl, 9],
      ],
    );
  });

  it('updates what the card says on refresh, and keeps price, category, tags, status and slug', async () => {
    const rpc = `${cards.base}/rpc`;
    cards.set('mutable', validCard(rpc));
    const tags = Array.from({ length: 19 }, (_, i) => `t${i}`);
    const a = ok(
      await register({ cardUrl: cards.url('mutable'), tags, category: 'maths' }),
    ).registerAgent;
    assert.deepEqual(a.tags, [...tags, 'math'], 'card tags fill up to 20, kebab-cased');
    assert.equal(a.slug, 'hand-rolled');
    assert.deepEqual(a.defaultOutputModes, ['application/json']);
    assert.deepEqual(a.skills[0].tags, ['math', 'a1', 'a2']);
    ok(await gql(sg.url, UPDATE, { id: a.id, i: { status: 'DRAFT' } }, asPub));

    cards.set(
      'mutable',
      validCard(`${cards.base}/rpc2`, {
        name: 'Hand Rolled Two',
        version: '0.2.0',
        capabilities: { streaming: true },
        skills: [{ id: 'mul', name: 'Multiply', tags: ['times'] }],
      }),
    );
    const r = ok(await refresh(a.id)).refreshAgentCard;
    assert.equal(r.name, 'Hand Rolled Two');
    assert.equal(r.version, '0.2.0');
    assert.equal(r.url, `${cards.base}/rpc2`);
    assert.equal(r.capabilities.streaming, true);
    assert.deepEqual(r.skills, [
      { id: 'mul', name: 'Multiply', description: '', tags: ['times'], examples: [] },
    ]);
    assert.equal(r.slug, 'hand-rolled', 'the slug never changes');
    assert.deepEqual(r.tags, a.tags, 'tags are the listing’s');
    assert.equal(r.category, 'maths');
    assert.equal(r.priceCredits, 3);
    assert.equal(r.status, 'DRAFT');
    assert.equal(r.available, true);

    // A card that turns invalid is a failed check: the agent keeps its last good fields.
    cards.set('mutable', { name: 'Broken' });
    const broken = ok(await refresh(a.id)).refreshAgentCard;
    assert.equal(broken.available, false);
    assert.equal(broken.name, 'Hand Rolled Two');
    assert.match((await cardRow(a.id)).card_error, /^BAD_USER_INPUT: The agent card/);
    const [last] = (await events(a.id)).slice(-1);
    assert.equal(last.topic, 'agent.updated');
    assert.equal(last.payload.available, false);
    assert.equal(last.payload.name, 'Hand Rolled Two');
  });

  it('lets only the provider or an admin refresh, and only agents with a card', async () => {
    const a = ok(await register({ cardUrl: agents.failing.cardUrl })).registerAgent;
    const evs = await eventCount();
    assert.deepEqual(codes(await refresh(a.id, asStranger)), ['FORBIDDEN']);
    assert.deepEqual(codes(await refresh(a.id, asOtherPub)), ['FORBIDDEN']);
    assert.deepEqual(codes(await refresh(a.id, await asAnonymous())), ['UNAUTHENTICATED']);
    assert.equal(await eventCount(), evs, 'a refused refresh changes nothing');
    assert.equal((await cardRow(a.id)).card_checked_at.getTime(), new Date(a.lastSeenAt).getTime());

    const byAdmin = ok(await refresh(a.id, asAdmin)).refreshAgentCard;
    assert.equal(byAdmin.available, true);
    assert.equal(await eventCount(), evs + 1, 'a refresh someone asked for is published');

    const byHand = ok(
      await gql(
        sg.url,
        CREATE,
        {
          i: {
            name: 'Manual',
            url: 'https://manual.example.com/a2a',
            version: '1',
            category: 'demo',
            priceCredits: 1,
          },
        },
        asPub,
      ),
    ).createAgent;
    const manual = await refresh(byHand.id);
    assert.deepEqual(codes(manual), ['BAD_USER_INPUT']);
    const fields = ok(
      await gql(
        sg.url,
        'query($id: ID) { agent(id: $id) { cardUrl available lastSeenAt } }',
        { id: byHand.id },
        asPub,
      ),
    ).agent;
    assert.deepEqual(fields, { cardUrl: null, available: true, lastSeenAt: null });
    assert.deepEqual(codes(await refresh(randomUUID())), ['NOT_FOUND']);
    assert.deepEqual(codes(await refresh('42')), ['BAD_USER_INPUT']);
  });

  it('the periodic round marks dead agents unavailable and live ones available again', async () => {
    const failing = agents.failing;
    const [{ id }] = await sg.deps.dataSource.query(
      'SELECT id FROM agents.agents WHERE card_url = $1',
      [failing.cardUrl],
    );
    const settings = { allowPrivate: true, timeoutMs: 2000 };
    const eventsBefore = await eventCount();
    const quiet = await refreshRound(sg.deps.dataSource, agentCards(settings), sg.deps.log);
    assert.ok(quiet.checked >= 5, `checked ${quiet.checked}`);
    assert.equal(await eventCount(), eventsBefore, 'unchanged cards publish nothing');
    const updatesOf = () =>
      count(
        `SELECT count(*)::int AS n FROM events.log WHERE key = $1 AND topic = 'agent.updated'`,
        [id],
      );
    const before = await updatesOf();

    await failing.stop();
    // The timer itself, at its shortest interval, finds the dead card.
    const stop = startRefresher(sg.deps.dataSource, agentCards(settings), 1000, sg.deps.log);
    try {
      await waitFor(
        'the refresher to mark the dead agent unavailable',
        async () => !(await cardRow(id)).available,
        8000,
      );
    } finally {
      await stop();
    }
    assert.match((await cardRow(id)).card_error, /^AGENT_UNREACHABLE/);
    assert.equal(await updatesOf(), before + 1, 'the change was published once');

    const again = await refreshRound(sg.deps.dataSource, agentCards(settings), sg.deps.log);
    assert.ok(again.unavailable >= 1);
    assert.equal(await updatesOf(), before + 1, 'an unchanged outcome is not published again');

    agents.failing = await startExampleAgent('failing', { port: portOf(failing.url) });
    await refreshRound(sg.deps.dataSource, agentCards(settings), sg.deps.log);
    const row = await cardRow(id);
    assert.equal(row.available, true);
    assert.equal(row.card_error, null);
    assert.equal(await updatesOf(), before + 2);
    const [last] = (await events(id)).slice(-1);
    assert.equal(last.payload.available, true);

    const limited = await refreshRound(sg.deps.dataSource, agentCards(settings), sg.deps.log, {
      limit: 2,
    });
    assert.equal(limited.checked, 2, 'a round reads at most its limit');
  });
});
