import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import neo4j, { type Driver } from 'neo4j-driver';
import { freePort } from '@agentry/devstack';
import { domainEvent, publishEvents, type DomainEvent } from '@agentry/events';
import {
  asAnonymous,
  asUser,
  codes,
  gql,
  ok,
  startTestSubgraph,
  testGraph,
  waitFor,
  type TestGraph,
} from '@agentry/testing';
import { rebuildGraph, PROJECTION_CONSUMER } from '../src/projection/projection.consumer';
import type { KnowledgeServices } from '../src/context';
import { knowledgeSubgraph } from '../src/subgraph';

const AGENT_FIELDS = `query($r: [_Any!]!, $first: Int) {
  _entities(representations: $r) {
    ... on Agent {
      id
      similarAgents(first: $first) { agent { id } score reasons }
      hiredTogetherWith(first: $first) { agent { id } score reasons }
      collaborators(first: $first) { agent { id } score reasons }
    }
  }
}`;

const RECOMMENDED = `query($r: [_Any!]!, $first: Int) {
  _entities(representations: $r) {
    ... on User { id recommendedAgents(first: $first) { agent { id } score reasons } }
  }
}`;

const SKILLS = `query($search: String, $first: Int) {
  skills(search: $search, first: $first) {
    id name agentCount
    agents(first: 5) { id }
    relatedSkills(first: 5) { id name agentCount }
  }
}`;

const GRAPH = `query($agentId: ID!, $depth: Int) {
  knowledgeGraph(agentId: $agentId, depth: $depth) {
    root truncated
    nodes { id kind label depth agent { id } }
    edges { source target kind weight }
  }
}`;

type Rec = { agent: { id: string }; score: number; reasons: string[] };

describe('knowledge subgraph on a real Neo4j', () => {
  let graph: TestGraph;
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  let driver: Driver;
  const db = () => sg.deps.dataSource;

  const provider = randomUUID();
  const agents = {
    writer: randomUUID(),
    editor: randomUUID(),
    translator: randomUUID(),
    coder: randomUUID(),
    draft: randomUUID(),
    later: randomUUID(),
  };
  const users = { ann: randomUUID(), bob: randomUUID(), cat: randomUUID(), dan: randomUUID() };

  before(async () => {
    graph = await testGraph('knowledge');
    sg = await startTestSubgraph(knowledgeSubgraph, {
      label: 'knowledge',
      env: {
        NEO4J_URL: graph.url,
        NEO4J_USER: graph.user,
        NEO4J_PASSWORD: graph.password,
        KNOWLEDGE_GRAPH_PREFIX: graph.prefix,
        // Generous: a shared test machine may be slow; the timeout itself is the driver's.
        KNOWLEDGE_QUERY_TIMEOUT_MS: '30000',
      },
    });
    driver = neo4j.driver(graph.url, neo4j.auth.basic(graph.user, graph.password), {
      disableLosslessIntegers: true,
    });
  });
  after(async () => {
    await sg?.stop();
    await driver?.close();
    await graph?.drop();
  });

  /** Publishes events as their producers would, then waits until the graph has them. */
  async function publish(events: DomainEvent[]) {
    await db().transaction((m) => publishEvents(m, events));
    await caughtUp();
  }
  async function caughtUp() {
    const [{ last }] = await db().query('SELECT max(id)::text AS last FROM events.log');
    await waitFor(
      'the knowledge.graph consumer',
      async () => {
        const rows = await db().query(
          `SELECT 1 FROM events.consumers c, events.log l
          WHERE c.name = $2 AND l.id = $1 AND (c.tx_id, c.last_id) >= (l.tx_id, l.id)`,
          [last, PROJECTION_CONSUMER],
        );
        return rows.length === 1;
        // The first batches plan every write statement: seconds each on a busy machine.
      },
      90_000,
    );
  }

  const agentEvent = (
    agentId: string,
    name: string,
    skills: string[],
    tags: string[],
    category: string,
    status: 'DRAFT' | 'PUBLISHED' | 'SUSPENDED' = 'PUBLISHED',
    topic: 'agent.created' | 'agent.updated' = 'agent.created',
  ) =>
    domainEvent(topic, agentId, {
      agentId,
      providerId: provider,
      slug: name.toLowerCase(),
      name,
      priceCredits: 5,
      status,
      category,
      tags,
      skills: skills.map((s) => ({ id: s.toLowerCase(), name: s })),
    });
  const hire = (agentId: string, requesterId: string, delegatedByAgentId?: string) => {
    const taskId = randomUUID();
    return domainEvent('task.completed', taskId, {
      taskId,
      agentId,
      requesterId,
      providerId: provider,
      completedAt: new Date().toISOString(),
      ...(delegatedByAgentId ? { delegatedByAgentId } : {}),
    });
  };
  const reviewed = (agentId: string, authorId: string, rating: number) => {
    const reviewId = randomUUID();
    return domainEvent('review.submitted', reviewId, { reviewId, agentId, authorId, rating });
  };

  /** Every node and relationship of this suite's graph, as sorted text (the marker left out). */
  async function snapshot() {
    const p = { prefix: graph.prefix };
    const nodes = await driver.executeQuery(
      `MATCH (n) WHERE any(l IN labels(n) WHERE l STARTS WITH $prefix)
         AND NOT any(l IN labels(n) WHERE l ENDS WITH 'Projection')
       RETURN labels(n)[0] AS l, coalesce(n.id, n.key) AS k, n.name AS name,
              n.published AS published, n.hirers AS hirers`,
      p,
    );
    const rels = await driver.executeQuery(
      `MATCH (a)-[r]->(b) WHERE type(r) STARTS WITH $prefix
       RETURN type(r) AS t, coalesce(a.id, a.key) AS a, coalesce(b.id, b.key) AS b,
              r.count AS count, r.rating AS rating`,
      p,
    );
    return [
      ...nodes.records.map((r) => JSON.stringify(r.toObject())),
      ...rels.records.map((r) => JSON.stringify(r.toObject())),
    ].sort();
  }
  const count = async (cypher: string, params: Record<string, unknown> = {}) => {
    const res = await driver.executeQuery(cypher, params);
    return res.records[0].get('n') as number;
  };

  const agentFields = async (agentId: string, auth?: Record<string, string>, first?: number) => {
    const res = await gql(
      sg.url,
      AGENT_FIELDS,
      { r: [{ __typename: 'Agent', id: agentId }], first },
      auth ?? (await asAnonymous()),
    );
    return ok(res)._entities[0] as {
      similarAgents: Rec[];
      hiredTogetherWith: Rec[];
      collaborators: Rec[];
    };
  };
  const ids = (recs: Rec[]) => recs.map((r) => r.agent.id);

  it('projects agents, skills, tags, categories, users, hires and reviews into the graph', async () => {
    await publish([
      domainEvent('user.registered', users.ann, {
        userId: users.ann,
        name: 'Ann',
        roles: ['USER'],
      }),
      agentEvent(
        agents.writer,
        'Writer',
        ['Summarize', 'Draft text', 'Outline'],
        ['text', 'english'],
        'writing',
      ),
      agentEvent(
        agents.editor,
        'Editor',
        ['summarize', 'Proofread', 'Outline'],
        ['text'],
        'writing',
      ),
      agentEvent(
        agents.translator,
        'Translator',
        ['Translate', 'Proofread'],
        ['text', 'languages'],
        'languages',
      ),
      agentEvent(agents.coder, 'Coder', ['Write code'], ['code'], 'engineering'),
      agentEvent(
        agents.draft,
        'Draft twin',
        ['Summarize', 'Draft text', 'Outline'],
        ['text', 'english'],
        'writing',
        'DRAFT',
      ),
      hire(agents.writer, users.ann),
      hire(agents.writer, users.ann),
      hire(agents.editor, users.ann),
      reviewed(agents.writer, users.ann, 5),
    ]);
    const P = graph.prefix;
    assert.equal(await count(`MATCH (n:${P}Agent) RETURN count(n) AS n`), 5);
    // "Summarize" and "summarize" are one skill; a skill is keyed by its name in lower case.
    assert.equal(await count(`MATCH (n:${P}Skill) RETURN count(n) AS n`), 6);
    assert.equal(
      await count(`MATCH (:${P}Agent {id: $id})-[:${P}HAS_SKILL]->(s) RETURN count(s) AS n`, {
        id: agents.editor,
      }),
      3,
    );
    assert.equal(await count(`MATCH (n:${P}Tag) RETURN count(n) AS n`), 4);
    assert.equal(await count(`MATCH (:${P}Agent)-[r:${P}IN_CATEGORY]->() RETURN count(r) AS n`), 5);
    assert.equal(
      await count(
        `MATCH (:${P}User {id: $u})-[h:${P}HIRED]->(:${P}Agent {id: $a}) RETURN h.count AS n`,
        { u: users.ann, a: agents.writer },
      ),
      2,
    );
    assert.equal(
      await count(
        `MATCH (:${P}User {id: $u})-[r:${P}REVIEWED]->(:${P}Agent {id: $a}) RETURN r.rating AS n`,
        { u: users.ann, a: agents.writer },
      ),
      5,
    );
    // An update replaces the agent's skills: the stale link goes, a new one comes.
    await publish([
      agentEvent(
        agents.coder,
        'Coder',
        ['Write code', 'Review code'],
        ['code'],
        'engineering',
        'PUBLISHED',
        'agent.updated',
      ),
    ]);
    assert.equal(
      await count(`MATCH (:${P}Agent {id: $id})-[:${P}HAS_SKILL]->(s) RETURN count(s) AS n`, {
        id: agents.coder,
      }),
      2,
    );
  });

  it('changes nothing when the log is replayed (offset reset) or the graph is rebuilt', async () => {
    const before = await snapshot();
    await db().query(`UPDATE events.consumers SET tx_id = '0', last_id = 0 WHERE name = $1`, [
      PROJECTION_CONSUMER,
    ]);
    await caughtUp();
    assert.deepEqual(await snapshot(), before, 'a replay counts no hire twice');
    await rebuildGraph(
      { ...sg.deps, databaseUrl: sg.databaseUrl },
      (sg.services as KnowledgeServices).graph,
    );
    assert.deepEqual(await snapshot(), before, 'a rebuild from the log gives the same graph');
  });

  it('similarAgents: by shared skills, tags and category, with reasons, never unpublished agents', async () => {
    const { similarAgents } = await agentFields(agents.writer);
    assert.deepEqual(ids(similarAgents).slice(0, 2), [agents.editor, agents.translator]);
    assert.ok(!ids(similarAgents).includes(agents.draft), 'a draft never shows');
    assert.ok(!ids(similarAgents).includes(agents.coder), 'nothing shared, not similar');
    const editor = similarAgents[0];
    assert.deepEqual(editor.reasons, [
      '2 shared skills: Outline, Summarize',
      '1 shared tag: text',
      'same category: writing',
    ]);
    assert.ok(editor.score > similarAgents[1].score && editor.score <= 1);
    assert.equal((await agentFields(agents.writer, undefined, 1)).similarAgents.length, 1);

    // Of an unpublished agent, only its provider sees anything.
    assert.deepEqual((await agentFields(agents.draft)).similarAgents, []);
    const own = await agentFields(agents.draft, await asUser(provider, ['PUBLISHER']));
    assert.equal(own.similarAgents[0].agent.id, agents.writer);

    // Suspending an agent takes it out of every list.
    await publish([
      agentEvent(
        agents.editor,
        'Editor',
        ['summarize', 'Proofread', 'Outline'],
        ['text'],
        'writing',
        'SUSPENDED',
        'agent.updated',
      ),
    ]);
    assert.ok(!ids((await agentFields(agents.writer)).similarAgents).includes(agents.editor));
    await publish([
      agentEvent(
        agents.editor,
        'Editor',
        ['summarize', 'Proofread', 'Outline'],
        ['text'],
        'writing',
        'PUBLISHED',
        'agent.updated',
      ),
    ]);
  });

  it('rejects a page size out of range with BAD_USER_INPUT', async () => {
    for (const first of [0, 51, -1]) {
      const res = await gql(
        sg.url,
        AGENT_FIELDS,
        { r: [{ __typename: 'Agent', id: agents.writer }], first },
        await asAnonymous(),
      );
      assert.ok(codes(res).includes('BAD_USER_INPUT'), `first: ${first}`);
    }
  });

  it('hiredTogetherWith: agents the same users hired, once at least two users did', async () => {
    // Ann hired writer and editor; so far one user only: nothing is shown (no one's history leaks).
    assert.deepEqual((await agentFields(agents.writer)).hiredTogetherWith, []);
    await publish([
      hire(agents.writer, users.bob),
      hire(agents.editor, users.bob),
      hire(agents.translator, users.bob),
      hire(agents.draft, users.bob),
      hire(agents.draft, users.ann),
    ]);
    const { hiredTogetherWith } = await agentFields(agents.writer);
    assert.deepEqual(ids(hiredTogetherWith), [agents.editor], 'translator: one co-hirer only');
    assert.deepEqual(hiredTogetherWith[0].reasons, ['hired by 2 users who also hired this agent']);
    assert.ok(hiredTogetherWith[0].score > 0 && hiredTogetherWith[0].score <= 1);
  });

  it('recommendedAgents: from users with similar hires, for the signed-in user only, with a cold start', async () => {
    // Cat hired the writer, like Ann and Bob; Bob also hired the translator and rated it well.
    await publish([hire(agents.writer, users.cat), reviewed(agents.translator, users.bob, 5)]);
    const mine = async (userId: string, auth?: Record<string, string>) =>
      gql(
        sg.url,
        RECOMMENDED,
        { r: [{ __typename: 'User', id: userId }] },
        auth ?? (await asUser(userId)),
      );
    const cat = ok(await mine(users.cat))._entities[0].recommendedAgents as Rec[];
    assert.deepEqual(ids(cat).slice(0, 2), [agents.editor, agents.translator]);
    assert.ok(!ids(cat).includes(agents.writer), 'what Cat already hired is left out');
    assert.ok(!ids(cat).includes(agents.draft), 'an unpublished agent never shows');
    assert.match(cat[0].reasons[0], /hired by 2 users whose hires are like yours/);
    assert.ok(
      cat
        .find((r) => r.agent.id === agents.translator)!
        .reasons.includes('rated 5.0 by one of them'),
    );

    // Another user's recommendations, or none signed in: refused.
    assert.deepEqual(codes(await mine(users.ann, await asUser(users.cat))), ['FORBIDDEN']);
    assert.deepEqual(codes(await mine(users.ann, await asAnonymous())), ['UNAUTHENTICATED']);

    // Dan hired nothing: the most hired published agents, scored below personal matches.
    const dan = ok(await mine(users.dan))._entities[0].recommendedAgents as Rec[];
    assert.equal(dan[0].agent.id, agents.writer, 'hired by three users');
    assert.ok(!ids(dan).includes(agents.draft));
    assert.match(dan[0].reasons[0], /^popular: hired by 3 users$/);
    assert.ok(dan.every((r) => r.score < 0.5));
  });

  it('skills(search, first) with the agents that have each skill, and related skills', async () => {
    const res = ok(await gql(sg.url, SKILLS, { search: 'SUMM' }, await asAnonymous()));
    assert.equal(res.skills.length, 1);
    const [summarize] = res.skills;
    assert.equal(summarize.id, 'summarize');
    assert.equal(summarize.agentCount, 2, 'the draft agent is not counted');
    assert.deepEqual(
      summarize.agents.map((a: { id: string }) => a.id).sort(),
      [agents.writer, agents.editor].sort(),
    );
    assert.equal(summarize.relatedSkills[0].id, 'outline', 'both agents with it also outline');
    const all = ok(await gql(sg.url, SKILLS, { first: 2 }, await asAnonymous()));
    assert.equal(all.skills.length, 2);
    assert.ok(!all.skills.some((s: { agentCount: number }) => s.agentCount === 0));
    const tooLong = await gql(sg.url, SKILLS, { search: 'x'.repeat(101) }, await asAnonymous());
    assert.deepEqual(codes(tooLong), ['BAD_USER_INPUT']);
    // Text that looks like Cypher is only a value.
    const injected = await gql(
      sg.url,
      SKILLS,
      { search: "') MATCH (n) DETACH DELETE n //" },
      await asAnonymous(),
    );
    assert.deepEqual(ok(injected).skills, []);
  });

  it('collaborators: agents that delegate to or are delegated by this one', async () => {
    await publish([
      hire(agents.translator, users.ann, agents.writer),
      hire(agents.translator, users.bob, agents.writer),
      hire(agents.writer, users.ann, agents.coder),
    ]);
    const { collaborators } = await agentFields(agents.writer);
    assert.deepEqual(ids(collaborators), [agents.translator, agents.coder]);
    assert.deepEqual(collaborators[0].reasons, ['this agent delegated 2 tasks to it']);
    assert.deepEqual(collaborators[1].reasons, ['it delegated 1 task to this agent']);
  });

  it('knowledgeGraph: nodes and edges around an agent, bounded, with only your own history', async () => {
    const asAnn = await asUser(users.ann);
    const res = ok(await gql(sg.url, GRAPH, { agentId: agents.writer, depth: 1 }, asAnn));
    const kg = res.knowledgeGraph;
    assert.equal(kg.root, `agent:${agents.writer}`);
    assert.equal(kg.nodes[0].id, kg.root);
    assert.equal(kg.nodes[0].agent.id, agents.writer);
    const nodeIds = kg.nodes.map((n: { id: string }) => n.id);
    for (const id of ['skill:summarize', 'skill:outline', 'tag:text', 'category:writing'])
      assert.ok(nodeIds.includes(id), id);
    // Ann's own hire and review are in it; Bob's and Cat's hires are not.
    const userNodes = kg.nodes.filter((n: { kind: string }) => n.kind === 'USER');
    assert.deepEqual(
      userNodes.map((n: { id: string; label: string }) => [n.id, n.label]),
      [[`user:${users.ann}`, 'You']],
    );
    const hired = kg.edges.find(
      (e: { kind: string; target: string }) => e.kind === 'HIRED' && e.target === kg.root,
    );
    assert.equal(hired.weight, 3);
    for (const e of kg.edges) {
      assert.ok(nodeIds.includes(e.source) && nodeIds.includes(e.target));
    }
    // Deeper: other agents through shared skills, never the draft.
    const deep = ok(
      await gql(sg.url, GRAPH, { agentId: agents.writer, depth: 2 }, await asAnonymous()),
    );
    const deepIds = deep.knowledgeGraph.nodes.map((n: { id: string }) => n.id);
    assert.ok(deepIds.includes(`agent:${agents.editor}`));
    assert.ok(!deepIds.includes(`agent:${agents.draft}`));
    assert.ok(!deep.knowledgeGraph.nodes.some((n: { kind: string }) => n.kind === 'USER'));

    const bad = await gql(sg.url, GRAPH, { agentId: agents.writer, depth: 4 }, asAnn);
    assert.deepEqual(codes(bad), ['BAD_USER_INPUT']);
    assert.deepEqual(codes(await gql(sg.url, GRAPH, { agentId: 'nope' }, asAnn)), [
      'BAD_USER_INPUT',
    ]);
    assert.deepEqual(codes(await gql(sg.url, GRAPH, { agentId: agents.draft }, asAnn)), [
      'NOT_FOUND',
    ]);
    assert.deepEqual(codes(await gql(sg.url, GRAPH, { agentId: randomUUID() }, asAnn)), [
      'NOT_FOUND',
    ]);
  });

  it('answers SERVICE_UNAVAILABLE without Neo4j (not configured, or not answering), and still serves', async () => {
    const closedPort = await freePort();
    for (const env of [{}, { NEO4J_URL: `bolt://127.0.0.1:${closedPort}` }]) {
      const lone = await startTestSubgraph(knowledgeSubgraph, {
        label: 'knowledge_nograph',
        env: { NEO4J_URL: undefined, ...env },
      });
      try {
        const res = await gql(
          lone.url,
          AGENT_FIELDS,
          { r: [{ __typename: 'Agent', id: agents.writer }] },
          await asAnonymous(),
        );
        assert.ok(codes(res).length > 0);
        assert.ok(
          codes(res).every((c) => c === 'SERVICE_UNAVAILABLE'),
          JSON.stringify(res.errors),
        );
        assert.ok(!JSON.stringify(res).includes('bolt://'), 'no internals in the answer');
        const skills = await gql(lone.url, SKILLS, {}, await asAnonymous());
        assert.deepEqual(codes(skills), ['SERVICE_UNAVAILABLE']);
        const ready = await fetch(lone.url.replace(/\/graphql$/, '/ready'));
        assert.equal(ready.status, 200, 'the subgraph itself is up');
      } finally {
        await lone.stop();
      }
    }
  });
});
