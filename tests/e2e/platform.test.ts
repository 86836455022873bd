import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { SUBGRAPHS, startPlatform, type Platform } from '@agentry/devstack';
import { startExampleAgents, type RunningExampleAgent } from '@agentry/example-agents';
import {
  API_SCHEMAS,
  codes,
  gql,
  ok,
  tableRowCounts,
  testDatabase,
  testSecrets,
  waitFor,
} from '@agentry/testing';
import { DEMO_USERS, seedDemo, signIn, type ExampleUrls } from '../../scripts/seed';

/**
 * End to end across processes: five subgraphs and the gateway as `npm start` runs them, on free
 * ports, against a fresh database, loaded with the demo data through the public API.
 */
describe('platform end to end', { timeout: 240_000 }, () => {
  let platform: Platform;
  let db: Client;
  let gw: string;
  let grace: { token: string; id: string };
  let alan: { token: string; id: string };
  let ada: { token: string; id: string };
  let admin: { token: string; id: string };
  let examples: RunningExampleAgent[] = [];

  before(async () => {
    const databaseUrl = await testDatabase('e2e_platform');
    platform = await startPlatform({
      databaseUrl,
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', AGENTRY_DEBUG_SQL: '1', LOG_LEVEL: 'warn' },
    });
    gw = platform.gatewayUrl;
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    examples = await startExampleAgents(undefined, { basePort: 0 });
    const urls = Object.fromEntries(examples.map((a) => [a.name, a.url])) as ExampleUrls;
    await seedDemo(gw, databaseUrl, urls, () => {});
    grace = (await signIn(gw, 'grace'))!;
    alan = (await signIn(gw, 'alan'))!;
    ada = (await signIn(gw, 'ada'))!;
    admin = (await signIn(gw, 'admin'))!;
  });
  after(async () => {
    await db?.end();
    await platform?.stop();
    await Promise.all(examples.map((a) => a.stop()));
  });

  /** Row counts of every table the API writes, to prove bad input changes nothing. */
  const snapshot = () => tableRowCounts(db, API_SCHEMAS);

  it('serves one query that spans all five subgraphs', async () => {
    const res = ok(
      await gql(
        gw,
        `{
          agents(first: 20) { totalCount edges { node {
            name provider { name }
            rating { average count }
            reviews(first: 2) { edges { node { rating author { name } } } }
            tasks { totalCount }
          } } }
          me { name wallet { balance available } }
        }`,
        {},
        grace.token,
      ),
    );
    assert.equal(res.me.name, DEMO_USERS.grace.name);
    assert.equal(res.me.wallet.balance, 1500, 'welcome grant 1000 + demo top-up 500');
    const scout = res.agents.edges
      .map((e: any) => e.node)
      .find((n: any) => n.name === 'Research Scout');
    assert.equal(scout.provider.name, DEMO_USERS.ada.name);
    assert.equal(scout.rating.count, 2);
    assert.equal(scout.rating.average, 4.5);
    assert.deepEqual(
      scout.reviews.edges.map((e: any) => e.node.author.name).sort(),
      [DEMO_USERS.alan.name, DEMO_USERS.grace.name].sort(),
    );
    assert.equal(scout.tasks.totalCount, 1, "grace sees her own task with the agent, not alan's");
    const asAda = ok(
      await gql(
        gw,
        '{ agents(search: "research") { edges { node { name tasks { totalCount } } } } }',
        {},
        ada.token,
      ),
    );
    assert.equal(asAda.agents.edges[0].node.name, 'Research Scout');
    assert.equal(
      asAda.agents.edges[0].node.tasks.totalCount,
      2,
      'the publisher sees every task with the agent',
    );
  });

  it('signs up, signs in, uses an API key, revokes it, and the key is refused', async () => {
    const s = ok(
      await gql(
        gw,
        'mutation { signUp(input: {email: "newbie@example.com", password: "long enough", name: "Newbie"}) { token user { id email } } }',
      ),
    );
    assert.equal(s.signUp.user.email, 'newbie@example.com');
    const signedIn = ok(
      await gql(
        gw,
        'mutation { signIn(email: "newbie@example.com", password: "long enough") { token } }',
      ),
    );
    const token = signedIn.signIn.token;
    const me = ok(await gql(gw, '{ me { id name roles wallet { balance } } }', {}, token));
    assert.equal(me.me.id, s.signUp.user.id);
    assert.equal(me.me.wallet.balance, 1000, 'welcome grant');
    const key = ok(
      await gql(
        gw,
        'mutation { createApiKey(name: "integration", scopes: ["tasks:read", "billing:read"]) { secret apiKey { id prefix } } }',
        {},
        token,
      ),
    ).createApiKey;
    const viaKey = ok(await gql(gw, '{ me { id wallet { balance } } }', {}, key.secret));
    assert.equal(viaKey.me.id, s.signUp.user.id);
    const used = ok(await gql(gw, '{ me { apiKeys { id lastUsedAt } } }', {}, token));
    assert.ok(
      used.me.apiKeys.find((k: any) => k.id === key.apiKey.id).lastUsedAt,
      'lastUsedAt is recorded',
    );
    assert.equal(
      ok(
        await gql(gw, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: key.apiKey.id }, token),
      ).revokeApiKey,
      true,
    );
    const refused = await gql(gw, '{ me { id } }', {}, key.secret);
    assert.equal(refused.status, 401);
    assert.deepEqual(codes(refused), ['UNAUTHENTICATED']);
    const garbage = await gql(gw, '{ me { id } }', {}, 'not-a-token');
    assert.deepEqual(codes(garbage), ['UNAUTHENTICATED']);
  });

  it("never shows another user's wallet, tasks or API keys", async () => {
    const res = await gql(
      gw,
      'query($id: ID!) { user(id: $id) { name wallet { balance } } }',
      { id: grace.id },
      alan.token,
    );
    assert.deepEqual(codes(res), ['FORBIDDEN']);
    assert.equal(res.data?.user?.wallet ?? null, null);
    const keys = await gql(
      gw,
      'query($id: ID!) { user(id: $id) { apiKeys { id } } }',
      { id: grace.id },
      alan.token,
    );
    assert.deepEqual(codes(keys), ['FORBIDDEN']);
    assert.doesNotMatch(JSON.stringify(keys.data), /prefix|agy_/);
    const graceTasks = ok(await gql(gw, '{ myTasks { edges { node { id } } } }', {}, grace.token))
      .myTasks.edges;
    assert.ok(graceTasks.length > 0);
    const stolen = await gql(
      gw,
      'query($id: ID!) { task(id: $id) { id messages { text } } }',
      { id: graceTasks[0].node.id },
      alan.token,
    );
    // Another user's task does not exist for them: null, like any unknown id.
    assert.deepEqual(codes(stolen), [], JSON.stringify(stolen));
    assert.equal(stolen.data?.task ?? null, null);
    const anon = await gql(gw, 'query($id: ID!) { task(id: $id) { id } }', {
      id: graceTasks[0].node.id,
    });
    assert.ok(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND'].includes(codes(anon)[0]));
  });

  it('every subgraph refuses a caller without the gateway signature', async () => {
    for (const name of SUBGRAPHS) {
      const res = await gql(`${platform.subgraphs[name].baseUrl}/graphql`, '{ __typename }');
      assert.equal(res.status, 401, name);
      assert.deepEqual(codes(res), ['UNAUTHENTICATED'], name);
    }
  });

  it('serves Prometheus metrics on every service, by operation, outcome and code', async () => {
    await gql(
      gw,
      'query MetricsProbe { agents(first: 2) { edges { node { name provider { name } } } } }',
    );
    await gql(gw, 'query MetricsProbeBad { agent(id: "not-an-id") { id } }');
    const scrape = async (baseUrl: string) => {
      const res = await fetch(`${baseUrl}/metrics`);
      assert.equal(res.status, 200, baseUrl);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      return res.text();
    };
    const gateway = await scrape(platform.gateway.baseUrl);
    const series = (text: string, name: string) =>
      text.split('\n').filter((l) => l.startsWith(name) && !l.startsWith('#'));
    assert.ok(
      series(gateway, 'agentry_graphql_operation_duration_seconds_count').some(
        (l) =>
          /operation="MetricsProbe"/.test(l) && /outcome="ok"/.test(l) && /type="query"/.test(l),
      ),
      'the federated query is counted by name and outcome',
    );
    assert.ok(
      series(gateway, 'agentry_graphql_errors_total').some(
        (l) => /code="BAD_USER_INPUT"/.test(l) && /operation="MetricsProbeBad"/.test(l),
      ),
      'errors are counted by code',
    );
    for (const name of ['agents', 'users'])
      assert.ok(
        series(gateway, 'agentry_subgraph_fetch_duration_seconds_count').some((l) =>
          l.includes(`subgraph="${name}",outcome="2xx"`),
        ),
        `fetches to ${name} are timed`,
      );
    for (const name of [
      'agentry_websockets_open',
      'agentry_subscriptions_active',
      'agentry_process_resident_memory_bytes',
    ])
      assert.ok(series(gateway, name).length, name);
    for (const name of SUBGRAPHS) {
      const text = await scrape(platform.subgraphs[name].baseUrl);
      assert.ok(series(text, 'agentry_db_pool_connections').length, `${name}: pool`);
      // Those the probe's query reached have counted its fetch.
      if (name === 'agents' || name === 'users')
        assert.ok(
          series(text, 'agentry_graphql_operation_duration_seconds_count').length,
          `${name}: operations`,
        );
      assert.match(text, new RegExp(`service="${name}"`));
    }
    const tasks = await scrape(platform.subgraphs.tasks.baseUrl);
    for (const name of ['agentry_task_queue_depth', 'agentry_task_queue_oldest_seconds'])
      assert.ok(series(tasks, name).length, name);
    const billing = await scrape(platform.subgraphs.billing.baseUrl);
    assert.ok(
      series(billing, 'agentry_events_consumer_lag_events').some((l) =>
        l.includes('consumer="billing.'),
      ),
      'consumer lag of billing consumers',
    );
  });

  it('answers bad input with coded errors and changes nothing', async () => {
    const agentId = ok(await gql(gw, '{ agents(first: 1) { edges { node { id } } } }')).agents
      .edges[0].node.id;
    const cases: [string, string, Record<string, unknown>, string | undefined, string][] = [
      [
        'empty email',
        'mutation($i: SignUpInput!) { signUp(input: $i) { token } }',
        { i: { email: '', password: 'long enough', name: 'X' } },
        undefined,
        'BAD_USER_INPUT',
      ],
      [
        'invalid email',
        'mutation($i: SignUpInput!) { signUp(input: $i) { token } }',
        { i: { email: 'nope', password: 'long enough', name: 'X' } },
        undefined,
        'BAD_USER_INPUT',
      ],
      [
        'short password',
        'mutation($i: SignUpInput!) { signUp(input: $i) { token } }',
        { i: { email: 'x@example.com', password: 'short', name: 'X' } },
        undefined,
        'BAD_USER_INPUT',
      ],
      [
        'oversized name',
        'mutation($i: SignUpInput!) { signUp(input: $i) { token } }',
        { i: { email: 'y@example.com', password: 'long enough', name: 'n'.repeat(5000) } },
        undefined,
        'BAD_USER_INPUT',
      ],
      [
        'rating 6',
        'mutation($a: ID!) { reviewAgent(agentId: $a, rating: 6, title: "t", body: "b") { id } }',
        { a: agentId },
        'grace',
        'BAD_USER_INPUT',
      ],
      [
        'negative price',
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name: 'Neg',
            description: 'd',
            url: 'http://127.0.0.1:1',
            version: '1',
            category: 'data',
            tags: [],
            priceCredits: -1,
            skills: [],
            capabilities: {
              streaming: false,
              pushNotifications: false,
              stateTransitionHistory: false,
            },
          },
        },
        'ada',
        'BAD_USER_INPUT',
      ],
      [
        'oversized description',
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name: 'Big',
            description: 'd'.repeat(100_000),
            url: 'http://127.0.0.1:1',
            version: '1',
            category: 'data',
            tags: [],
            priceCredits: 1,
            skills: [],
            capabilities: {
              streaming: false,
              pushNotifications: false,
              stateTransitionHistory: false,
            },
          },
        },
        'ada',
        'BAD_USER_INPUT',
      ],
      [
        'unknown agent id',
        'mutation { reviewAgent(agentId: "00000000-0000-4000-8000-000000000000", rating: 5, title: "t", body: "b") { id } }',
        {},
        'grace',
        'NOT_FOUND',
      ],
      // An unknown task id is not bad input: by-id queries answer null (tests/e2e/authorization).
      [
        'malformed id',
        '{ task(id: "1; DROP TABLE tasks.tasks") { id } }',
        {},
        'grace',
        'BAD_USER_INPUT',
      ],
      [
        'malformed cursor',
        '{ agents(first: 2, after: "garbage!") { totalCount } }',
        {},
        undefined,
        'BAD_USER_INPUT',
      ],
      [
        'forged cursor',
        `{ agents(first: 2, after: "${Buffer.from('["x", "1 OR 1=1"]').toString('base64url')}") { totalCount } }`,
        {},
        undefined,
        'BAD_USER_INPUT',
      ],
      [
        'page too large',
        '{ agents(first: 100000) { totalCount } }',
        {},
        undefined,
        'BAD_USER_INPUT',
      ],
      [
        'grant by non-admin',
        'mutation($u: ID!) { grantCredits(userId: $u, amount: 100, reason: "free money") { balance } }',
        { u: grace.id },
        'grace',
        'FORBIDDEN',
      ],
      [
        'zero grant',
        'mutation($u: ID!) { grantCredits(userId: $u, amount: 0, reason: "nothing") { balance } }',
        { u: grace.id },
        'admin',
        'BAD_USER_INPUT',
      ],
      [
        'publish as plain user',
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name: 'Mine',
            description: 'd',
            url: 'http://127.0.0.1:1',
            version: '1',
            category: 'data',
            tags: [],
            priceCredits: 1,
            skills: [],
            capabilities: {
              streaming: false,
              pushNotifications: false,
              stateTransitionHistory: false,
            },
          },
        },
        'grace',
        'FORBIDDEN',
      ],
    ];
    const tokens: Record<string, string> = {
      grace: grace.token,
      ada: ada.token,
      admin: admin.token,
    };
    const before = await snapshot();
    for (const [label, query, variables, who, code] of cases) {
      const res = await gql(gw, query, variables, who ? tokens[who] : undefined);
      assert.equal(codes(res)[0], code, `${label}: ${JSON.stringify(res.errors)}`);
      assert.ok(res.errors![0].message.length > 0, label);
      assert.doesNotMatch(
        JSON.stringify(res),
        /stacktrace|SELECT |INSERT |QueryFailedError|at .*\.ts:/,
        label,
      );
    }
    assert.deepEqual(await snapshot(), before, 'no table changed');
  });

  it('resolves 10 or 50 agents with provider, rating and reviews in the same number of SQL statements', async () => {
    for (let i = 0; i < 45; i++) {
      ok(
        await gql(
          gw,
          'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
          {
            i: {
              name: `Bulk agent ${i}`,
              description: 'Load for the N+1 check',
              url: `http://127.0.0.1:${5000 + i}`,
              version: '1.0.0',
              category: 'bulk',
              tags: ['bulk'],
              priceCredits: i,
              skills: [{ id: 's', name: 'Skill', description: 'd', tags: [], examples: [] }],
              capabilities: {
                streaming: false,
                pushNotifications: false,
                stateTransitionHistory: false,
              },
            },
          },
          ada.token,
        ),
      );
    }
    const query = `query($n: Int!, $after: String) { agents(first: $n, after: $after) { edges { node {
      name provider { name } rating { average count histogram { stars count } }
      reviews(first: 2) { totalCount edges { node { rating title author { name } } } }
      tasks { totalCount }
    } } } }`;
    const counts = async () => {
      const out: Record<string, number> = {};
      for (const name of SUBGRAPHS) {
        const r = await fetch(`${platform.subgraphs[name].baseUrl}/debug/sql`);
        out[name] = ((await r.json()) as { count: number }).count;
      }
      return out;
    };
    const measure = async (n: number, after?: string) => {
      const before = await counts();
      const res = ok(await gql(gw, query, { n, after }, grace.token));
      assert.equal(res.agents.edges.length, n);
      const afterCounts = await counts();
      return Object.fromEntries(SUBGRAPHS.map((s) => [s, afterCounts[s] - before[s]]));
    };
    // The query plan depends on the data (no reviews, no author fetch), so both pages must hold
    // reviewed agents: the 10 are the oldest (the demo agents), the 50 the newest.
    const all = ok(await gql(gw, '{ agents(first: 100) { edges { cursor } } }')).agents.edges;
    assert.ok(all.length >= 52);
    const ten = await measure(10, all[all.length - 11].cursor);
    const fifty = await measure(50);
    assert.deepEqual(
      fifty,
      ten,
      `statements per subgraph: 10 agents ${JSON.stringify(ten)}, 50 agents ${JSON.stringify(fifty)}`,
    );
    for (const s of SUBGRAPHS) assert.ok(ten[s] <= 8, `${s} issued ${ten[s]} statements`);
  });

  // Last: it stops and restarts subgraphs.
  it('answers with what it has when a subgraph is down, and says which one in /ready', async () => {
    const query = `{
      agents(first: 5) { edges { node {
        name provider { name } rating { average count }
        reviews(first: 2) { edges { node { rating } } } tasks { totalCount }
      } } }
      me { name wallet { balance } }
    }`;
    const ready = async () =>
      (await (await fetch(`${platform.gateway.baseUrl}/ready`)).json()) as {
        status: string;
        subgraphs: Record<string, string>;
      };
    assert.deepEqual(
      (await ready()).subgraphs,
      Object.fromEntries(SUBGRAPHS.map((n) => [n, 'up'])),
    );
    // What each subgraph contributes to the query, and a field of another that must survive.
    const checks: Record<string, { lost: (d: any) => boolean; kept: (d: any) => boolean }> = {
      users: {
        lost: (d) => d.me == null,
        kept: (d) => d.agents.edges.length > 0 && d.agents.edges[0].node.name,
      },
      reviews: {
        lost: (d) => d.agents.edges.every((e: any) => e.node.reviews == null),
        kept: (d) => d.me.name && d.agents.edges[0].node.provider?.name,
      },
      billing: {
        lost: (d) => d.me?.wallet == null,
        kept: (d) => d.me.name && d.agents.edges.length,
      },
      tasks: {
        lost: (d) => d.agents.edges.every((e: any) => e.node.tasks == null),
        kept: (d) => d.me.wallet.balance >= 0 && d.agents.edges[0].node.name,
      },
      agents: { lost: (d) => d.agents == null, kept: (d) => d.me.name },
    };
    // The knowledge subgraph's own outage (Neo4j cut) is tests/e2e/knowledge's.
    for (const name of SUBGRAPHS.filter((n) => n !== 'knowledge')) {
      await platform.subgraphs[name].stop();
      try {
        const res = await gql(gw, query, {}, grace.token);
        assert.equal(res.status, 200, `${name} down: still 200`);
        assert.ok(res.data, `${name} down: data for the rest`);
        assert.ok(checks[name].lost(res.data), `${name} down: its fields are null`);
        assert.ok(checks[name].kept(res.data), `${name} down: the others' fields are there`);
        assert.ok(res.errors?.length, `${name} down: an error says so`);
        for (const e of res.errors!) {
          assert.equal(e.extensions?.code, 'SERVICE_UNAVAILABLE', `${name}: ${JSON.stringify(e)}`);
          assert.ok(Number(e.extensions?.retryAfter) > 0, 'retryable');
          assert.doesNotMatch(JSON.stringify(e), /ECONNREFUSED|127\.0\.0\.1|stack/);
        }
        // Readiness answers are cached for a second.
        const r = await waitFor(`/ready to see ${name} down`, async () => {
          const now = await ready();
          return now.subgraphs[name] === 'down' && now;
        });
        assert.equal(r.status, 'degraded');
      } finally {
        platform.subgraphs[name] = await platform.restart(name);
      }
      assert.deepEqual(codes(await gql(gw, query, {}, grace.token)), [], `${name} is back`);
    }
  });
});
