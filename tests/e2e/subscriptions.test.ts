import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, type Client } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { startPlatform, type Platform, type ServiceProcess } from '@agentry/devstack';
import { startExampleAgent, type RunningExampleAgent } from '@agentry/example-agents';
import { codes, gql, ok, testDatabase, testSecrets } from '@agentry/testing';

/**
 * Live task progress through the gateways, scaled out: two gateway replicas and two tasks
 * replicas; a subscriber on one gateway follows a task driven through the other.
 */
describe('task subscriptions through the gateway', { timeout: 240_000 }, () => {
  let platform: Platform;
  let gatewayB: ServiceProcess;
  let tasksB: ServiceProcess;
  let worker: RunningExampleAgent;
  let agentId: string;
  let user: { token: string; id: string };
  let stranger: { token: string; id: string };
  const clients: Client[] = [];
  /** The last cursor of the first test's task: a point in the user's event history. */
  let firstTaskEnd: string;

  const wsUrl = (baseUrl: string) => `${baseUrl.replace('http', 'ws')}/graphql`;
  const connect = (baseUrl: string, token?: string) => {
    const client = createClient({
      url: wsUrl(baseUrl),
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  };

  const SUB = `subscription($t: ID!, $after: String) {
    taskEvents(taskId: $t, after: $after) {
      cursor sequence kind state at
      message { role text }
      task { id state agent { name } requester { name } }
    }
  }`;

  /** Fails with `what` instead of hanging when `promise` does not settle in time. */
  function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  /** A raw graphql-transport-ws socket, acknowledged: to see close codes and refused messages. */
  async function rawSocket(baseUrl: string, authorization: string) {
    const socket = new WebSocket(wsUrl(baseUrl), 'graphql-transport-ws');
    rawSockets.push(socket);
    const messages: { id?: string; type: string; payload?: any }[] = [];
    const listeners = new Set<() => void>();
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('message', (data) => {
      messages.push(JSON.parse(data.toString()));
      for (const l of listeners) l();
    });
    const waitFor = (predicate: (m: (typeof messages)[number]) => boolean, what: string) =>
      within(
        new Promise<(typeof messages)[number]>((resolve) => {
          const check = () => {
            const m = messages.find(predicate);
            if (m) {
              listeners.delete(check);
              resolve(m);
            }
          };
          listeners.add(check);
          check();
        }),
        15_000,
        what,
      );
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
    await waitFor((m) => m.type === 'connection_ack', 'connection_ack');
    const send = (id: string, query: string, variables?: Record<string, unknown>) =>
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    return { socket, messages, waitFor, closed, send };
  }
  const rawSockets: WebSocket[] = [];

  const SEND = 'mutation($a: ID!, $t: String!) { sendTask(agentId: $a, input: {text: $t}) { id } }';
  const myTaskCount = async (token: string) =>
    ok(await gql(platform.gatewayUrl, 'query { myTasks { totalCount } }', {}, token)).myTasks
      .totalCount as number;

  /** Follows a subscription; resolves on complete/error, or after `stopAfter` events. */
  function follow(
    client: Client,
    variables: Record<string, unknown>,
    stopAfter = Infinity,
    onEvent?: (count: number) => void,
  ) {
    const events: any[] = [];
    const errors: any[] = [];
    let stop = () => {};
    const done = new Promise<void>((resolve) => {
      stop = client.subscribe(
        { query: SUB, variables },
        {
          next: (r) => {
            if (r.errors) errors.push(...r.errors);
            if (r.data?.taskEvents) {
              events.push(r.data.taskEvents);
              onEvent?.(events.length);
            }
            if (events.length >= stopAfter) {
              stop();
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
    });
    return { events, errors, done };
  }

  async function signUp(email: string, publisher = false) {
    const d = ok(
      await gql(
        platform.gatewayUrl,
        'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }',
        {
          i: { email, password: 'long enough', name: email.split('@')[0], publisher },
        },
      ),
    );
    return { token: d.signUp.token as string, id: d.signUp.user.id as string };
  }

  const sendTask = async (text: string) =>
    ok(
      await gql(
        platform.gatewayUrl,
        'mutation($a: ID!, $t: String!) { sendTask(agentId: $a, input: {text: $t}) { id } }',
        { a: agentId, t: text },
        user.token,
      ),
    ).sendTask.id as string;

  const assertContiguous = (events: { sequence: number }[], from = 1) =>
    assert.deepEqual(
      events.map((e) => e.sequence),
      Array.from({ length: events.length }, (_, i) => i + from),
    );

  before(async () => {
    worker = await startExampleAgent('worker', { options: { steps: 8, stepMs: 250 } });
    platform = await startPlatform({
      databaseUrl: await testDatabase('e2e_subscriptions'),
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn' },
      serviceEnv: { tasks: { TASK_LEASE_MS: '1000' } },
    });
    tasksB = await platform.startReplica('tasks', { TASK_LEASE_MS: '1000' });
    // Gateway B talks to tasks replica B; the task is sent through gateway A (tasks A).
    gatewayB = await platform.startReplica('gateway', {
      SUBGRAPH_TASKS_URL: `${tasksB.baseUrl}/graphql`,
    });
    const publisher = await signUp('pub@example.com', true);
    user = await signUp('watcher@example.com');
    stranger = await signUp('stranger@example.com');
    agentId = ok(
      await gql(
        platform.gatewayUrl,
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name: 'Watched Worker',
            url: worker.url,
            version: '1',
            category: 'examples',
            priceCredits: 1,
          },
        },
        publisher.token,
      ),
    ).createAgent.id;
    // Both tasks replicas must know the agent before a task is sent.
    for (let i = 0; i < 100; i++) {
      const r = await gql(
        platform.gatewayUrl,
        'mutation($a: ID!) { sendTask(agentId: $a, input: {text: "warm-up"}) { id } }',
        { a: agentId },
        user.token,
      );
      if (!r.errors) break;
      await new Promise((r2) => setTimeout(r2, 100));
    }
  });
  after(async () => {
    for (const socket of rawSockets) socket.terminate();
    await Promise.all(clients.map((c) => c.dispose()));
    await platform?.stop();
    await worker?.stop();
  });

  it('delivers every event of a task driven through the other gateway, with federated fields, ending COMPLETED', async () => {
    const taskId = await sendTask('follow me');
    const sub = follow(connect(gatewayB.baseUrl, user.token), { t: taskId });
    await sub.done;
    assert.deepEqual(sub.errors, []);
    assertContiguous(sub.events);
    assert.equal(sub.events.at(-1).state, 'COMPLETED');
    assert.ok(sub.events.length >= 10, `saw ${sub.events.length} events`);
    firstTaskEnd = sub.events.at(-1).cursor;
    for (const e of sub.events) {
      assert.equal(e.task.id, taskId);
      assert.equal(e.task.agent.name, 'Watched Worker', 'resolved from the agents subgraph');
      assert.equal(e.task.requester.name, 'watcher', 'resolved from the users subgraph');
    }
  });

  it('reconnects with the last cursor after the gateway dies: the missing events arrive, none twice', async () => {
    const taskId = await sendTask('survive the gateway');
    const first = follow(connect(gatewayB.baseUrl, user.token), { t: taskId }, 3);
    await first.done;
    await gatewayB.kill();
    const last = first.events.at(-1);
    const rest = follow(connect(platform.gateway.baseUrl, user.token), {
      t: taskId,
      after: last.cursor,
    });
    await rest.done;
    assert.deepEqual(rest.errors, []);
    const all = [...first.events, ...rest.events];
    assertContiguous(all);
    assert.equal(all.at(-1).state, 'COMPLETED');
    gatewayB = await platform.startReplica('gateway', {
      SUBGRAPH_TASKS_URL: `${tasksB.baseUrl}/graphql`,
    });
  });

  it("streams the user's own task events with myTaskEvents, from a cursor, across replicas", async () => {
    const taskId = await sendTask('mine');
    const events: any[] = [];
    const errors: any[] = [];
    await new Promise<void>((resolve) => {
      const stop = connect(gatewayB.baseUrl, user.token).subscribe(
        {
          query: `subscription($after: String) { myTaskEvents(after: $after) {
            sequence state task { id agent { name } } } }`,
          variables: { after: firstTaskEnd },
        },
        {
          next: (r) => {
            if (r.errors) errors.push(...r.errors);
            const e = (r.data as any)?.myTaskEvents;
            if (e?.task.id === taskId) events.push(e);
            if (e?.task.id === taskId && e.state === 'COMPLETED') {
              stop();
              resolve();
            }
          },
          error: (e) => {
            errors.push(e);
            resolve();
          },
          complete: () => resolve(),
        },
      );
    });
    assert.deepEqual(errors, []);
    assertContiguous(events);
    assert.equal(events[0].task.agent.name, 'Watched Worker');
  });

  it('gives the same user following one task twice, the second later, every event in both', async () => {
    const taskId = await sendTask('followed twice');
    const client = connect(platform.gateway.baseUrl, user.token);
    let late: ReturnType<typeof follow> | undefined;
    let joined!: () => void;
    const lateStarted = new Promise<void>((resolve) => (joined = resolve));
    // The second, identical subscription starts once the first has received three events.
    const first = follow(client, { t: taskId }, Infinity, (count) => {
      if (count !== 3) return;
      late = follow(client, { t: taskId });
      joined();
    });
    await lateStarted;
    await Promise.all([first.done, late!.done]);
    assert.deepEqual([first.errors, late!.errors], [[], []]);
    assertContiguous(first.events);
    const seen = (f: { events: any[] }) => f.events.map((e) => [e.sequence, e.state]);
    assert.deepEqual(seen(late!), seen(first), 'the later one gets the replay too');
    assert.ok(['COMPLETED', 'FAILED'].includes(first.events.at(-1).state));
  });

  it('resumes every subscriber without a repeat when the tasks subgraph restarts under them', async () => {
    const taskId = await sendTask('survive a tasks restart');
    const gw = platform.gateway.baseUrl;
    // Identical documents (shared upstream) and a different one with a cursor.
    const followers = [
      follow(connect(gw, user.token), { t: taskId }),
      follow(connect(gw, user.token), { t: taskId }),
    ];
    const head = follow(connect(gw, user.token), { t: taskId }, 2);
    await head.done;
    followers.push(follow(connect(gw, user.token), { t: taskId, after: head.events[1].cursor }));
    await platform.restart('tasks');
    await Promise.all(followers.map((f) => within(f.done, 60_000, 'a follower completes')));
    for (const [i, f] of followers.entries()) {
      assert.deepEqual(f.errors, [], `follower ${i}`);
      assertContiguous(f.events, i === 2 ? 3 : 1);
      assert.equal(f.events.at(-1).state, 'COMPLETED');
    }
  });

  it('closes sockets of a revoked API key on another replica with 4403; nothing runs on them after', async () => {
    const { createApiKey } = ok(
      await gql(
        platform.gatewayUrl,
        'mutation { createApiKey(name: "socket", scopes: ["tasks:read", "tasks:write"]) { apiKey { id } secret } }',
        {},
        user.token,
      ),
    );
    // Opened on gateway B; the key is revoked through gateway A.
    const raw = await rawSocket(gatewayB.baseUrl, `Bearer ${createApiKey.secret}`);
    raw.send('events', 'subscription { myTaskEvents { sequence } }');
    raw.send('before', SEND, { a: agentId, t: 'with the key' });
    const first = await raw.waitFor((m) => m.id === 'before' && m.type !== 'complete', 'sendTask');
    assert.ok(first.payload?.data?.sendTask?.id, JSON.stringify(first));
    ok(
      await gql(
        platform.gatewayUrl,
        'mutation($id: ID!) { revokeApiKey(id: $id) }',
        { id: createApiKey.apiKey.id },
        user.token,
      ),
    );
    const tasksBefore = await myTaskCount(user.token);
    raw.send('after', SEND, { a: agentId, t: 'after revocation' });
    const closed = await within(raw.closed, 15_000, 'the socket is closed');
    assert.equal(closed.code, 4403);
    const answered = raw.messages.filter((m) => m.id === 'after' && m.type === 'next');
    assert.ok(
      answered.every((m) => !m.payload?.data?.sendTask),
      'no task was sent',
    );
    assert.equal(await myTaskCount(user.token), tasksBefore, 'no task was created');
  });

  it('closes a socket whose user lost a role, and a new one does not get the role back', async () => {
    const publisher = await signUp('fading-publisher@example.com', true);
    const raw = await rawSocket(gatewayB.baseUrl, `Bearer ${publisher.token}`);
    raw.send('events', 'subscription { myTaskEvents { sequence } }');
    const db = new PgClient({ connectionString: platform.env.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`UPDATE users.users SET roles = '{USER}' WHERE id = $1`, [publisher.id]);
    } finally {
      await db.end();
    }
    const closed = await within(raw.closed, 15_000, 'the socket is closed');
    assert.equal(closed.code, 4403);
    assert.match(closed.reason, /role/);
    // The same (older) session token on a new socket acts without the removed role.
    const again = await rawSocket(gatewayB.baseUrl, `Bearer ${publisher.token}`);
    again.send('create', 'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }', {
      i: {
        name: 'Not Any More',
        url: worker.url,
        version: '1',
        category: 'examples',
        priceCredits: 1,
      },
    });
    const answer = await again.waitFor((m) => m.id === 'create' && m.type !== 'complete', 'answer');
    assert.equal(
      answer.payload?.errors?.[0]?.extensions?.code,
      'FORBIDDEN',
      JSON.stringify(answer),
    );
  });

  it("refuses another user's task with FORBIDDEN and a bad token at connection", async () => {
    const taskId = await sendTask('private');
    const denied = follow(connect(platform.gateway.baseUrl, stranger.token), { t: taskId });
    await denied.done;
    assert.equal(denied.events.length, 0);
    assert.deepEqual(codes({ status: 200, errors: denied.errors }), ['FORBIDDEN']);
    const closed = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl(platform.gateway.baseUrl), 'graphql-transport-ws');
      ws.on('open', () =>
        ws.send(
          JSON.stringify({
            type: 'connection_init',
            payload: { authorization: 'Bearer not-a-token' },
          }),
        ),
      );
      ws.on('close', (code) => resolve(code));
    });
    assert.equal(closed, 4403);
  });
});
