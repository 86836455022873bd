import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { domainEvent, publishEvents, type DomainEvent } from '@agentry/events';
import {
  asAnonymous,
  asUser,
  codes,
  gql,
  insertUncheckedEvent,
  ok,
  startTestSubgraph,
} from '@agentry/testing';
import { sqlCount as subgraphSqlCount, waitFor as eventually } from '@agentry/testing';
import { reviewsSubgraph } from '../src/subgraph';

const REVIEW_AGENT = `mutation($agentId: ID!, $rating: Int!, $title: String!, $body: String!) {
  reviewAgent(agentId: $agentId, rating: $rating, title: $title, body: $body) {
    id rating title body createdAt updatedAt agent { id } author { id }
  }
}`;

const AGENT_REVIEWS = `query($r: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $r) {
    ... on Agent {
      id
      rating { average count histogram { stars count } }
      reviews(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { cursor node { id rating author { id } agent { id } } }
      }
    }
  }
}`;

describe('reviews subgraph', () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  const db = () => sg.deps.dataSource;
  before(async () => {
    sg = await startTestSubgraph(reviewsSubgraph);
  });
  after(() => sg?.stop());

  /**
   * Publishes events as another subgraph would, then waits until the projection consumer has
   * moved past the last of them (so a replayed event is known to be applied, too).
   */
  async function publish(
    producer: string,
    events: (DomainEvent | { topic: string; key: string; payload: unknown; unchecked: true })[],
  ) {
    // Malformed events (not in the catalogue's shape) go in unchecked, as a buggy producer's would.
    await db().transaction(async (m) => {
      for (const e of events) {
        if ('unchecked' in e) await insertUncheckedEvent(m, { ...e, producer });
        else await publishEvents(m, [e as DomainEvent]);
      }
    });
    const [{ last }] = await db().query(
      'SELECT max(id)::text AS last FROM events.log WHERE producer = $1',
      [producer],
    );
    await eventually('the reviews.projections consumer', async () => {
      const rows = await db().query(
        `SELECT 1 FROM events.consumers c, events.log l
          WHERE c.name = 'reviews.projections' AND l.id = $1
            AND (c.tx_id, c.last_id) >= (l.tx_id, l.id)`,
        [last],
      );
      return rows.length === 1;
    });
  }

  const agentEvent = (
    agentId: string,
    providerId: string,
    topic: 'agent.created' | 'agent.updated' = 'agent.created',
    status: 'DRAFT' | 'PUBLISHED' | 'SUSPENDED' = 'PUBLISHED',
  ) =>
    domainEvent(topic, agentId, {
      agentId,
      providerId,
      slug: `agent-${agentId.slice(0, 8)}`,
      name: `Agent ${agentId.slice(0, 8)}`,
      priceCredits: 10,
      status,
      category: 'research',
    });

  const completedEvent = (
    agentId: string,
    requesterId: string,
    providerId: string,
    taskId = randomUUID(),
  ) =>
    domainEvent('task.completed', taskId, {
      taskId,
      agentId,
      requesterId,
      providerId,
      completedAt: new Date().toISOString(),
    });

  async function newAgent(providerId = randomUUID()) {
    const agentId = randomUUID();
    await publish('agents', [agentEvent(agentId, providerId)]);
    return { agentId, providerId };
  }

  /** Users who each had a task with the agent completed. */
  async function completedTasks(agentId: string, providerId: string, n: number) {
    const users = Array.from({ length: n }, () => randomUUID());
    await publish(
      'tasks',
      users.map((u) => completedEvent(agentId, u, providerId)),
    );
    return users;
  }

  const review = async (
    userId: string,
    vars: { agentId: string; rating?: number; title?: string; body?: string },
    auth?: Record<string, string>,
  ) =>
    gql(
      sg.url,
      REVIEW_AGENT,
      { rating: 5, title: 'Great agent', body: 'Did what it said.', ...vars },
      auth ?? (await asUser(userId)),
    );

  const reviewRows = (agentId: string) =>
    db().query(
      'SELECT id, author_id, rating, title, body, updated_at FROM reviews.reviews WHERE agent_id = $1 ORDER BY id',
      [agentId],
    );

  const entities = async (agentIds: string[], first?: number, after?: string) =>
    gql(
      sg.url,
      AGENT_REVIEWS,
      { r: agentIds.map((id) => ({ __typename: 'Agent', id })), first, after },
      await asAnonymous(),
    );

  it('projects agents and completed tasks, skipping malformed events and replays', async () => {
    const { agentId, providerId } = await newAgent();
    const newProvider = randomUUID();
    await publish('agents', [
      {
        topic: 'agent.updated',
        key: 'x',
        payload: { agentId: 'not-a-uuid', status: 1 },
        unchecked: true,
      },
      agentEvent(agentId, newProvider, 'agent.updated', 'SUSPENDED'),
    ]);
    const [agent] = await db().query(
      'SELECT provider_id, status FROM reviews.agents WHERE id = $1',
      [agentId],
    );
    assert.deepEqual(agent, { provider_id: newProvider, status: 'SUSPENDED' });

    // The same task.completed twice (a replay) and a malformed one: all harmless.
    const requester = randomUUID();
    const event = completedEvent(agentId, requester, providerId);
    await publish('tasks', [event]);
    await publish('tasks', [
      event,
      { topic: 'task.completed', key: 'y', payload: { taskId: 1 }, unchecked: true },
    ]);
    const rows = await db().query(
      'SELECT task_id, user_id FROM reviews.eligibility WHERE agent_id = $1',
      [agentId],
    );
    assert.deepEqual(rows, [{ task_id: event.payload.taskId, user_id: requester }]);
    // The consumer is not stuck: later events still apply, and the requester may review.
    const res = await review(requester, { agentId, rating: 4 });
    assert.equal(ok(res).reviewAgent.rating, 4);
    assert.equal((await reviewRows(agentId)).length, 1);
  });

  it('refuses a user without a completed task (FORBIDDEN) and writes nothing', async () => {
    const { agentId, providerId } = await newAgent();
    const stranger = randomUUID();
    // A task with ANOTHER agent does not count.
    const other = await newAgent(providerId);
    await publish('tasks', [completedEvent(other.agentId, stranger, providerId)]);
    const res = await review(stranger, { agentId });
    assert.deepEqual(codes(res), ['FORBIDDEN']);
    assert.equal(
      res.errors![0].message,
      'You can review an agent after a task with it has completed.',
    );
    assert.equal((await reviewRows(agentId)).length, 0);
    const events = await db().query(
      `SELECT 1 FROM events.log WHERE topic = 'review.submitted' AND payload->>'agentId' = $1`,
      [agentId],
    );
    assert.equal(events.length, 0);
  });

  it('lets a user review after task.completed, publishes review.submitted, and replaces on a second review', async () => {
    const { agentId, providerId } = await newAgent();
    const [user] = await completedTasks(agentId, providerId, 1);
    const first = ok(
      await review(user, { agentId, rating: 2, title: '  Slow  ', body: 'Took ages.' }),
    ).reviewAgent;
    assert.equal(first.rating, 2);
    assert.equal(first.title, 'Slow');
    assert.deepEqual(first.agent, { id: agentId });
    assert.deepEqual(first.author, { id: user });

    const second = ok(
      await review(user, { agentId, rating: 5, title: 'Much better', body: '' }),
    ).reviewAgent;
    assert.equal(second.id, first.id);
    assert.equal(second.rating, 5);
    assert.equal(second.title, 'Much better');
    assert.equal(second.body, '');
    assert.equal(second.createdAt, first.createdAt);
    assert.ok(new Date(second.updatedAt) > new Date(first.updatedAt), 'updatedAt is bumped');

    const rows = await reviewRows(agentId);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].rating, 5);

    const events = await db().query(
      `SELECT topic, key, producer, payload FROM events.log
        WHERE topic = 'review.submitted' AND payload->>'agentId' = $1 ORDER BY id`,
      [agentId],
    );
    assert.deepEqual(
      events.map((e: any) => [e.topic, e.key, e.producer, e.payload]),
      [2, 5].map((rating) => [
        'review.submitted',
        first.id,
        'reviews',
        { reviewId: first.id, agentId, authorId: user, rating },
      ]),
    );

    const fetched = ok(
      await gql(
        sg.url,
        'query($id: ID!) { review(id: $id) { id rating title author { id } } }',
        { id: first.id },
        await asAnonymous(),
      ),
    ).review;
    assert.deepEqual(fetched, {
      id: first.id,
      rating: 5,
      title: 'Much better',
      author: { id: user },
    });
  });

  it('rejects bad input with BAD_USER_INPUT and changes nothing', async () => {
    const { agentId, providerId } = await newAgent();
    const [user] = await completedTasks(agentId, providerId, 1);
    const original = ok(await review(user, { agentId, rating: 3, title: 'Fine' })).reviewAgent;
    const before = await reviewRows(agentId);
    for (const bad of [
      { rating: 0 },
      { rating: 6 },
      { rating: -1 },
      { title: '' },
      { title: '   ' },
      { title: 'x'.repeat(121) },
      { body: 'x'.repeat(5001) },
      { agentId: 'not-an-id' },
    ]) {
      const res = await review(user, { agentId, ...bad });
      assert.deepEqual(codes(res), ['BAD_USER_INPUT'], JSON.stringify(bad).slice(0, 60));
      assert.doesNotMatch(JSON.stringify(res), /stack|SELECT|INSERT/i);
    }
    assert.deepEqual(await reviewRows(agentId), before);
    const [{ n }] = await db().query(
      `SELECT count(*)::int AS n FROM events.log WHERE topic = 'review.submitted' AND key = $1`,
      [original.id],
    );
    assert.equal(n, 1);
    // The limits themselves are accepted.
    const edge = ok(
      await review(user, { agentId, rating: 1, title: 't'.repeat(120), body: 'b'.repeat(5000) }),
    ).reviewAgent;
    assert.equal(edge.title.length, 120);
    assert.equal(edge.body.length, 5000);
  });

  it('refuses unknown agents, self-reviews, anonymous callers and API keys without the scope', async () => {
    const { agentId, providerId } = await newAgent();
    const [user] = await completedTasks(agentId, providerId, 1);

    const unknown = await review(user, { agentId: randomUUID() });
    assert.deepEqual(codes(unknown), ['NOT_FOUND']);

    // Even a provider who had a task completed by their own agent cannot rate it.
    await publish('tasks', [completedEvent(agentId, providerId, providerId)]);
    assert.deepEqual(codes(await review(providerId, { agentId })), ['FORBIDDEN']);

    assert.deepEqual(codes(await review(user, { agentId }, await asAnonymous())), [
      'UNAUTHENTICATED',
    ]);
    const readOnlyKey = await asUser(user, ['USER'], { via: 'apiKey', scopes: ['tasks:read'] });
    assert.deepEqual(codes(await review(user, { agentId }, readOnlyKey)), ['FORBIDDEN']);
    assert.equal((await reviewRows(agentId)).length, 0);

    const writeKey = await asUser(user, ['USER'], { via: 'apiKey', scopes: ['reviews:write'] });
    ok(await review(user, { agentId }, writeKey));
    assert.equal((await reviewRows(agentId)).length, 1);
  });

  it('deletes a review for its author or an admin only, publishing review.deleted', async () => {
    const { agentId, providerId } = await newAgent();
    const [author, other] = await completedTasks(agentId, providerId, 2);
    const a = ok(await review(author, { agentId, rating: 4 })).reviewAgent;
    const b = ok(await review(other, { agentId, rating: 2 })).reviewAgent;
    const del = async (id: string, auth: Record<string, string>) =>
      gql(sg.url, 'mutation($id: ID!) { deleteReview(id: $id) }', { id }, auth);

    assert.deepEqual(codes(await del(a.id, await asUser(randomUUID()))), ['FORBIDDEN']);
    assert.deepEqual(codes(await del(a.id, await asUser(other))), ['FORBIDDEN']);
    assert.deepEqual(codes(await del(a.id, await asAnonymous())), ['UNAUTHENTICATED']);
    assert.deepEqual(codes(await del(randomUUID(), await asUser(author))), ['NOT_FOUND']);
    assert.deepEqual(codes(await del('nope', await asUser(author))), ['BAD_USER_INPUT']);
    assert.equal((await reviewRows(agentId)).length, 2);

    assert.equal(ok(await del(a.id, await asUser(author))).deleteReview, true);
    assert.equal(
      ok(await del(b.id, await asUser(randomUUID(), ['USER', 'ADMIN']))).deleteReview,
      true,
    );
    assert.equal((await reviewRows(agentId)).length, 0);
    assert.deepEqual(codes(await del(a.id, await asUser(author))), ['NOT_FOUND']);

    const events = await db().query(
      `SELECT key, payload FROM events.log WHERE topic = 'review.deleted' AND payload->>'agentId' = $1 ORDER BY id`,
      [agentId],
    );
    assert.deepEqual(
      events.map((e: any) => e.payload),
      [
        { reviewId: a.id, agentId, authorId: author, rating: 4 },
        { reviewId: b.id, agentId, authorId: other, rating: 2 },
      ],
    );
    const gone = await gql(
      sg.url,
      'query($id: ID!) { review(id: $id) { id } }',
      { id: a.id },
      await asAnonymous(),
    );
    assert.equal(ok(gone).review, null);
  });

  it('sums up ratings: average rounded to 2 decimals, count and a five-bucket histogram', async () => {
    const { agentId, providerId } = await newAgent();
    const empty = await newAgent();
    const users = await completedTasks(agentId, providerId, 3);
    for (const [i, rating] of [5, 4, 4].entries()) ok(await review(users[i], { agentId, rating }));
    const res = ok(await entities([agentId, empty.agentId]))._entities;
    assert.deepEqual(res[0].rating, {
      average: 4.33,
      count: 3,
      histogram: [
        { stars: 1, count: 0 },
        { stars: 2, count: 0 },
        { stars: 3, count: 0 },
        { stars: 4, count: 2 },
        { stars: 5, count: 1 },
      ],
    });
    assert.deepEqual(res[1].rating, {
      average: null,
      count: 0,
      histogram: [1, 2, 3, 4, 5].map((stars) => ({ stars, count: 0 })),
    });
    assert.equal(res[1].reviews.totalCount, 0);
    assert.deepEqual(res[1].reviews.edges, []);

    // Replacing a review moves the numbers, not the count.
    ok(await review(users[0], { agentId, rating: 1 }));
    const again = ok(await entities([agentId]))._entities[0].rating;
    assert.equal(again.average, 3);
    assert.equal(again.count, 3);
  });

  it('pages Agent.reviews and User.reviews newest first without duplicates', async () => {
    const { agentId, providerId } = await newAgent();
    const users = await completedTasks(agentId, providerId, 7);
    const written: string[] = [];
    for (const u of users) written.push(ok(await review(u, { agentId })).reviewAgent.id);
    // Re-reviewing moves a review to the front.
    ok(await review(users[2], { agentId, rating: 3 }));
    const expected = [written[2], ...written.filter((_, i) => i !== 2).reverse()];

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = ok(await entities([agentId], 3, cursor))._entities[0].reviews;
      assert.equal(page.totalCount, 7);
      assert.equal(page.pageInfo.hasPreviousPage, cursor !== undefined);
      seen.push(...page.edges.map((e: any) => e.node.id));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
      assert.ok(pages < 10, 'pagination terminates');
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, expected);
    assert.equal(new Set(seen).size, 7);

    // User.reviews: what one author wrote, across agents.
    const second = await newAgent();
    await publish('tasks', [completedEvent(second.agentId, users[0], second.providerId)]);
    const other = ok(await review(users[0], { agentId: second.agentId, rating: 2 })).reviewAgent;
    const mine = ok(
      await gql(
        sg.url,
        `query($r: [_Any!]!) { _entities(representations: $r) {
           ... on User { reviews(first: 10) { totalCount edges { node { id agent { id } } } } } } }`,
        {
          r: [
            { __typename: 'User', id: users[0] },
            { __typename: 'User', id: randomUUID() },
          ],
        },
        await asAnonymous(),
      ),
    )._entities;
    assert.equal(mine[0].reviews.totalCount, 2);
    assert.deepEqual(
      mine[0].reviews.edges.map((e: any) => [e.node.id, e.node.agent.id]),
      [
        [other.id, second.agentId],
        [written[0], agentId],
      ],
    );
    assert.equal(mine[1].reviews.totalCount, 0);
  });

  it('rejects malformed cursors and page sizes with BAD_USER_INPUT', async () => {
    const { agentId } = await newAgent();
    const forged = Buffer.from(JSON.stringify(['yesterday', randomUUID()])).toString('base64url');
    for (const [first, after] of [
      [2, 'not-a-cursor'],
      [2, forged],
      [2, "'; DROP TABLE reviews.reviews; --"],
      [0, undefined],
      [101, undefined],
    ] as [number, string | undefined][]) {
      const res = await entities([agentId], first, after);
      assert.deepEqual(codes(res), ['BAD_USER_INPUT'], String(after ?? first));
      assert.doesNotMatch(JSON.stringify(res), /SELECT|stack/i);
    }
  });

  it('serves review references and rejects malformed review ids', async () => {
    const { agentId, providerId } = await newAgent();
    const [user] = await completedTasks(agentId, providerId, 1);
    const r = ok(await review(user, { agentId, rating: 3 })).reviewAgent;
    const res = ok(
      await gql(
        sg.url,
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Review { id rating agent { id } } } }',
        {
          r: [
            { __typename: 'Review', id: r.id },
            { __typename: 'Review', id: randomUUID() },
            { __typename: 'Review', id: 'junk' },
          ],
        },
        await asAnonymous(),
      ),
    )._entities;
    assert.deepEqual(res, [{ id: r.id, rating: 3, agent: { id: agentId } }, null, null]);
    const bad = await gql(sg.url, '{ review(id: "junk") { id } }', {}, await asAnonymous());
    assert.deepEqual(codes(bad), ['BAD_USER_INPUT']);
  });

  it('batches ratings and review pages: the same few statements for 10 agents as for 50', async () => {
    const providerId = randomUUID();
    const agentIds: string[] = Array.from({ length: 50 }, () => randomUUID());
    await publish(
      'agents',
      agentIds.map((id) => agentEvent(id, providerId)),
    );
    const reviewers = [randomUUID(), randomUUID(), randomUUID()];
    await publish(
      'tasks',
      agentIds.flatMap((a) => reviewers.map((u) => completedEvent(a, u, providerId))),
    );
    for (const [i, agentId] of agentIds.entries()) {
      // 2 or 3 reviews per agent.
      for (const u of reviewers.slice(0, 2 + (i % 2))) {
        ok(await review(u, { agentId, rating: 1 + (i % 5) }));
      }
    }
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Agent {
      id rating { average count histogram { stars count } }
      reviews(first: 2) { totalCount edges { node { rating author { id } } } } } } }`;
    const delta = async (ids: string[]) => {
      const before = await subgraphSqlCount(sg.url);
      const res = ok(
        await gql(
          sg.url,
          query,
          { r: ids.map((id) => ({ __typename: 'Agent', id })) },
          await asAnonymous(),
        ),
      )._entities;
      const spent = (await subgraphSqlCount(sg.url)) - before;
      assert.equal(res.length, ids.length);
      for (const [i, a] of res.entries()) {
        const n = 2 + (agentIds.indexOf(ids[i]) % 2);
        assert.equal(a.id, ids[i]);
        assert.equal(a.rating.count, n);
        assert.equal(a.reviews.totalCount, n);
        assert.equal(a.reviews.edges.length, 2);
        assert.equal(a.rating.average, 1 + (agentIds.indexOf(ids[i]) % 5));
      }
      return spent;
    };
    const ten = await delta(agentIds.slice(0, 10));
    const fifty = await delta(agentIds);
    assert.equal(ten, fifty);
    assert.ok(fifty > 0 && fifty <= 4, `spent ${fifty} statements`);
  });
});
