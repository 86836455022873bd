import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { asAnonymous, asUser, codes, gql, ok, sqlCount, startTestSubgraph } from '@agentry/testing';
import { agentsSubgraph } from '../src/subgraph';
import { noLeak } from './helpers';

const AGENT_FIELDS = `id slug name description url version provider { id }
  skills { id name description tags examples }
  capabilities { streaming pushNotifications stateTransitionHistory }
  defaultInputModes defaultOutputModes category tags priceCredits status createdAt updatedAt`;
const CREATE = `mutation($i: CreateAgentInput!) { createAgent(input: $i) { ${AGENT_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateAgentInput!) { updateAgent(id: $id, input: $i) { ${AGENT_FIELDS} } }`;
const LIST = `query($search: String, $category: String, $tag: String, $first: Int, $after: String) {
  agents(search: $search, category: $category, tag: $tag, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name status } }
  } }`;
const BY_ID = 'query($id: ID) { agent(id: $id) { id name status } }';

const input = (extra: Record<string, unknown> = {}) => ({
  name: 'Test Agent',
  description: 'Does test things.',
  url: 'https://agents.example.com/a2a',
  version: '1.0.0',
  category: 'testing',
  tags: ['test'],
  priceCredits: 5,
  skills: [
    { id: 'run', name: 'Run', description: 'Runs a thing.', tags: ['x'], examples: ['run it'] },
  ],
  capabilities: { streaming: true, pushNotifications: false, stateTransitionHistory: false },
  ...extra,
});

describe('agents subgraph', () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  const publisher = randomUUID();
  const otherPublisher = randomUUID();
  const stranger = randomUUID();
  const admin = randomUUID();
  let asPub: Record<string, string>;
  let asOtherPub: Record<string, string>;
  let asStranger: Record<string, string>;
  let asAdmin: Record<string, string>;

  before(async () => {
    sg = await startTestSubgraph(agentsSubgraph);
    asPub = await asUser(publisher, ['USER', 'PUBLISHER']);
    asOtherPub = await asUser(otherPublisher, ['USER', 'PUBLISHER']);
    asStranger = await asUser(stranger, ['USER']);
    asAdmin = await asUser(admin, ['USER', 'ADMIN']);
  });
  after(() => sg?.stop());

  const create = async (extra: Record<string, unknown> = {}, auth?: Record<string, string>) =>
    ok(await gql(sg.url, CREATE, { i: input(extra) }, auth ?? asPub)).createAgent;
  const rowCount = async () =>
    (await sg.deps.dataSource.query('SELECT count(*)::int AS n FROM agents.agents'))[0].n as number;
  const list = async (vars: Record<string, unknown>, auth?: Record<string, string>) =>
    ok(await gql(sg.url, LIST, vars, auth ?? (await asAnonymous()))).agents;

  it('creates an agent as a publisher, with a derived slug and normalised fields', async () => {
    const a = await create({
      name: '  Café Research Bot  ',
      tags: ['research', 'cafe', 'research'],
      defaultOutputModes: undefined,
    });
    assert.equal(a.name, 'Café Research Bot');
    assert.equal(a.slug, 'cafe-research-bot');
    assert.equal(a.provider.id, publisher);
    assert.equal(a.status, 'PUBLISHED');
    assert.deepEqual(a.tags, ['research', 'cafe'], 'tags are stored deduplicated');
    assert.deepEqual(a.defaultInputModes, ['text/plain']);
    assert.deepEqual(a.defaultOutputModes, ['text/plain']);
    assert.deepEqual(a.skills, [
      { id: 'run', name: 'Run', description: 'Runs a thing.', tags: ['x'], examples: ['run it'] },
    ]);
    assert.deepEqual(a.capabilities, {
      streaming: true,
      pushNotifications: false,
      stateTransitionHistory: false,
    });
    const [row] = await sg.deps.dataSource.query(
      'SELECT provider_id, search_document::text AS doc FROM agents.agents WHERE id = $1',
      [a.id],
    );
    assert.equal(row.provider_id, publisher);
    assert.match(row.doc, /'research':\d+A/, 'the name is weighted A in the search document');
    const bySlug = ok(
      await gql(sg.url, '{ agent(slug: "cafe-research-bot") { id } }', {}, await asAnonymous()),
    );
    assert.equal(bySlug.agent.id, a.id);
  });

  it('refuses anonymous callers, plain users and API keys without agents:write', async () => {
    const before = await rowCount();
    const anon = await gql(sg.url, CREATE, { i: input() }, await asAnonymous());
    assert.deepEqual(codes(anon), ['UNAUTHENTICATED']);
    const user = await gql(sg.url, CREATE, { i: input() }, asStranger);
    assert.deepEqual(codes(user), ['FORBIDDEN']);
    const readOnlyKey = await asUser(publisher, ['USER', 'PUBLISHER'], {
      via: 'apiKey',
      scopes: ['agents:read'],
      apiKeyId: randomUUID(),
    });
    assert.deepEqual(codes(await gql(sg.url, CREATE, { i: input() }, readOnlyKey)), ['FORBIDDEN']);
    assert.equal(await rowCount(), before);
  });

  it('answers every bad input with BAD_USER_INPUT and writes nothing', async () => {
    const before = await rowCount();
    const events = async () =>
      (await sg.deps.dataSource.query('SELECT count(*)::int AS n FROM events.log'))[0].n;
    const eventsBefore = await events();
    const cases: [string, Record<string, unknown>][] = [
      ['negative price', { priceCredits: -1 }],
      ['price 1e7', { priceCredits: 10_000_000 }],
      ['ftp url', { url: 'ftp://example.com/agent' }],
      ['javascript url', { url: 'javascript:alert(1)' }],
      ['relative url', { url: '/a2a' }],
      ['url with credentials', { url: 'https://user:secret@example.com' }],
      ['oversized url', { url: `https://example.com/${'a'.repeat(2048)}` }],
      ['oversized name', { name: 'n'.repeat(101) }],
      ['empty name', { name: '' }],
      ['blank name', { name: '   ' }],
      ['oversized description', { description: 'd'.repeat(2001) }],
      ['empty version', { version: '' }],
      ['bad tag', { tags: ['Not A Tag'] }],
      ['long tag', { tags: ['t'.repeat(31)] }],
      ['21 tags', { tags: Array.from({ length: 21 }, (_, i) => `tag-${i}`) }],
      ['bad category', { category: 'Bad Category' }],
      ['uppercase category', { category: 'Research' }],
      ['empty category', { category: '' }],
      [
        '51 skills',
        {
          skills: Array.from({ length: 51 }, (_, i) => ({
            id: `s${i}`,
            name: 'S',
            description: '',
            tags: [],
            examples: [],
          })),
        },
      ],
      ['oversized skill name', { skills: [{ id: 's', name: 'n'.repeat(101) }] }],
      ['empty skill id', { skills: [{ id: '', name: 'S' }] }],
      [
        'oversized skill example',
        { skills: [{ id: 's', name: 'S', examples: ['e'.repeat(501)] }] },
      ],
      ['bad media type', { defaultInputModes: ['not a media type'] }],
      ['no media types', { defaultOutputModes: [] }],
      ['suspended at creation', { status: 'SUSPENDED' }],
    ];
    for (const [label, extra] of cases) {
      const res = await gql(sg.url, CREATE, { i: input(extra) }, asPub);
      assert.deepEqual(codes(res), ['BAD_USER_INPUT'], `${label}: ${JSON.stringify(res.errors)}`);
      noLeak(res, label);
    }
    assert.equal(await rowCount(), before, 'no agent was written');
    assert.equal(await events(), eventsBefore, 'no event was written');
  });

  it('gives agents with the same name distinct slugs, also when created at once', async () => {
    const a = await create({ name: 'Twin Agent' });
    const b = await create({ name: 'Twin Agent' }, asOtherPub);
    assert.equal(a.slug, 'twin-agent');
    assert.equal(b.slug, 'twin-agent-2');
    const racing = await Promise.all(
      Array.from({ length: 6 }, () => create({ name: 'Racing Agent' })),
    );
    const slugs = racing.map((r) => r.slug).sort();
    assert.equal(new Set(slugs).size, 6, `distinct slugs: ${slugs}`);
    for (const s of slugs) assert.match(s, /^racing-agent(-[2-7])?$/);
    const long = await create({ name: 'L'.repeat(100) });
    const long2 = await create({ name: 'L'.repeat(100) });
    assert.equal(long.slug, 'l'.repeat(60));
    assert.equal(long2.slug, `${'l'.repeat(58)}-2`);
    const symbols = await create({ name: '日本語 🤖' });
    assert.match(symbols.slug, /^agent(-\d+)?$/);
  });

  it('lets only the provider update; the slug stays; unknown and malformed ids are told apart', async () => {
    const a = await create({ name: 'Original Name' });
    const updated = ok(
      await gql(
        sg.url,
        UPDATE,
        { id: a.id, i: { name: 'Renamed Agent', priceCredits: 7, tags: ['b', 'a', 'b'] } },
        asPub,
      ),
    ).updateAgent;
    assert.equal(updated.name, 'Renamed Agent');
    assert.equal(updated.slug, 'original-name', 'a rename keeps the slug');
    assert.equal(updated.priceCredits, 7);
    assert.deepEqual(updated.tags, ['b', 'a']);
    assert.equal(updated.url, a.url, 'omitted fields keep their value');
    assert.ok(new Date(updated.updatedAt) >= new Date(a.updatedAt));
    const found = await list({ search: 'renamed' });
    assert.ok(
      found.edges.some((e: any) => e.node.id === a.id),
      'the search document follows',
    );

    const byStranger = await gql(sg.url, UPDATE, { id: a.id, i: { name: 'Mine' } }, asStranger);
    assert.deepEqual(codes(byStranger), ['FORBIDDEN']);
    const byOtherPub = await gql(sg.url, UPDATE, { id: a.id, i: { name: 'Mine' } }, asOtherPub);
    assert.deepEqual(codes(byOtherPub), ['FORBIDDEN']);
    const anon = await gql(sg.url, UPDATE, { id: a.id, i: { name: 'Mine' } }, await asAnonymous());
    assert.deepEqual(codes(anon), ['UNAUTHENTICATED']);
    const unknown = await gql(sg.url, UPDATE, { id: randomUUID(), i: { name: 'X' } }, asPub);
    assert.deepEqual(codes(unknown), ['NOT_FOUND']);
    const malformed = await gql(sg.url, UPDATE, { id: "1' OR '1'='1", i: { name: 'X' } }, asPub);
    assert.deepEqual(codes(malformed), ['BAD_USER_INPUT']);
    for (const bad of [{ priceCredits: -5 }, { url: 'javascript:alert(1)' }, { name: '' }]) {
      const res = await gql(sg.url, UPDATE, { id: a.id, i: bad }, asPub);
      assert.deepEqual(codes(res), ['BAD_USER_INPUT'], JSON.stringify(bad));
    }
    const [row] = await sg.deps.dataSource.query(
      'SELECT name, price_credits, url FROM agents.agents WHERE id = $1',
      [a.id],
    );
    assert.deepEqual(row, { name: 'Renamed Agent', price_credits: 7, url: a.url });
  });

  it('lets only an admin suspend or lift a suspension; admins change nothing else of others', async () => {
    const a = await create({ name: 'Suspect Agent' });
    const selfSuspend = await gql(sg.url, UPDATE, { id: a.id, i: { status: 'SUSPENDED' } }, asPub);
    assert.deepEqual(codes(selfSuspend), ['FORBIDDEN']);
    const suspended = ok(
      await gql(sg.url, UPDATE, { id: a.id, i: { status: 'SUSPENDED' } }, asAdmin),
    ).updateAgent;
    assert.equal(suspended.status, 'SUSPENDED');
    const adminRename = await gql(sg.url, UPDATE, { id: a.id, i: { name: 'Admin' } }, asAdmin);
    assert.deepEqual(codes(adminRename), ['FORBIDDEN']);
    for (const status of ['PUBLISHED', 'DRAFT']) {
      const lift = await gql(sg.url, UPDATE, { id: a.id, i: { status } }, asPub);
      assert.deepEqual(codes(lift), ['FORBIDDEN'], `provider sets ${status}`);
    }
    const edit = ok(
      await gql(sg.url, UPDATE, { id: a.id, i: { description: 'Fixed it.' } }, asPub),
    ).updateAgent;
    assert.equal(edit.status, 'SUSPENDED', 'the provider may still fix the description');
    assert.equal(ok(await gql(sg.url, BY_ID, { id: a.id }, asStranger)).agent, null);
    assert.equal(ok(await gql(sg.url, BY_ID, { id: a.id }, asPub)).agent.status, 'SUSPENDED');
    const lifted = ok(
      await gql(sg.url, UPDATE, { id: a.id, i: { status: 'PUBLISHED' } }, asAdmin),
    ).updateAgent;
    assert.equal(lifted.status, 'PUBLISHED');
    const toDraft = ok(
      await gql(sg.url, UPDATE, { id: a.id, i: { status: 'DRAFT' } }, asPub),
    ).updateAgent;
    assert.equal(toDraft.status, 'DRAFT', 'the provider moves between DRAFT and PUBLISHED');
  });

  it('searches names, skills and tags, the name match ranked first, with filters', async () => {
    const bySkill = await create({
      name: 'Plain Helper',
      category: 'search-test',
      tags: ['misc'],
      skills: [{ id: 'z', name: 'Zephyrine analysis', description: 'Analyses.' }],
    });
    const byName = await create({
      name: 'Zephyrine Scout',
      category: 'search-test',
      tags: ['misc'],
      skills: [],
    });
    const byTag = await create({
      name: 'Other Helper',
      category: 'search-other',
      tags: ['zephyrine'],
      skills: [],
    });
    const byDescription = await create({
      name: 'Quiet Helper',
      category: 'search-other',
      description: 'Mentions zephyrine once.',
      tags: ['misc'],
      skills: [],
    });
    const draft = await create({ name: 'Zephyrine Draft', status: 'DRAFT' });

    const all = await list({ search: 'zephyrine' });
    const ids = all.edges.map((e: any) => e.node.id);
    assert.equal(ids[0], byName.id, 'the name match is ranked first');
    assert.deepEqual(new Set(ids), new Set([byName.id, bySkill.id, byTag.id, byDescription.id]));
    assert.equal(ids.at(-1), byDescription.id, 'a description match ranks below the others');
    assert.ok(!ids.includes(draft.id), 'drafts are not listed');
    assert.equal(all.totalCount, 4);

    const inCategory = await list({ search: 'zephyrine', category: 'search-test' });
    assert.deepEqual(
      inCategory.edges.map((e: any) => e.node.id),
      [byName.id, bySkill.id],
    );
    assert.equal(inCategory.totalCount, 2);
    const tagged = await list({ tag: 'zephyrine' });
    assert.deepEqual(
      tagged.edges.map((e: any) => e.node.id),
      [byTag.id],
    );
    assert.equal(tagged.totalCount, 1);
    const category = await list({ category: 'search-other' });
    assert.deepEqual(
      category.edges.map((e: any) => e.node.id),
      [byDescription.id, byTag.id],
      'newest first without a search',
    );
    assert.equal(category.totalCount, 2);
    const nothing = await list({ search: 'zephyrine -scout -helper' });
    assert.equal(nothing.totalCount, 0, 'web-search syntax works');
    const stopWords = await list({ search: 'the and' });
    assert.equal(stopWords.totalCount, 0, 'a query of stop words matches nothing, without error');
  });

  it('pages through 25 agents, newest first and by relevance, without gaps or duplicates', async () => {
    const created = new Set<string>();
    for (let i = 0; i < 25; i++) {
      created.add((await create({ name: `Pager ${i}`, category: 'paging', tags: [] })).id);
    }
    for (const vars of [{ category: 'paging' }, { category: 'paging', search: 'pager' }]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      const hasNext: boolean[] = [];
      for (let page = 0; page < 3; page++) {
        const res: any = await list({ ...vars, first: 10, after: cursor });
        assert.equal(res.totalCount, 25);
        assert.equal(res.pageInfo.hasPreviousPage, page > 0);
        seen.push(...res.edges.map((e: any) => e.node.id));
        hasNext.push(res.pageInfo.hasNextPage);
        assert.equal(res.pageInfo.endCursor, res.edges.at(-1).cursor);
        cursor = res.pageInfo.endCursor;
      }
      assert.deepEqual(hasNext, [true, true, false], JSON.stringify(vars));
      assert.equal(seen.length, 25, JSON.stringify(vars));
      assert.equal(new Set(seen).size, 25, `no duplicates: ${JSON.stringify(vars)}`);
      assert.deepEqual(new Set(seen), created, `no gaps: ${JSON.stringify(vars)}`);
    }
  });

  it('lists available agents first in every order, and leaves unavailable ones out on request', async () => {
    const category = 'availability';
    const made = [];
    for (let i = 0; i < 8; i++) {
      // Unavailable ones are the newest, cheapest and best matches: they would come first.
      const down = i >= 4;
      made.push(
        await create({
          name: down ? `Zebra Zebra ${i}` : `Zebra ${i}`,
          description: down ? 'zebra zebra zebra' : 'a zebra',
          category,
          priceCredits: down ? 1 : 10 + i,
        }),
      );
    }
    const down = new Set(made.slice(4).map((a) => a.id));
    await sg.deps.dataSource.query(
      'UPDATE agents.agents SET available = false WHERE id = ANY($1)',
      [[...down]],
    );
    const Q = `query($search: String, $sort: AgentSort, $inc: Boolean, $first: Int, $after: String) {
      agents(search: $search, category: "${category}", sort: $sort, includeUnavailable: $inc, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id available } } } }`;
    const all = async (vars: Record<string, unknown>) => {
      const seen: { id: string; available: boolean }[] = [];
      let after: string | undefined;
      for (;;) {
        const page = ok(
          await gql(sg.url, Q, { ...vars, first: 3, after }, await asAnonymous()),
        ).agents;
        seen.push(...page.edges.map((e: any) => e.node));
        if (!page.pageInfo.hasNextPage) return { seen, total: page.totalCount as number };
        after = page.pageInfo.endCursor;
      }
    };
    for (const vars of [
      {},
      { search: 'zebra' },
      { sort: 'NEWEST' },
      { sort: 'PRICE_LOW' },
      { sort: 'PRICE_HIGH' },
      { sort: 'RATING' },
    ]) {
      const { seen, total } = await all(vars);
      const what = JSON.stringify(vars);
      assert.equal(total, 8, what);
      assert.equal(new Set(seen.map((a) => a.id)).size, 8, `no gap or repeat across pages ${what}`);
      assert.deepEqual(
        seen.map((a) => a.available),
        [true, true, true, true, false, false, false, false],
        `available first ${what}`,
      );
      const only = await all({ ...vars, inc: false });
      assert.equal(only.total, 4, what);
      assert.ok(
        only.seen.every((a) => a.available && !down.has(a.id)),
        what,
      );
    }
    // Within each group the order still holds: cheapest first among the available ones.
    const cheap = (await all({ sort: 'PRICE_LOW' })).seen.slice(0, 4).map((a) => a.id);
    assert.deepEqual(
      cheap,
      made.slice(0, 4).map((a) => a.id),
    );
  });

  it('refuses malformed cursors, foreign cursors and oversized arguments', async () => {
    const anon = await asAnonymous();
    const searchPage = await list({ search: 'pager', first: 1 });
    const timePage = await list({ first: 1 });
    const cases: [string, Record<string, unknown>][] = [
      ['garbage cursor', { after: 'garbage!' }],
      ['forged cursor', { after: Buffer.from('["x", "1 OR 1=1"]').toString('base64url') }],
      [
        'bad timestamp',
        { after: Buffer.from(JSON.stringify(['yesterday', randomUUID()])).toString('base64url') },
      ],
      ['search cursor without search', { after: searchPage.pageInfo.endCursor }],
      ['time cursor with search', { search: 'pager', after: timePage.pageInfo.endCursor }],
      ['search too long', { search: 's'.repeat(201) }],
      ['page too large', { first: 1000 }],
      ['page too small', { first: 0 }],
      ['bad category filter', { category: 'NOT VALID' }],
    ];
    for (const [label, vars] of cases) {
      const res = await gql(sg.url, LIST, vars, anon);
      assert.deepEqual(codes(res), ['BAD_USER_INPUT'], `${label}: ${JSON.stringify(res.errors)}`);
      noLeak(res, label);
    }
    const published = await gql(
      sg.url,
      'query($id: ID!) { user: _entities(representations: [{__typename: "User", id: $id}]) { ... on User { publishedAgents(after: "nope") { totalCount } } } }',
      { id: publisher },
      anon,
    );
    assert.deepEqual(codes(published), ['BAD_USER_INPUT']);
    for (const [label, query] of [
      ['both id and slug', `{ agent(id: "${randomUUID()}", slug: "x") { id } }`],
      ['neither id nor slug', '{ agent { id } }'],
      ['malformed id', '{ agent(id: "42") { id } }'],
    ]) {
      assert.deepEqual(codes(await gql(sg.url, query, {}, anon)), ['BAD_USER_INPUT'], label);
    }
    assert.equal(ok(await gql(sg.url, BY_ID, { id: randomUUID() }, anon)).agent, null);
    assert.equal(
      ok(await gql(sg.url, '{ agent(slug: "no-such-agent") { id } }', {}, anon)).agent,
      null,
    );
  });

  it('shows a DRAFT only to its provider and admins', async () => {
    const draft = await create({ name: 'Secret Draft', category: 'drafts', status: 'DRAFT' });
    assert.equal(draft.status, 'DRAFT');
    const published = await create({ name: 'Public One', category: 'drafts' });
    const anon = await asAnonymous();
    for (const auth of [anon, asStranger, asPub]) {
      const listed = await list({ category: 'drafts' }, auth);
      assert.deepEqual(
        listed.edges.map((e: any) => e.node.id),
        [published.id],
        'the public list has no drafts, not even for the provider',
      );
      assert.equal(listed.totalCount, 1);
    }
    assert.equal(ok(await gql(sg.url, BY_ID, { id: draft.id }, anon)).agent, null);
    assert.equal(ok(await gql(sg.url, BY_ID, { id: draft.id }, asStranger)).agent, null);
    assert.equal(
      ok(await gql(sg.url, '{ agent(slug: "secret-draft") { id } }', {}, asStranger)).agent,
      null,
    );
    assert.equal(ok(await gql(sg.url, BY_ID, { id: draft.id }, asPub)).agent.id, draft.id);
    assert.equal(ok(await gql(sg.url, BY_ID, { id: draft.id }, asAdmin)).agent.id, draft.id);

    const pubAgents = `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on User { id publishedAgents(first: 100) { totalCount edges { node { id status } } } } } }`;
    const view = async (auth: Record<string, string>) =>
      ok(await gql(sg.url, pubAgents, { r: [{ __typename: 'User', id: publisher }] }, auth))
        ._entities[0].publishedAgents;
    const own = await view(asPub);
    const others = await view(asStranger);
    const ownIds = own.edges.map((e: any) => e.node.id);
    const otherIds = others.edges.map((e: any) => e.node.id);
    assert.ok(ownIds.includes(draft.id), 'the provider sees their draft');
    assert.ok(!otherIds.includes(draft.id), 'others do not');
    assert.ok(otherIds.includes(published.id));
    assert.ok(others.edges.every((e: any) => e.node.status === 'PUBLISHED'));
    assert.ok(own.totalCount > others.totalCount);
    assert.equal(others.totalCount, others.edges.length);
  });

  it('publishes agent.created and agent.updated with the contract payload', async () => {
    const a = await create({ name: 'Evented Agent', category: 'events', priceCredits: 12 });
    ok(await gql(sg.url, UPDATE, { id: a.id, i: { priceCredits: 13, status: 'DRAFT' } }, asPub));
    const rows = await sg.deps.dataSource.query(
      'SELECT topic, key, producer, payload FROM events.log WHERE key = $1 ORDER BY id',
      [a.id],
    );
    const base = {
      agentId: a.id,
      providerId: publisher,
      slug: 'evented-agent',
      name: 'Evented Agent',
      url: a.url,
      category: 'events',
      cardUrl: null,
      available: true,
      tags: ['test'],
      skills: [{ id: 'run', name: 'Run', tags: ['x'] }],
    };
    assert.deepEqual(rows, [
      {
        topic: 'agent.created',
        key: a.id,
        producer: 'agents',
        payload: { ...base, priceCredits: 12, status: 'PUBLISHED' },
      },
      {
        topic: 'agent.updated',
        key: a.id,
        producer: 'agents',
        payload: { ...base, priceCredits: 13, status: 'DRAFT' },
      },
    ]);
  });

  it('resolves 10 or 50 agents and users in the same few SQL statements', async () => {
    const users = Array.from({ length: 50 }, () => randomUUID());
    const agents: string[] = [];
    for (const [i, u] of users.entries()) {
      const auth = await asUser(u, ['USER', 'PUBLISHER']);
      agents.push((await create({ name: `Bulk ${i}`, category: 'bulk' }, auth)).id);
      if (i % 5 === 0) await create({ name: `Bulk extra ${i}`, category: 'bulk' }, auth);
    }
    const anon = await asAnonymous();
    const measure = async (query: string, r: unknown[], check: (data: any) => void) => {
      const before = await sqlCount(sg.url);
      const data = ok(await gql(sg.url, query, { r }, anon));
      const delta = (await sqlCount(sg.url)) - before;
      check(data);
      return delta;
    };

    const entities = `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Agent { id provider { id } name skills { name } } } }`;
    const reps = (n: number) => agents.slice(0, n).map((id) => ({ __typename: 'Agent', id }));
    const checkAgents = (n: number) => (data: any) => {
      assert.equal(data._entities.length, n);
      assert.deepEqual(
        data._entities.map((e: any) => e.id),
        agents.slice(0, n),
      );
      assert.equal(data._entities[3].provider.id, users[3]);
      assert.equal(data._entities[3].skills[0].name, 'Run');
    };
    const ten = await measure(entities, reps(10), checkAgents(10));
    const fifty = await measure(entities, reps(50), checkAgents(50));
    assert.equal(fifty, ten, `_entities: 10 agents ${ten} statements, 50 agents ${fifty}`);
    assert.ok(ten >= 1 && ten <= 3, `_entities issued ${ten} statements`);

    const published = `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on User { id publishedAgents(first: 5) { totalCount edges { node { id name provider { id } } } } } } }`;
    const userReps = (n: number) => users.slice(0, n).map((id) => ({ __typename: 'User', id }));
    const checkUsers = (n: number) => (data: any) => {
      assert.equal(data._entities.length, n);
      assert.equal(data._entities[0].publishedAgents.totalCount, 2, 'user 0 has two agents');
      assert.equal(data._entities[1].publishedAgents.totalCount, 1);
      for (const [i, e] of data._entities.entries()) {
        assert.equal(e.id, users[i]);
        for (const edge of e.publishedAgents.edges) assert.equal(edge.node.provider.id, users[i]);
      }
    };
    const tenUsers = await measure(published, userReps(10), checkUsers(10));
    const fiftyUsers = await measure(published, userReps(50), checkUsers(50));
    assert.equal(
      fiftyUsers,
      tenUsers,
      `publishedAgents: 10 users ${tenUsers}, 50 users ${fiftyUsers}`,
    );
    assert.ok(tenUsers <= 3, `publishedAgents issued ${tenUsers} statements`);
  });

  it('pages a user’s agents with the window query', async () => {
    const u = randomUUID();
    const auth = await asUser(u, ['USER', 'PUBLISHER']);
    const mine = new Set<string>();
    for (let i = 0; i < 7; i++) mine.add((await create({ name: `Mine ${i}` }, auth)).id);
    const q = `query($r: [_Any!]!, $after: String) { _entities(representations: $r) {
      ... on User { publishedAgents(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    const hasNext: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const page: any = ok(
        await gql(sg.url, q, { r: [{ __typename: 'User', id: u }], after }, asStranger),
      )._entities[0].publishedAgents;
      assert.equal(page.totalCount, 7);
      seen.push(...page.edges.map((e: any) => e.node.id));
      hasNext.push(page.pageInfo.hasNextPage);
      after = page.pageInfo.endCursor;
    }
    assert.deepEqual(hasNext, [true, true, false]);
    assert.deepEqual(new Set(seen), mine);
    assert.equal(seen.length, 7);
  });
});
