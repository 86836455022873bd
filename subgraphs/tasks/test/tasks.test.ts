import 'reflect-metadata';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { domainEvent, publishEvents } from '@agentry/events';
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
import { PartKind } from '../src/task/part.type';
import { tasksSubgraph } from '../src/subgraph';
import { createTask, recordEvent } from '../src/task/task.store';
import { MessageRole } from '../src/task/message-role.type';
import { TaskEventKind } from '../src/events/task-event-kind.type';
import { TaskState } from '../src/task/task-state.type';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..', '..');

/** Resolves when `check` returns true; polls every 50 ms and fails after 5 s. */
const code = (err: unknown) => (err as { extensions?: { code?: string } }).extensions?.code;

describe('tasks subgraph', () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  const db = () => sg.deps.dataSource;
  before(async () => {
    sg = await startTestSubgraph(tasksSubgraph);
  });
  after(() => sg?.stop());

  /** Publishes agent events as the agents subgraph would, and waits for the projection. */
  async function publishAgents(
    agents: {
      agentId: string;
      providerId: string;
      status?: 'DRAFT' | 'PUBLISHED' | 'SUSPENDED';
      priceCredits?: number;
    }[],
    topic: 'agent.created' | 'agent.updated' = 'agent.created',
  ) {
    await db().transaction((m) =>
      publishEvents(
        m,
        agents.map((a) =>
          domainEvent(topic, a.agentId, {
            agentId: a.agentId,
            providerId: a.providerId,
            slug: `agent-${a.agentId.slice(0, 8)}`,
            name: `Agent ${a.agentId.slice(0, 8)}`,
            priceCredits: a.priceCredits ?? 10,
            status: a.status ?? 'PUBLISHED',
            category: 'research',
          }),
        ),
      ),
    );
    await eventually('the agents projection', async () => {
      const rows: { id: string; status: string }[] = await db().query(
        'SELECT id, status FROM tasks.agents WHERE id = ANY($1::uuid[])',
        [agents.map((a) => a.agentId)],
      );
      return agents.every((a) =>
        rows.some((r) => r.id === a.agentId && r.status === (a.status ?? 'PUBLISHED')),
      );
    });
  }

  async function newAgent(
    providerId = randomUUID(),
    status: 'DRAFT' | 'PUBLISHED' | 'SUSPENDED' = 'PUBLISHED',
  ) {
    const agentId = randomUUID();
    await publishAgents([{ agentId, providerId, status }]);
    return { agentId, providerId };
  }

  const newTask = (agentId: string, requesterId: string, text = 'What is A2A?') =>
    createTask(db(), { agentId, requesterId, input: { text } });

  const working = { kind: TaskEventKind.STATUS, state: TaskState.WORKING };
  const completed = { kind: TaskEventKind.STATUS, state: TaskState.COMPLETED };
  const agentSays = (text: string) => ({
    kind: TaskEventKind.MESSAGE,
    message: { role: MessageRole.AGENT, parts: [{ kind: PartKind.TEXT, text }] },
  });

  const sequences = async (taskId: string): Promise<number[]> =>
    (
      await db().query(
        'SELECT sequence FROM tasks.task_events WHERE task_id = $1 ORDER BY sequence',
        [taskId],
      )
    ).map((r: { sequence: number }) => r.sequence);

  const logOf = async (taskId: string) =>
    db().query(
      `SELECT topic, payload FROM events.log WHERE key = $1 AND producer = 'tasks' ORDER BY id`,
      [taskId],
    );

  it('learns agents from agent.created / agent.updated and skips malformed events', async () => {
    const { agentId, providerId } = await newAgent();
    await db().transaction((m) =>
      insertUncheckedEvent(m, {
        topic: 'agent.updated',
        key: 'x',
        payload: { agentId: 'not-a-uuid', name: 1 },
      }),
    );
    await publishAgents(
      [{ agentId, providerId, status: 'DRAFT', priceCredits: 25 }],
      'agent.updated',
    );
    const [row] = await db().query(
      'SELECT provider_id, price_credits, status FROM tasks.agents WHERE id = $1',
      [agentId],
    );
    assert.deepEqual(row, { provider_id: providerId, price_credits: 25, status: 'DRAFT' });
    // A draft is not for hire.
    await assert.rejects(newTask(agentId, randomUUID()), (e) => code(e) === 'NOT_FOUND');
  });

  it('creates a SUBMITTED task whose first event is the user message, then numbers events 1..n', async () => {
    const { agentId, providerId } = await newAgent();
    const requester = randomUUID();
    const task = await createTask(db(), {
      agentId,
      requesterId: requester,
      input: {
        text: 'Summarise this',
        data: { depth: 2 },
        files: [{ uri: 'https://example.com/a.pdf', mimeType: 'application/pdf' }],
      },
    });
    assert.equal(task.state, TaskState.SUBMITTED);
    assert.equal(task.providerId, providerId);
    assert.equal(task.priceCredits, 10);
    assert.equal(task.lastSequence, 1);
    assert.match(task.contextId, /^[0-9a-f-]{36}$/);
    const [first] = await db().query(
      `SELECT e.kind, e.state, m.role, m.parts FROM tasks.task_events e
         JOIN tasks.task_messages m ON m.id = e.message_id WHERE e.task_id = $1 AND e.sequence = 1`,
      [task.id],
    );
    assert.equal(first.kind, 'MESSAGE');
    assert.equal(first.state, 'SUBMITTED');
    assert.equal(first.role, 'USER');
    assert.deepEqual(
      first.parts.map((p: { kind: string }) => p.kind),
      ['TEXT', 'DATA', 'FILE'],
    );

    await recordEvent(db(), task.id, working);
    await recordEvent(db(), task.id, agentSays('Which part?'));
    await recordEvent(db(), task.id, {
      kind: TaskEventKind.STATUS,
      state: TaskState.INPUT_REQUIRED,
    });
    await recordEvent(db(), task.id, {
      kind: TaskEventKind.MESSAGE,
      state: TaskState.WORKING,
      message: { role: MessageRole.USER, parts: [{ kind: PartKind.TEXT, text: 'All of it' }] },
    });
    const done = await recordEvent(db(), task.id, completed);
    assert.equal(done.event.sequence, 6);
    assert.equal(done.task.state, TaskState.COMPLETED);
    assert.ok(done.task.completedAt instanceof Date);
    assert.deepEqual(await sequences(task.id), [1, 2, 3, 4, 5, 6]);

    const log = await logOf(task.id);
    assert.deepEqual(
      log
        .filter((e: any) => e.topic === 'task.state_changed')
        .map((e: any) => [e.payload.state, e.payload.sequence]),
      [
        ['SUBMITTED', 1],
        ['WORKING', 2],
        ['INPUT_REQUIRED', 4],
        ['WORKING', 5],
        ['COMPLETED', 6],
      ],
      'one task.state_changed per change, none for the plain message (sequence 3)',
    );
    const changed = log.find((e: any) => e.topic === 'task.state_changed').payload;
    assert.deepEqual(changed, {
      taskId: task.id,
      agentId,
      requesterId: requester,
      state: 'SUBMITTED',
      sequence: 1,
    });
    const completedEvents = log.filter((e: any) => e.topic === 'task.completed');
    assert.equal(completedEvents.length, 1);
    assert.deepEqual(completedEvents[0].payload, {
      taskId: task.id,
      agentId,
      requesterId: requester,
      providerId,
      completedAt: done.task.completedAt!.toISOString(),
    });
  });

  it('refuses bad task input and unknown agents, writing nothing', async () => {
    const { agentId } = await newAgent();
    const count = async () =>
      (
        await db().query(
          'SELECT (SELECT count(*) FROM tasks.tasks)::int AS t, (SELECT count(*) FROM events.log)::int AS l',
        )
      )[0];
    const before = await count();
    const bad: [string, Record<string, unknown>][] = [
      ['nothing', {}],
      ['blank text', { text: '   ' }],
      ['too long', { text: 'x'.repeat(100_001) }],
      ['ftp uri', { files: [{ uri: 'ftp://example.com/a' }] }],
      ['javascript uri', { files: [{ uri: 'javascript:alert(1)' }] }],
      ['file without content', { files: [{ name: 'a.txt' }] }],
      ['not base64', { files: [{ bytes: '***' }] }],
      ['11 files', { files: Array.from({ length: 11 }, () => ({ uri: 'https://example.com/f' })) }],
      ['huge data', { data: { blob: 'x'.repeat(100_001) } }],
    ];
    for (const [label, input] of bad) {
      await assert.rejects(
        createTask(db(), { agentId, requesterId: randomUUID(), input }),
        (e) => code(e) === 'BAD_USER_INPUT',
        label,
      );
    }
    await assert.rejects(newTask(randomUUID(), randomUUID()), (e) => code(e) === 'NOT_FOUND');
    await assert.rejects(newTask('nope', randomUUID()), (e) => code(e) === 'BAD_USER_INPUT');
    assert.deepEqual(await count(), before);
    // Inline bytes are a valid alternative to a uri.
    const ok = await createTask(db(), {
      agentId,
      requesterId: randomUUID(),
      input: {
        files: [
          { name: 'a.txt', mimeType: 'text/plain', bytes: Buffer.from('hi').toString('base64') },
        ],
      },
    });
    assert.equal(ok.state, TaskState.SUBMITTED);
  });

  it('keeps sequences gapless and unique under 30 concurrent recordEvent calls', async () => {
    const { agentId } = await newAgent();
    const task = await newTask(agentId, randomUUID());
    await recordEvent(db(), task.id, working);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => recordEvent(db(), task.id, agentSays(`chunk ${i}`))),
    );
    const got = results.map((r) => r.event.sequence).sort((a, b) => a - b);
    assert.deepEqual(
      got,
      Array.from({ length: 30 }, (_, i) => i + 3),
    );
    assert.deepEqual(
      await sequences(task.id),
      Array.from({ length: 32 }, (_, i) => i + 1),
    );
    const [row] = await db().query(
      `SELECT t.last_sequence, count(DISTINCT m.sequence)::int AS distinct_messages, count(m.*)::int AS messages
         FROM tasks.tasks t JOIN tasks.task_messages m ON m.task_id = t.id WHERE t.id = $1 GROUP BY t.id`,
      [task.id],
    );
    assert.deepEqual(row, { last_sequence: 32, distinct_messages: 31, messages: 31 });
  });

  it('refuses any event after a terminal state with CONFLICT and writes nothing', async () => {
    const { agentId } = await newAgent();
    for (const terminal of [
      TaskState.COMPLETED,
      TaskState.FAILED,
      TaskState.CANCELED,
      TaskState.REJECTED,
    ]) {
      const task = await newTask(agentId, randomUUID());
      await recordEvent(db(), task.id, {
        kind: TaskEventKind.STATUS,
        state: terminal,
        error: terminal === TaskState.FAILED ? 'agent crashed' : null,
      });
      const snapshot = async () =>
        db().query(
          `SELECT (SELECT count(*) FROM tasks.task_events WHERE task_id = $1)::int AS events,
                  (SELECT count(*) FROM tasks.task_messages WHERE task_id = $1)::int AS messages,
                  (SELECT count(*) FROM tasks.task_artifacts WHERE task_id = $1)::int AS artifacts,
                  (SELECT count(*) FROM events.log WHERE key = $1::text)::int AS log,
                  (SELECT state || last_sequence FROM tasks.tasks WHERE id = $1) AS task`,
          [task.id],
        );
      const before = await snapshot();
      for (const input of [
        working,
        completed,
        agentSays('late'),
        {
          kind: TaskEventKind.ARTIFACT,
          artifact: { artifactId: 'a', parts: [{ kind: PartKind.TEXT, text: 'x' }] },
        },
      ]) {
        await assert.rejects(
          recordEvent(db(), task.id, input),
          (e) => code(e) === 'CONFLICT',
          `${terminal} then ${input.kind}`,
        );
      }
      assert.deepEqual(await snapshot(), before);
    }
    const [failed] = await db().query(
      `SELECT error, completed_at FROM tasks.tasks WHERE error IS NOT NULL ORDER BY created_at DESC LIMIT 1`,
    );
    assert.equal(failed.error, 'agent crashed');
    assert.ok(failed.completed_at);
    await assert.rejects(recordEvent(db(), randomUUID(), working), (e) => code(e) === 'NOT_FOUND');
    await assert.rejects(recordEvent(db(), 'nope', working), (e) => code(e) === 'BAD_USER_INPUT');
  });

  it('builds one artifact from appended chunks; a non-append update replaces it', async () => {
    const { agentId } = await newAgent();
    const task = await newTask(agentId, randomUUID());
    const chunk = (text: string, append: boolean, lastChunk = false) =>
      recordEvent(db(), task.id, {
        kind: TaskEventKind.ARTIFACT,
        artifact: {
          artifactId: 'report',
          name: 'Report',
          parts: [{ kind: PartKind.TEXT, text }],
          append,
          lastChunk,
        },
      });
    await chunk('Hel', false);
    await chunk('lo ', true);
    await chunk('world', true, true);
    await recordEvent(db(), task.id, {
      kind: TaskEventKind.ARTIFACT,
      artifact: { artifactId: 'other', parts: [{ kind: PartKind.DATA, data: { n: 1 } }] },
    });
    const artifacts = await db().query(
      'SELECT artifact_id, name, parts FROM tasks.task_artifacts WHERE task_id = $1 ORDER BY created_at, artifact_id',
      [task.id],
    );
    assert.equal(artifacts.length, 2);
    const report = artifacts.find((a: any) => a.artifact_id === 'report');
    assert.equal(report.name, 'Report');
    assert.deepEqual(report.parts.map((p: any) => p.text).join(''), 'Hello world');
    const events = await db().query(
      `SELECT sequence, kind, payload FROM tasks.task_events WHERE task_id = $1 AND kind = 'ARTIFACT' ORDER BY sequence`,
      [task.id],
    );
    assert.deepEqual(
      events.map((e: any) => [
        e.sequence,
        e.payload.append,
        e.payload.lastChunk,
        e.payload.parts[0].text ?? null,
      ]),
      [
        [2, false, false, 'Hel'],
        [3, true, false, 'lo '],
        [4, true, true, 'world'],
        [5, false, false, null],
      ],
    );
    await chunk('Replaced', false);
    const [replaced] = await db().query(
      `SELECT parts FROM tasks.task_artifacts WHERE task_id = $1 AND artifact_id = 'report'`,
      [task.id],
    );
    assert.deepEqual(replaced.parts, [{ kind: 'TEXT', text: 'Replaced' }]);
  });

  describe('reading tasks', () => {
    let agentId: string;
    let provider: string;
    const requester = randomUUID();
    const stranger = randomUUID();
    const admin = randomUUID();
    let taskId: string;
    const TASK = `query($id: ID!) { task(id: $id) {
      id state contextId error createdAt updatedAt completedAt agent { id } requester { id }
      messages { id role text createdAt parts { kind text data file { uri name } } }
      artifacts { id artifactId name parts { kind text } createdAt updatedAt }
      events(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
        sequence kind state at message { role text } artifact { artifactId } task { id }
      } } }
    } }`;

    before(async () => {
      ({ agentId, providerId: provider } = await newAgent());
      const task = await newTask(agentId, requester, 'Find papers on A2A');
      taskId = task.id;
      await recordEvent(db(), taskId, working);
      await recordEvent(db(), taskId, agentSays('Here are three papers.'));
      await recordEvent(db(), taskId, {
        kind: TaskEventKind.ARTIFACT,
        artifact: {
          artifactId: 'papers',
          name: 'Papers',
          parts: [{ kind: PartKind.TEXT, text: 'a, b, c' }],
        },
      });
      await recordEvent(db(), taskId, completed);
    });

    it('shows a task to its requester, the provider and an admin, with messages, artifacts and events', async () => {
      for (const [who, roles] of [
        [requester, ['USER']],
        [provider, ['USER', 'PUBLISHER']],
        [admin, ['USER', 'ADMIN']],
      ] as const) {
        const { task } = ok(await gql(sg.url, TASK, { id: taskId }, await asUser(who, [...roles])));
        assert.equal(task.id, taskId, who);
        assert.equal(task.state, 'COMPLETED');
        assert.deepEqual(task.agent, { id: agentId });
        assert.deepEqual(task.requester, { id: requester });
        assert.ok(task.completedAt);
        assert.deepEqual(
          task.messages.map((m: any) => [m.role, m.text]),
          [
            ['USER', 'Find papers on A2A'],
            ['AGENT', 'Here are three papers.'],
          ],
        );
        assert.deepEqual(
          task.artifacts.map((a: any) => [a.artifactId, a.name, a.parts[0].text]),
          [['papers', 'Papers', 'a, b, c']],
        );
        assert.equal(task.events.totalCount, 5);
        assert.equal(task.events.pageInfo.hasNextPage, true);
        assert.deepEqual(
          task.events.edges.map((e: any) => [e.node.sequence, e.node.kind, e.node.state]),
          [
            [1, 'MESSAGE', 'SUBMITTED'],
            [2, 'STATUS', 'WORKING'],
            [3, 'MESSAGE', 'WORKING'],
          ],
        );
        assert.equal(task.events.edges[0].node.message.text, 'Find papers on A2A');
        assert.equal(task.events.edges[0].node.task.id, taskId);
        assert.ok(task.events.edges[0].node.at);
      }
    });

    it('pages through events by cursor and refuses foreign or malformed cursors', async () => {
      const as = await asUser(requester);
      const page1 = ok(await gql(sg.url, TASK, { id: taskId }, as)).task.events;
      const next = ok(
        await gql(
          sg.url,
          'query($id: ID!, $after: String) { task(id: $id) { events(first: 3, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { node { sequence kind artifact { artifactId parts { text } } } } } } }',
          { id: taskId, after: page1.pageInfo.endCursor },
          as,
        ),
      ).task.events;
      assert.deepEqual(
        next.edges.map((e: any) => e.node.sequence),
        [4, 5],
      );
      assert.equal(next.edges[0].node.artifact.artifactId, 'papers');
      assert.deepEqual(next.pageInfo, { hasNextPage: false, hasPreviousPage: true });
      const other = await newTask(agentId, requester);
      const foreign = await gql(
        sg.url,
        'query($id: ID!, $after: String) { task(id: $id) { events(after: $after) { totalCount } } }',
        { id: other.id, after: page1.pageInfo.endCursor },
        as,
      );
      assert.deepEqual(codes(foreign), ['BAD_USER_INPUT']);
      for (const after of [
        'garbage!',
        Buffer.from('[-1, "00000000-0000-4000-8000-000000000000"]').toString('base64url'),
      ]) {
        const res = await gql(
          sg.url,
          'query($id: ID!, $after: String) { task(id: $id) { events(after: $after) { totalCount } } }',
          { id: taskId, after },
          as,
        );
        assert.deepEqual(codes(res), ['BAD_USER_INPUT'], after);
      }
    });

    it('answers strangers and unknown ids null with no data, bad ids with coded errors', async () => {
      // One rule for every by-id query: what is not yours does not exist for you.
      const stolen = await gql(sg.url, TASK, { id: taskId }, await asUser(stranger));
      assert.deepEqual(codes(stolen), []);
      assert.equal(stolen.data?.task ?? null, null);
      assert.doesNotMatch(JSON.stringify(stolen), /papers|Find/);
      const q = 'query($id: ID!) { task(id: $id) { id } }';
      assert.deepEqual(
        codes(await gql(sg.url, q, { id: '1; DROP TABLE tasks.tasks' }, await asUser(requester))),
        ['BAD_USER_INPUT'],
      );
      const unknown = await gql(sg.url, q, { id: randomUUID() }, await asUser(requester));
      assert.deepEqual(codes(unknown), []);
      assert.equal(unknown.data?.task, null);
      // Ids are case-insensitive.
      const upper = await gql(sg.url, q, { id: taskId.toUpperCase() }, await asUser(requester));
      assert.equal(upper.data?.task?.id, taskId);
      assert.deepEqual(codes(await gql(sg.url, q, { id: taskId }, await asAnonymous())), [
        'UNAUTHENTICATED',
      ]);
      const keyWithoutScope = await asUser(requester, ['USER'], {
        via: 'apiKey',
        scopes: ['agents:read'],
        apiKeyId: randomUUID(),
      });
      assert.deepEqual(codes(await gql(sg.url, q, { id: taskId }, keyWithoutScope)), ['FORBIDDEN']);
      const keyWithScope = await asUser(requester, ['USER'], {
        via: 'apiKey',
        scopes: ['tasks:read'],
        apiKeyId: randomUUID(),
      });
      assert.equal(ok(await gql(sg.url, q, { id: taskId }, keyWithScope)).task.id, taskId);
    });

    it('resolves Task references only for callers who may see them', async () => {
      const q =
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Task { id state messages { text } } } }';
      const reps = {
        r: [
          { __typename: 'Task', id: taskId },
          { __typename: 'Task', id: randomUUID() },
          { __typename: 'Task', id: 'bad' },
        ],
      };
      const mine = ok(await gql(sg.url, q, reps, await asUser(requester)));
      assert.equal(mine._entities[0].id, taskId);
      assert.deepEqual(mine._entities.slice(1), [null, null]);
      const theirs = await gql(sg.url, q, reps, await asUser(stranger));
      assert.deepEqual(theirs.data?._entities, [null, null, null]);
      assert.doesNotMatch(JSON.stringify(theirs), /papers|Find/);
      assert.deepEqual((await gql(sg.url, q, reps, await asAnonymous())).data?._entities, [
        null,
        null,
        null,
      ]);
      assert.equal(
        ok(await gql(sg.url, q, reps, await asUser(admin, ['USER', 'ADMIN'])))._entities[0].id,
        taskId,
      );
    });
  });

  describe('lists', () => {
    const me = randomUUID();
    const other = randomUUID();
    let agentId: string;
    let provider: string;
    let mine: string[];

    before(async () => {
      ({ agentId, providerId: provider } = await newAgent());
      mine = [];
      for (let i = 0; i < 7; i++) {
        const t = await newTask(agentId, me, `question ${i}`);
        if (i % 2 === 0) await recordEvent(db(), t.id, completed);
        mine.push(t.id);
      }
      for (let i = 0; i < 3; i++) await newTask(agentId, other);
    });

    const MY = `query($state: TaskState, $first: Int, $after: String) {
      myTasks(state: $state, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id state } }
      } }`;

    it('pages through my tasks newest first over 3 pages without duplicates', async () => {
      const as = await asUser(me);
      const seen: string[] = [];
      let after: string | null = null;
      const pages: number[] = [];
      for (;;) {
        const page: any = ok(await gql(sg.url, MY, { first: 3, after }, as)).myTasks;
        assert.equal(page.totalCount, 7);
        assert.equal(page.pageInfo.hasPreviousPage, after !== null);
        pages.push(page.edges.length);
        seen.push(...page.edges.map((e: any) => e.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      assert.deepEqual(pages, [3, 3, 1]);
      assert.deepEqual(
        seen,
        [...mine].reverse(),
        'newest first, each once, none of the other user',
      );
    });

    it('filters my tasks by state', async () => {
      const as = await asUser(me);
      const done = ok(await gql(sg.url, MY, { state: 'COMPLETED', first: 2 }, as)).myTasks;
      assert.equal(done.totalCount, 4);
      assert.equal(done.edges.length, 2);
      assert.ok(done.edges.every((e: any) => e.node.state === 'COMPLETED'));
      const rest = ok(
        await gql(sg.url, MY, { state: 'COMPLETED', first: 2, after: done.pageInfo.endCursor }, as),
      ).myTasks;
      assert.deepEqual(
        [...done.edges, ...rest.edges].map((e: any) => e.node.id),
        [mine[6], mine[4], mine[2], mine[0]],
      );
      const open = ok(await gql(sg.url, MY, { state: 'SUBMITTED' }, as)).myTasks;
      assert.deepEqual(
        open.edges.map((e: any) => e.node.id),
        [mine[5], mine[3], mine[1]],
      );
      assert.equal(ok(await gql(sg.url, MY, { state: 'FAILED' }, as)).myTasks.totalCount, 0);
    });

    it('refuses malformed cursors, bad page sizes and anonymous callers', async () => {
      const as = await asUser(me);
      for (const after of [
        'garbage!',
        Buffer.from('["x", "1 OR 1=1"]').toString('base64url'),
        Buffer.from('["2020-01-01", "00000000-0000-4000-8000-000000000000"]').toString('base64url'),
        Buffer.from('[3, "00000000-0000-4000-8000-000000000000"]').toString('base64url'),
      ]) {
        assert.deepEqual(codes(await gql(sg.url, MY, { after }, as)), ['BAD_USER_INPUT'], after);
      }
      for (const first of [0, 101, -1])
        assert.deepEqual(
          codes(await gql(sg.url, MY, { first }, as)),
          ['BAD_USER_INPUT'],
          String(first),
        );
      assert.deepEqual(codes(await gql(sg.url, MY, {}, await asAnonymous())), ['UNAUTHENTICATED']);
    });

    it('shows Agent.tasks: all to the provider, own to others, none to anonymous', async () => {
      const q = `query($r: [_Any!]!, $state: TaskState, $after: String) { _entities(representations: $r) { ... on Agent {
        id tasks(state: $state, first: 5, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } } }`;
      const r = [{ __typename: 'Agent', id: agentId }];
      const asProvider = ok(
        await gql(sg.url, q, { r }, await asUser(provider, ['USER', 'PUBLISHER'])),
      )._entities[0].tasks;
      assert.equal(asProvider.totalCount, 10);
      assert.equal(asProvider.edges.length, 5);
      assert.equal(asProvider.pageInfo.hasNextPage, true);
      const rest = ok(
        await gql(sg.url, q, { r, after: asProvider.pageInfo.endCursor }, await asUser(provider)),
      )._entities[0].tasks;
      assert.equal(rest.edges.length, 5);
      assert.equal(
        new Set([...asProvider.edges, ...rest.edges].map((e: any) => e.node.id)).size,
        10,
      );
      assert.equal(
        ok(await gql(sg.url, q, { r }, await asUser(randomUUID(), ['USER', 'ADMIN'])))._entities[0]
          .tasks.totalCount,
        10,
      );
      const asMe = ok(await gql(sg.url, q, { r }, await asUser(me)))._entities[0].tasks;
      assert.equal(asMe.totalCount, 7);
      assert.ok(asMe.edges.every((e: any) => mine.includes(e.node.id)));
      assert.equal(
        ok(await gql(sg.url, q, { r, state: 'COMPLETED' }, await asUser(me)))._entities[0].tasks
          .totalCount,
        4,
      );
      assert.equal(
        ok(await gql(sg.url, q, { r }, await asUser(other)))._entities[0].tasks.totalCount,
        3,
      );
      assert.equal(
        ok(await gql(sg.url, q, { r }, await asUser(randomUUID())))._entities[0].tasks.totalCount,
        0,
      );
      const anon = ok(await gql(sg.url, q, { r }, await asAnonymous()))._entities[0].tasks;
      assert.deepEqual(anon, {
        totalCount: 0,
        pageInfo: { hasNextPage: false, endCursor: null },
        edges: [],
      });
      const unknown = ok(
        await gql(sg.url, q, { r: [{ __typename: 'Agent', id: 'not-a-uuid' }] }, await asUser(me)),
      );
      assert.equal(unknown._entities[0].tasks.totalCount, 0);
      assert.deepEqual(codes(await gql(sg.url, q, { r, after: 'garbage!' }, await asUser(me))), [
        'BAD_USER_INPUT',
      ]);
    });
  });

  it('records a COMPLETED demo task from the CLI', async () => {
    const { agentId } = await newAgent();
    const requester = randomUUID();
    const cli = (args: string[]) =>
      run(
        process.execPath,
        [
          '-r',
          path.join(root, 'scripts', 'register.js'),
          path.join(root, 'subgraphs/tasks/src/cli.ts'),
          ...args,
        ],
        {
          cwd: root,
          env: { ...process.env, DATABASE_URL: sg.databaseUrl },
        },
      );
    const { stdout } = await cli([
      'record-demo-task',
      '--agent',
      agentId,
      '--requester',
      requester,
      '--text',
      'What is MCP?',
      '--reply',
      'A protocol for tools.',
    ]);
    const taskId = stdout.trim();
    assert.match(taskId, /^[0-9a-f-]{36}$/);
    const { task } = ok(
      await gql(
        sg.url,
        'query($id: ID!) { task(id: $id) { state messages { role text } artifacts { parts { text } } events(first: 10) { edges { node { kind state } } } } }',
        { id: taskId },
        await asUser(requester),
      ),
    );
    assert.equal(task.state, 'COMPLETED');
    assert.deepEqual(task.messages, [
      { role: 'USER', text: 'What is MCP?' },
      { role: 'AGENT', text: 'A protocol for tools.' },
    ]);
    assert.equal(task.artifacts[0].parts[0].text, 'A protocol for tools.');
    assert.deepEqual(
      task.events.edges.map((e: any) => `${e.node.kind}:${e.node.state}`),
      [
        'MESSAGE:SUBMITTED',
        'STATUS:WORKING',
        'MESSAGE:WORKING',
        'ARTIFACT:WORKING',
        'STATUS:COMPLETED',
      ],
    );
    assert.equal((await logOf(taskId)).filter((e: any) => e.topic === 'task.completed').length, 1);
    await assert.rejects(
      cli([
        'record-demo-task',
        '--agent',
        randomUUID(),
        '--requester',
        requester,
        '--text',
        'q',
        '--reply',
        'a',
      ]),
      (e: any) => e.code === 1 && /was not found/.test(e.stderr),
    );
  });

  it('resolves Agent.tasks for 10 or 50 agents in the same number of SQL statements', async () => {
    const provider = randomUUID();
    const agents = Array.from({ length: 50 }, () => ({
      agentId: randomUUID(),
      providerId: provider,
    }));
    await publishAgents(agents);
    for (const a of agents) {
      const t = await newTask(a.agentId, randomUUID(), 'one');
      await recordEvent(db(), t.id, agentSays('two'));
      await newTask(a.agentId, randomUUID(), 'three');
      await newTask(a.agentId, randomUUID(), 'four');
    }
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Agent {
      id tasks(first: 2) { totalCount edges { node { id state messages { text } } } } } } }`;
    const as = await asUser(provider, ['USER', 'PUBLISHER']);
    const measure = async (n: number) => {
      const before = await subgraphSqlCount(sg.url);
      const res = ok(
        await gql(
          sg.url,
          q,
          { r: agents.slice(0, n).map((a) => ({ __typename: 'Agent', id: a.agentId })) },
          as,
        ),
      );
      const delta = (await subgraphSqlCount(sg.url)) - before;
      assert.equal(res._entities.length, n);
      for (const e of res._entities) {
        assert.equal(e.tasks.totalCount, 3);
        assert.equal(e.tasks.edges.length, 2);
        assert.ok(e.tasks.edges.every((edge: any) => edge.node.messages.length >= 1));
      }
      return delta;
    };
    const ten = await measure(10);
    const fifty = await measure(50);
    assert.equal(fifty, ten, `statements: 10 agents ${ten}, 50 agents ${fifty}`);
    assert.ok(ten <= 4, `${ten} statements`);
  });
});
