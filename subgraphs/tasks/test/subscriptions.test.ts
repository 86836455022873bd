import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { IDENTITY_HEADER, GATEWAY_SERVICE } from '@agentry/core';
import { publishEvents } from '@agentry/events';
import { identityHeaders, startTestSubgraph } from '@agentry/testing';
import { PartKind } from '../src/task/part.type';
import { tasksSubgraph } from '../src/subgraph';
import { createTask, recordEvent } from '../src/task/task.store';
import { MessageRole } from '../src/task/message-role.type';
import { TaskEventKind } from '../src/events/task-event-kind.type';
import { TaskState } from '../src/task/task-state.type';

/**
 * The tasks subgraph's own graphql-ws endpoint, as the gateway uses it: a socket opened with the
 * gateway's service token, each subscription carrying the user's identity in `extensions`.
 */
describe('task event subscriptions (tasks subgraph)', { timeout: 120_000 }, () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  let client: Client;
  const db = () => sg.deps.dataSource;
  const requester = randomUUID();
  const provider = randomUUID();
  const stranger = randomUUID();
  let agentId: string;

  const token = async (userId: string | null) =>
    (await identityHeaders(userId ? { userId, roles: ['USER'] } : GATEWAY_SERVICE))[
      IDENTITY_HEADER
    ];

  before(async () => {
    sg = await startTestSubgraph(tasksSubgraph);
    agentId = randomUUID();
    await db().transaction((m) =>
      publishEvents(m, [
        {
          topic: 'agent.created',
          key: agentId,
          payload: {
            agentId,
            providerId: provider,
            slug: 's',
            name: 'Streamer',
            priceCredits: 0,
            status: 'PUBLISHED',
            category: 'x',
            url: 'http://127.0.0.1:9',
          },
        },
      ]),
    );
    for (let i = 0; i < 100; i++) {
      if ((await db().query('SELECT 1 FROM tasks.agents WHERE id = $1', [agentId])).length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const service = await token(null);
    client = createClient({
      url: sg.url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { [IDENTITY_HEADER]: service },
      retryAttempts: 0,
    });
  });
  after(async () => {
    await client?.dispose();
    await sg?.stop();
  });

  const newTask = () =>
    createTask(db(), { agentId, requesterId: requester, input: { text: 'stream me' } }).then(
      (t) => t.id,
    );
  const status = (taskId: string, state: TaskState, text?: string) =>
    recordEvent(db(), taskId, {
      kind: TaskEventKind.STATUS,
      state,
      message: text
        ? { role: MessageRole.AGENT, parts: [{ kind: PartKind.TEXT, text }] }
        : undefined,
    });

  const QUERY = `subscription($t: ID!, $after: String) { taskEvents(taskId: $t, after: $after) {
    cursor sequence kind state message { text } task { id state } } }`;

  /** Collects a subscription's events until it completes, or until `stopAfter` events. */
  function collect(
    query: string,
    variables: Record<string, unknown>,
    userId: string,
    stopAfter = Infinity,
  ) {
    const events: any[] = [];
    const errors: any[] = [];
    let unsubscribe = () => {};
    const done = token(userId).then(
      (identity) =>
        new Promise<void>((resolve) => {
          unsubscribe = client.subscribe(
            { query, variables, extensions: { identity } },
            {
              next: (r) => {
                if (r.errors) errors.push(...r.errors);
                if (r.data) events.push(Object.values(r.data)[0]);
                if (events.length >= stopAfter) {
                  unsubscribe();
                  resolve();
                }
              },
              error: (e) => {
                errors.push(...(Array.isArray(e) ? e : [e]));
                resolve();
              },
              complete: () => resolve(),
            },
          );
        }),
    );
    return { events, errors, done, stop: () => unsubscribe() };
  }

  it('replays a task from its first event, continues live in order, and completes at the end', async () => {
    const taskId = await newTask();
    await status(taskId, TaskState.WORKING, 'step 1');
    const sub = collect(QUERY, { t: taskId }, requester);
    // Live events, written while the replay may still be running.
    for (let i = 2; i <= 20; i++) await status(taskId, TaskState.WORKING, `step ${i}`);
    await status(taskId, TaskState.COMPLETED, 'done');
    await sub.done;
    assert.deepEqual(sub.errors, []);
    assert.deepEqual(
      sub.events.map((e) => e.sequence),
      Array.from({ length: 22 }, (_, i) => i + 1),
    );
    assert.equal(sub.events.at(-1).state, 'COMPLETED');
    assert.equal(sub.events.at(-1).task.state, 'COMPLETED', 'each event reads the task fresh');
    assert.equal(sub.events[2].message.text, 'step 2');
  });

  it('resumes after a cursor with nothing missed and nothing repeated', async () => {
    const taskId = await newTask();
    for (let i = 1; i <= 5; i++) await status(taskId, TaskState.WORKING, `s${i}`);
    const first = collect(QUERY, { t: taskId }, requester, 3);
    await first.done;
    const cursor = first.events[2].cursor;
    const rest = collect(QUERY, { t: taskId, after: cursor }, requester);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => status(taskId, TaskState.WORKING, `p${i}`)),
    );
    await status(taskId, TaskState.FAILED);
    await rest.done;
    assert.deepEqual(
      rest.events.map((e) => e.sequence),
      Array.from({ length: 14 }, (_, i) => i + 4),
    );
  });

  it('completes at once after the cursor of the final event of a finished task', async () => {
    const taskId = await newTask();
    await status(taskId, TaskState.WORKING, 'w');
    await status(taskId, TaskState.COMPLETED, 'done');
    const all = collect(QUERY, { t: taskId }, requester);
    await all.done;
    const last = all.events.at(-1);
    assert.equal(last.state, 'COMPLETED');
    const resumed = collect(QUERY, { t: taskId, after: last.cursor }, requester);
    await resumed.done; // before the fix: never settles (the suite times out)
    assert.deepEqual(resumed.errors, []);
    assert.deepEqual(resumed.events, []);
    // A cursor before the end still gets the rest, then completes.
    const tail = collect(QUERY, { t: taskId, after: all.events[0].cursor }, requester);
    await tail.done;
    assert.deepEqual(
      tail.events.map((e) => e.sequence),
      all.events.slice(1).map((e) => e.sequence),
    );
  });

  it('completes when the task ends after a subscription resumed from its last cursor', async () => {
    const taskId = await newTask();
    await status(taskId, TaskState.WORKING, 'w');
    const head = collect(QUERY, { t: taskId }, requester, 2);
    await head.done;
    const resumed = collect(QUERY, { t: taskId, after: head.events[1].cursor }, requester);
    await status(taskId, TaskState.CANCELED);
    await resumed.done;
    assert.deepEqual(resumed.errors, []);
    assert.deepEqual(
      resumed.events.map((e) => [e.sequence, e.state]),
      [[3, 'CANCELED']],
    );
  });

  it('refuses strangers, missing identities and bad cursors', async () => {
    const taskId = await newTask();
    const denied = collect(QUERY, { t: taskId }, stranger);
    await denied.done;
    assert.equal(denied.events.length, 0);
    assert.equal(denied.errors[0]?.extensions?.code, 'FORBIDDEN');
    const publisher = collect(QUERY, { t: taskId }, provider, 1);
    await publisher.done;
    assert.equal(publisher.events[0].sequence, 1, "the agent's publisher may follow it");

    const anonymous = await new Promise<any[]>((resolve) => {
      client.subscribe(
        { query: QUERY, variables: { t: taskId } },
        { next: () => {}, error: (e) => resolve(e as any[]), complete: () => resolve([]) },
      );
    });
    assert.equal(anonymous[0]?.extensions?.code, 'UNAUTHENTICATED');

    const bad = collect(QUERY, { t: taskId, after: 'garbage' }, requester);
    await bad.done;
    assert.equal(bad.errors[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  it('refuses a socket without the gateway token', async () => {
    const closed = await new Promise<number>((resolve) => {
      const ws = new WebSocket(sg.url.replace('http', 'ws'), 'graphql-transport-ws');
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      ws.on('close', (code) => resolve(code));
    });
    assert.equal(closed, 4403);
  });

  it("streams every event of the caller's own tasks from now on", async () => {
    const sub = collect(
      `subscription { myTaskEvents { sequence state task { id } } }`,
      {},
      requester,
      4,
    );
    // Give the subscription a moment to register before writing (live-only, no cursor).
    await new Promise((r) => setTimeout(r, 300));
    const a = await newTask();
    await status(a, TaskState.WORKING);
    const b = await newTask();
    await status(b, TaskState.WORKING);
    await sub.done;
    assert.deepEqual(
      sub.events.map((e) => [e.task.id, e.sequence]),
      [
        [a, 1],
        [a, 2],
        [b, 1],
        [b, 2],
      ],
    );
  });
});
