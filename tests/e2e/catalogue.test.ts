import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPlatform, type Platform } from '@agentry/devstack';
import { startExampleAgent, type RunningExampleAgent } from '@agentry/example-agents';
import { codes, gql, ok, testDatabase, testSecrets, waitFor } from '@agentry/testing';
import { seedDemo, signIn, type ExampleUrls } from '../../scripts/seed';

/**
 * What the web client's marketplace and publisher console ask of the agents subgraph: sorting
 * (rating comes from review events), filter facets, and a card preview that saves nothing.
 */
describe('catalogue: sort, facets, card preview', { timeout: 240_000 }, () => {
  let platform: Platform;
  const agents: RunningExampleAgent[] = [];
  let extra: RunningExampleAgent;

  const LIST = `query($sort: AgentSort, $first: Int, $after: String, $search: String) {
    agents(sort: $sort, first: $first, after: $after, search: $search) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { name priceCredits rating { average } } }
    }
  }`;
  const names = (r: any) => r.agents.edges.map((e: any) => e.node.name) as string[];

  before(async () => {
    const urls: Record<string, string> = {};
    for (const n of ['echo', 'worker', 'interviewer', 'failing', 'slowpoke'] as const) {
      const a = await startExampleAgent(n);
      agents.push(a);
      urls[n] = a.url;
    }
    extra = await startExampleAgent('echo');
    agents.push(extra);
    const databaseUrl = await testDatabase('catalogue');
    platform = await startPlatform({
      databaseUrl,
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn' },
    });
    await seedDemo(platform.gatewayUrl, databaseUrl, urls as ExampleUrls, () => {});
  });
  after(async () => {
    await platform?.stop();
    await Promise.all(agents.map((a) => a.stop()));
  });

  it('sorts by rating from the reviews, unrated agents last', async () => {
    // The seed's reviews: Code Reviewer 5, Research Scout 4.5, SQL Whisperer 4, Echo 3.
    const rated = ['Code Reviewer', 'Research Scout', 'SQL Whisperer', 'Echo'];
    const top = await waitFor('the rating projection', async () => {
      const r = ok(await gql(platform.gatewayUrl, LIST, { sort: 'RATING', first: 4 }));
      return names(r).join() === rated.join() ? r : undefined;
    });
    assert.deepEqual(
      top.agents.edges.map((e: any) => e.node.rating.average),
      [5, 4.5, 4, 3],
    );
    const rest = ok(
      await gql(platform.gatewayUrl, LIST, {
        sort: 'RATING',
        first: 50,
        after: top.agents.pageInfo.endCursor,
      }),
    );
    assert.equal(rest.agents.edges.length, top.agents.totalCount - 4);
    assert.ok(rest.agents.edges.every((e: any) => e.node.rating.average === null));
  });

  it('sorts by price both ways, page by page, without losing or repeating an agent', async () => {
    for (const [sort, cmp] of [
      ['PRICE_LOW', (a: number, b: number) => a - b],
      ['PRICE_HIGH', (a: number, b: number) => b - a],
    ] as const) {
      const seen: { name: string; priceCredits: number }[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const r: any = ok(await gql(platform.gatewayUrl, LIST, { sort, first: 3, after }));
        seen.push(...r.agents.edges.map((e: any) => e.node));
        if (!r.agents.pageInfo.hasNextPage) break;
        after = r.agents.pageInfo.endCursor;
      }
      const prices = seen.map((a) => a.priceCredits);
      assert.deepEqual(prices, [...prices].sort(cmp), sort);
      assert.equal(new Set(seen.map((a) => a.name)).size, 11, `${sort}: all 11, once each`);
    }
  });

  it('combines a search with a sort, and refuses a cursor of another order', async () => {
    const r = ok(await gql(platform.gatewayUrl, LIST, { search: 'review', sort: 'PRICE_HIGH' }));
    assert.ok(names(r).includes('Code Reviewer'));
    const newest = ok(await gql(platform.gatewayUrl, LIST, { sort: 'NEWEST', first: 1 }));
    const bad = await gql(platform.gatewayUrl, LIST, {
      sort: 'PRICE_LOW',
      after: newest.agents.pageInfo.endCursor,
    });
    assert.deepEqual(codes(bad), ['BAD_USER_INPUT']);
  });

  it('counts categories and tags of published agents', async () => {
    const { agentFacets } = ok(
      await gql(
        platform.gatewayUrl,
        '{ agentFacets { categories { value count } tags { value count } } }',
      ),
    );
    const dev = agentFacets.categories.find((c: any) => c.value === 'developer-tools');
    assert.equal(dev.count, 3); // Echo, Failing, Slowpoke
    assert.ok(agentFacets.tags.some((t: any) => t.value === 'testing' && t.count >= 2));
    const counts = agentFacets.categories.map((c: any) => c.count);
    assert.deepEqual(
      counts,
      [...counts].sort((a: number, b: number) => b - a),
    );
  });

  it('previews a live card for publishers only, and saves nothing', async () => {
    const PREVIEW = `query($u: String!) { previewAgentCard(cardUrl: $u) {
      cardUrl name version url skills { name } capabilities { streaming } defaultInputModes } }`;
    const ada = (await signIn(platform.gatewayUrl, 'ada'))!.token;
    const grace = (await signIn(platform.gatewayUrl, 'grace'))!.token;
    const before = ok(await gql(platform.gatewayUrl, LIST, {})).agents.totalCount;

    const { previewAgentCard: card } = ok(
      await gql(platform.gatewayUrl, PREVIEW, { u: extra.url }, ada),
    );
    assert.equal(card.name, 'Echo');
    assert.equal(card.cardUrl, `${extra.url}/.well-known/agent-card.json`);
    assert.ok(card.skills.length > 0);
    assert.equal(ok(await gql(platform.gatewayUrl, LIST, {})).agents.totalCount, before);

    assert.deepEqual(codes(await gql(platform.gatewayUrl, PREVIEW, { u: extra.url }, grace)), [
      'FORBIDDEN',
    ]);
    assert.deepEqual(codes(await gql(platform.gatewayUrl, PREVIEW, { u: extra.url })), [
      'UNAUTHENTICATED',
    ]);
    assert.deepEqual(codes(await gql(platform.gatewayUrl, PREVIEW, { u: 'not a url' }, ada)), [
      'BAD_USER_INPUT',
    ]);
    const down = await gql(platform.gatewayUrl, PREVIEW, { u: 'http://127.0.0.1:9/' }, ada);
    assert.deepEqual(codes(down), ['AGENT_UNREACHABLE']);
    assert.doesNotMatch(JSON.stringify(down.errors), /at \w+ \(|\.ts:\d+|SELECT /);
  });
});
