import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { createA2AClient } from '@agentry/a2a-adapter';
import { startPlatform, type Platform } from '@agentry/devstack';
import { startExampleAgent, type RunningExampleAgent } from '@agentry/example-agents';
import { codes, gql, ok, testDatabase, testSecrets } from '@agentry/testing';
import { waitFor } from '@agentry/testing';

/**
 * Tasks run on real A2A agents (examples/agents) through the whole platform: the gateway, the
 * tasks runner with its job queue, billing's hold and the settlement through the events log.
 */
describe('tasks on real A2A agents', { timeout: 300_000 }, () => {
  let platform: Platform;
  let db: Client;
  let gw: string;
  const agents: Record<string, RunningExampleAgent> = {};
  const agentIds: Record<string, string> = {};
  let publisher: { token: string; id: string };
  let user: { token: string; id: string };

  const TASK = `id state contextId error
    messages { role text }
    artifacts { artifactId name parts { kind text } }
    events(first: 100) { totalCount edges { node { sequence kind state } } }`;

  async function signUp(email: string, publisherRole = false) {
    const d = ok(
      await gql(gw, 'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }', {
        i: { email, password: 'long enough', name: email.split('@')[0], publisher: publisherRole },
      }),
    );
    return { token: d.signUp.token as string, id: d.signUp.user.id as string };
  }

  async function publish(name: string, url: string, priceCredits: number) {
    const d = ok(
      await gql(
        gw,
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name,
            description: `The ${name} example agent`,
            url,
            version: '1.0.0',
            category: 'examples',
            tags: ['example'],
            priceCredits,
          },
        },
        publisher.token,
      ),
    );
    return d.createAgent.id as string;
  }

  const task = async (id: string, token = user.token) =>
    ok(await gql(gw, `query($id: ID!) { task(id: $id) { ${TASK} } }`, { id }, token)).task;

  const untilState = (id: string, states: string[], token = user.token) =>
    waitFor(`task ${id} to reach ${states.join('/')}`, async () => {
      const t = await task(id, token);
      return states.includes(t.state) ? t : undefined;
    });

  const wallet = async (token: string) =>
    ok(await gql(gw, '{ me { wallet { balance held available } } }', {}, token)).me.wallet;

  const send = (agent: string, text: string, token = user.token) =>
    gql(
      gw,
      `mutation($a: ID!, $i: TaskInput!) { sendTask(agentId: $a, input: $i) { ${TASK} } }`,
      { a: agentIds[agent], i: { text } },
      token,
    );

  /** Each task's sequences are 1..n with no gap and no repeat. */
  function assertGapless(t: {
    events: { totalCount: number; edges: { node: { sequence: number } }[] };
  }) {
    const seq = t.events.edges.map((e) => e.node.sequence);
    assert.deepEqual(
      seq,
      Array.from({ length: seq.length }, (_, i) => i + 1),
    );
    assert.equal(t.events.totalCount, seq.length);
  }

  before(async () => {
    agents.echo = await startExampleAgent('echo', {});
    agents.worker = await startExampleAgent('worker', { options: { steps: 8, stepMs: 250 } });
    agents.interviewer = await startExampleAgent('interviewer', {});
    agents.failing = await startExampleAgent('failing', {});
    agents.slowpoke = await startExampleAgent('slowpoke', { options: { delayMs: 300 } });
    const databaseUrl = await testDatabase('e2e_tasks');
    platform = await startPlatform({
      databaseUrl,
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn' },
      serviceEnv: {
        // The agent timeout bounds every attempt (a 1,000-task burst on two cores needs some room).
        tasks: { TASK_LEASE_MS: '1000', TASK_AGENT_TIMEOUT_MS: '5000', DATABASE_POOL_SIZE: '20' },
        billing: { DATABASE_POOL_SIZE: '20' },
      },
    });
    gw = platform.gatewayUrl;
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    publisher = await signUp('publisher@example.com', true);
    user = await signUp('hirer@example.com');
    for (const [name, a] of Object.entries(agents)) agentIds[name] = await publish(name, a.url, 10);
    agentIds.pricey = await publish('pricey', agents.echo.url, 5000);
  });
  after(async () => {
    await db?.end();
    await platform?.stop();
    await Promise.all(Object.values(agents).map((a) => a.stop()));
  });

  it('runs a task on a streaming agent to COMPLETED, in order, and charges it once', async () => {
    const before = await wallet(user.token);
    const sent = ok(
      await waitFor('the tasks subgraph to know the agent', async () => {
        const r = await send('echo', 'hello agentry');
        return codes(r)[0] === 'NOT_FOUND' ? undefined : r;
      }),
    );
    assert.equal(sent.sendTask.state, 'SUBMITTED');
    const t = await untilState(sent.sendTask.id, ['COMPLETED', 'FAILED']);
    assert.equal(t.state, 'COMPLETED', t.error);
    assert.equal(t.messages[0].role, 'USER');
    assert.equal(t.messages[0].text, 'hello agentry');
    assert.ok(
      t.messages.some((m: any) => m.role === 'AGENT'),
      'the agent answered',
    );
    assert.ok(t.artifacts.length >= 1);
    assertGapless(t);
    assert.equal(t.events.edges.at(-1).node.state, 'COMPLETED');
    const w = await waitFor('the capture', async () => {
      const x = await wallet(user.token);
      return x.held === before.held && x.balance === before.balance - 10 ? x : undefined;
    });
    assert.equal(w.available, before.available - 10);
    const cost = ok(
      await gql(gw, 'query($id: ID!) { task(id: $id) { cost } }', { id: t.id }, user.token),
    );
    assert.equal(cost.task.cost, 10);
    await waitFor('the payout', async () =>
      (await wallet(publisher.token)).balance === 1009 ? true : undefined,
    );
  });

  it('reports progress and assembles a chunked artifact from a long-running worker', async () => {
    const sent = ok(await send('worker', 'crunch numbers')).sendTask;
    const t = await untilState(sent.id, ['COMPLETED', 'FAILED']);
    assert.equal(t.state, 'COMPLETED', t.error);
    assertGapless(t);
    const working = t.events.edges.filter((e: any) => e.node.state === 'WORKING').length;
    assert.ok(working >= 8, `saw ${working} WORKING events`);
    const report =
      t.artifacts.find((a: any) => a.name === 'report' || a.artifactId === 'report') ??
      t.artifacts[0];
    const text = report.parts.map((p: any) => p.text).join('');
    for (let i = 1; i <= 8; i++) assert.match(text, new RegExp(`${i}`));
  });

  it('asks for input, takes the reply in the same context and completes', async () => {
    const sent = ok(await send('interviewer', 'interview me')).sendTask;
    const asked = await untilState(sent.id, ['INPUT_REQUIRED', 'FAILED']);
    assert.equal(asked.state, 'INPUT_REQUIRED', asked.error);
    const replied = ok(
      await gql(
        gw,
        `mutation($t: ID!, $i: TaskInput!) { replyToTask(taskId: $t, input: $i) { id state } }`,
        { t: sent.id, i: { text: 'Ada' } },
        user.token,
      ),
    );
    assert.equal(replied.replyToTask.state, 'WORKING');
    const t = await untilState(sent.id, ['COMPLETED', 'FAILED']);
    assert.equal(t.state, 'COMPLETED', t.error);
    assert.equal(t.contextId, asked.contextId);
    assert.match(t.messages.at(-1).text, /Ada/);
    assertGapless(t);
    const again = await gql(
      gw,
      `mutation($t: ID!) { replyToTask(taskId: $t, input: {text: "x"}) { id } }`,
      { t: sent.id },
      user.token,
    );
    assert.deepEqual(codes(again), ['CONFLICT']);
  });

  it('cancels a running task at the agent and releases the hold', async () => {
    const before = await wallet(user.token);
    const sent = ok(await send('worker', 'long job')).sendTask;
    await untilState(sent.id, ['WORKING']);
    const stranger = await signUp('stranger@example.com');
    assert.deepEqual(
      codes(
        await gql(
          gw,
          'mutation($t: ID!) { cancelTask(taskId: $t) { id } }',
          { t: sent.id },
          stranger.token,
        ),
      ),
      ['FORBIDDEN'],
    );
    const canceled = ok(
      await gql(
        gw,
        'mutation($t: ID!) { cancelTask(taskId: $t) { id state } }',
        { t: sent.id },
        user.token,
      ),
    );
    assert.equal(canceled.cancelTask.state, 'CANCELED');
    const [{ remote }] = (
      await db.query('SELECT remote_task_id AS remote FROM tasks.tasks WHERE id = $1', [sent.id])
    ).rows;
    const client = await createA2AClient(agents.worker.url, { allowPrivate: true });
    // The agent is told in the background (cancelTask does not wait for it).
    await waitFor('the cancel at the agent', async () =>
      (await client.getTask(remote)).state === 'CANCELED' ? true : undefined,
    );
    await waitFor('the release', async () => {
      const w = await wallet(user.token);
      return w.held === before.held && w.balance === before.balance ? true : undefined;
    });
    const t = await task(sent.id);
    assert.equal(t.state, 'CANCELED');
    assertGapless(t);
  });

  it('ends a failing agent FAILED, polls a non-streaming agent, and refuses what you cannot pay', async () => {
    const failed = await untilState(ok(await send('failing', 'please fail')).sendTask.id, [
      'FAILED',
      'COMPLETED',
    ]);
    assert.equal(failed.state, 'FAILED');
    const polled = await untilState(ok(await send('slowpoke', 'take your time')).sendTask.id, [
      'COMPLETED',
      'FAILED',
    ]);
    assert.equal(polled.state, 'COMPLETED', polled.error);
    assert.ok(polled.artifacts.length >= 1);
    const tasksBefore = (await db.query('SELECT count(*)::int AS n FROM tasks.tasks')).rows[0].n;
    const broke = await send('pricey', 'too expensive');
    assert.deepEqual(codes(broke), ['INSUFFICIENT_CREDITS']);
    assert.equal(
      (await db.query('SELECT count(*)::int AS n FROM tasks.tasks')).rows[0].n,
      tasksBefore,
    );
  });

  it('fails a task whose agent disappears, within the bound, and releases the hold', async () => {
    const doomed = await startExampleAgent('worker', { options: { steps: 50, stepMs: 200 } });
    const id = await publish('doomed', doomed.url, 10);
    await waitFor('the projection', async () => {
      const r = (await db.query('SELECT 1 FROM tasks.agents WHERE id = $1', [id])).rowCount;
      return r ? true : undefined;
    });
    const before = await wallet(user.token);
    const sent = ok(
      await gql(
        gw,
        `mutation($a: ID!) { sendTask(agentId: $a, input: {text: "work"}) { id } }`,
        { a: id },
        user.token,
      ),
    ).sendTask;
    await untilState(sent.id, ['WORKING']);
    const stoppedAt = Date.now();
    await doomed.stop();
    const t = await untilState(sent.id, ['FAILED', 'COMPLETED']);
    assert.equal(t.state, 'FAILED');
    assert.match(t.error, /AGENT_UNREACHABLE/);
    assert.ok(Date.now() - stoppedAt < 15_000, 'bounded');
    await waitFor('the release', async () => {
      const w = await wallet(user.token);
      return w.held === before.held && w.balance === before.balance ? true : undefined;
    });
  });

  it('finishes a task after the tasks service is killed mid-task: no lost or repeated event, one charge', async () => {
    const sent = ok(await send('worker', 'survive a crash')).sendTask;
    await untilState(sent.id, ['WORKING']);
    await platform.subgraphs.tasks.kill();
    await platform.restart('tasks');
    const t = await untilState(sent.id, ['COMPLETED', 'FAILED'], user.token);
    assert.equal(t.state, 'COMPLETED', t.error);
    assertGapless(t);
    const agentMessages = (
      await db.query(
        `SELECT remote_message_id, count(*)::int AS n FROM tasks.task_messages WHERE task_id = $1 AND role = 'AGENT' GROUP BY 1 HAVING count(*) > 1`,
        [sent.id],
      )
    ).rows;
    assert.deepEqual(agentMessages, [], 'no agent message recorded twice');
    const report = t.artifacts[0].parts.map((p: any) => p.text).join('');
    for (let i = 1; i <= 8; i++) assert.match(report, new RegExp(`${i}`));
    await waitFor('the capture', async () => {
      const { rows } = await db.query(
        `SELECT kind, count(*)::int AS n FROM billing.ledger_entries WHERE task_id = $1 GROUP BY kind ORDER BY kind`,
        [sent.id],
      );
      const byKind = Object.fromEntries(rows.map((r) => [r.kind, r.n]));
      return byKind.CAPTURE ? byKind : undefined;
    }).then((byKind) => assert.deepEqual(byKind, { CAPTURE: 1, FEE: 1, HOLD: 1, PAYOUT: 1 }));
  });

  it('runs exactly 100 of 1,000 concurrent sendTask calls from a wallet that pays for 100', async () => {
    const buyer = await signUp('buyer@example.com');
    const w0 = await wallet(buyer.token);
    assert.equal(w0.available, 1000);
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => send('echo', `job ${i}`, buyer.token)),
    );
    const okCount = results.filter((r) => !r.errors).length;
    const refused = results.filter((r) => codes(r)[0] === 'INSUFFICIENT_CREDITS').length;
    assert.equal(okCount, 100);
    assert.equal(refused, 900);
    const ids = results.filter((r) => !r.errors).map((r) => r.data.sendTask.id);
    await waitFor(
      'every paid task to finish',
      async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM tasks.tasks WHERE id = ANY($1) AND state = 'COMPLETED'`,
          [ids],
        );
        return rows[0].n === 100 ? true : undefined;
      },
      120_000,
    );
    const w = await waitFor(
      'every capture',
      async () => {
        const x = await wallet(buyer.token);
        return x.held === 0 ? x : undefined;
      },
      60_000,
    );
    assert.equal(w.balance, 0);
    const { rows } = await db.query(
      `SELECT kind, count(*)::int AS n, sum(balance_delta)::int AS delta
         FROM billing.ledger_entries WHERE user_id = $1 GROUP BY kind ORDER BY kind`,
      [buyer.id],
    );
    assert.deepEqual(
      rows.map((r) => [r.kind, r.n, r.delta]),
      [
        ['CAPTURE', 100, -1000],
        ['GRANT', 1, 1000],
        ['HOLD', 100, 0],
      ],
    );
    const tasks = (
      await db.query('SELECT count(*)::int AS n FROM tasks.tasks WHERE requester_id = $1', [
        buyer.id,
      ])
    ).rows[0].n;
    assert.equal(tasks, 100, 'refused calls left no task behind');
  });
});
