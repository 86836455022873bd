import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, type Client } from 'graphql-ws';
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

  /** Follows a subscription; resolves on complete/error, or after `stopAfter` events. */
  function follow(client: Client, variables: Record<string, unknown>, stopAfter = Infinity) {
    const events: any[] = [];
    const errors: any[] = [];
    let stop = () => {};
    const done = new Promise<void>((resolve) => {
      stop = client.subscribe(
        { query: SUB, variables },
        {
          next: (r) => {
            if (r.errors) errors.push(...r.errors);
            if (r.data?.taskEvents) events.push(r.data.taskEvents);
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
