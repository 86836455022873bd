import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPlatform, type Platform } from '@agentry/devstack';
import { startExampleAgent, type RunningExampleAgent } from '@agentry/example-agents';
import {
  codes,
  gql,
  ok,
  startTcpProxy,
  testDatabase,
  testGraph,
  testSecrets,
  waitFor,
  type TcpProxy,
  type TestGraph,
} from '@agentry/testing';
import { seedDemo, signIn, type ExampleUrls } from '../../scripts/seed';

/**
 * The knowledge subgraph in the platform, on the demo data `npm start` loads: similar agents and
 * recommendations through the gateway, and the rest of the supergraph when Neo4j goes away.
 */
describe('knowledge graph through the gateway, on the demo data', { timeout: 300_000 }, () => {
  let platform: Platform;
  let graph: TestGraph;
  let proxy: TcpProxy;
  const agents: RunningExampleAgent[] = [];

  const SIMILAR = `query($slug: String!) {
    agent(slug: $slug) { name similarAgents { agent { name } score reasons } }
  }`;
  const RECOMMENDED = '{ me { name recommendedAgents { agent { name } score reasons } } }';

  before(async () => {
    const urls: Record<string, string> = {};
    for (const n of ['echo', 'worker', 'interviewer', 'failing', 'slowpoke'] as const) {
      const a = await startExampleAgent(n);
      agents.push(a);
      urls[n] = a.url;
    }
    graph = await testGraph('e2e_knowledge');
    // Neo4j behind a proxy the test can cut, as a network failure would.
    proxy = await startTcpProxy(Number(new URL(graph.url).port));
    const databaseUrl = await testDatabase('knowledge_e2e');
    platform = await startPlatform({
      databaseUrl,
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn' },
      serviceEnv: {
        knowledge: {
          NEO4J_URL: `bolt://127.0.0.1:${proxy.port}`,
          NEO4J_USER: graph.user,
          NEO4J_PASSWORD: graph.password,
          KNOWLEDGE_GRAPH_PREFIX: graph.prefix,
          KNOWLEDGE_QUERY_TIMEOUT_MS: '30000',
        },
      },
    });
    await seedDemo(
      platform.gatewayUrl,
      databaseUrl,
      urls as ExampleUrls,
      () => {},
      {},
      {
        knowledgeDemo: true,
      },
    );
  });
  after(async () => {
    await platform?.stop();
    await proxy?.stop();
    await graph?.drop();
    await Promise.all(agents.map((a) => a.stop()));
  });

  it('agent(slug) { similarAgents } names the agents sharing skills, tags and category', async () => {
    const res = await waitFor('the demo agents in the graph', async () => {
      const r = ok(await gql(platform.gatewayUrl, SIMILAR, { slug: 'research-scout' }));
      return r.agent.similarAgents.length >= 2 ? r : undefined;
    });
    const [first, second] = res.agent.similarAgents;
    assert.deepEqual([first.agent.name, second.agent.name].sort(), [
      'Market Analyst',
      'Paper Digest',
    ]);
    assert.ok(first.reasons.includes('1 shared skill: Research brief'), first.reasons.join());
    assert.ok(first.reasons.includes('same category: research'));
    assert.ok(first.score > 0 && first.score <= 1);
  });

  it('me { recommendedAgents } suggests what users with similar hires liked, not what you hired', async () => {
    const grace = (await signIn(platform.gatewayUrl, 'grace'))!;
    const res = await waitFor('the crowd hires in the graph', async () => {
      const r = ok(await gql(platform.gatewayUrl, RECOMMENDED, {}, grace.token));
      return r.me.recommendedAgents[0]?.score >= 0.5 ? r : undefined;
    });
    const names = res.me.recommendedAgents.map((r: { agent: { name: string } }) => r.agent.name);
    assert.equal(names[0], 'Code Reviewer', names.join());
    for (const hired of ['Research Scout', 'SQL Whisperer', 'Echo'])
      assert.ok(!names.includes(hired), `${hired} is already hired`);
    assert.match(res.me.recommendedAgents[0].reasons[0], /users whose hires are like yours/);
  });

  it('answers SERVICE_UNAVAILABLE while Neo4j is unreachable; the rest of the supergraph works', async () => {
    proxy.pause();
    proxy.dropAll();
    try {
      const res = await gql(
        platform.gatewayUrl,
        '{ agents(first: 3) { totalCount } skills { name } }',
      );
      assert.ok(res.data?.agents?.totalCount > 0, 'the catalogue still answers');
      assert.deepEqual(codes(res), ['SERVICE_UNAVAILABLE']);
      assert.ok(!JSON.stringify(res).includes('bolt'), 'no internals leak');
    } finally {
      proxy.resume();
    }
    await waitFor('the graph again', async () => {
      const r = await gql(platform.gatewayUrl, SIMILAR, { slug: 'research-scout' });
      return !r.errors && r.data?.agent?.similarAgents.length ? true : undefined;
    });
  });
});
