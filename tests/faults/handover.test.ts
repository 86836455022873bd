import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { startPlatform, type Platform, type ServiceProcess } from '@agentry/devstack';
import { gql, ok, testDatabase, testSecrets, waitFor } from '@agentry/testing';
import { startRecordingWorker, type RecordingAgent } from './recording-agent';

/**
 * Tasks processes that stop or start hand work over at once. The lease is ten minutes here (its
 * sweep every five), so a task can only finish within the test if a stopping runner hands its
 * tasks over, or a starting one sweeps at once: not by a lease lapsing.
 */
describe('tasks runners hand over at once', { timeout: 300_000 }, () => {
  let platform: Platform;
  let replica: ServiceProcess;
  let worker: RecordingAgent;
  let db: Client;
  let agentId: string;
  let user: { token: string };
  const TASKS_ENV = { TASK_LEASE_MS: '600000', TASK_AGENT_TIMEOUT_MS: '20000' };

  const signUp = async (email: string, publisher = false) =>
    ok(
      await gql(
        platform.gatewayUrl,
        'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }',
        { i: { email, password: 'long enough', name: email.split('@')[0], publisher } },
      ),
    ).signUp as { token: string; user: { id: string } };

  const sendTasks = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const d = ok(
        await gql(
          platform.gatewayUrl,
          'mutation($a: ID!) { sendTask(agentId: $a, input: { text: "work" }) { id } }',
          { a: agentId },
          user.token,
        ),
      );
      ids.push(d.sendTask.id);
    }
    return ids;
  };

  const leases = async (ids: string[]) =>
    (
      await db.query(
        `SELECT id, state, lease_owner AS owner FROM tasks.tasks WHERE id = ANY($1::uuid[])`,
        [ids],
      )
    ).rows as { id: string; state: string; owner: string | null }[];

  const untilAll = (
    ids: string[],
    what: string,
    ok: (r: { state: string; owner: string | null }) => boolean,
  ) =>
    waitFor(
      what,
      async () => {
        const rows = await leases(ids);
        return rows.length === ids.length && rows.every(ok) ? rows : undefined;
      },
      60_000,
    );

  before(async () => {
    worker = await startRecordingWorker({ steps: 20, stepMs: 300 });
    const databaseUrl = await testDatabase('faults_handover');
    platform = await startPlatform({
      databaseUrl,
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn' },
      serviceEnv: { tasks: TASKS_ENV },
    });
    replica = await platform.startReplica('tasks', TASKS_ENV);
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const publisher = await signUp('handover-publisher@example.com', true);
    user = await signUp('handover-user@example.com');
    agentId = ok(
      await gql(
        platform.gatewayUrl,
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name: 'handover-worker',
            description: 'A worker for the handover test',
            url: worker.url,
            version: '1.0.0',
            category: 'examples',
            tags: ['faults'],
            priceCredits: 1,
          },
        },
        publisher.token,
      ),
    ).createAgent.id;
    await waitFor('the agent in the tasks projection', async () =>
      (await db.query('SELECT 1 FROM tasks.agents WHERE id = $1', [agentId])).rowCount
        ? true
        : undefined,
    );
  });

  after(async () => {
    await db?.end();
    await platform?.stop();
    await worker?.stop();
  });

  it('a runner that stops hands its running tasks to another replica at once', async () => {
    const ids = await sendTasks(4);
    const running = await untilAll(
      ids,
      'the tasks to run',
      (r) => r.state === 'WORKING' && !!r.owner,
    );
    // Stop whichever process runs the most of them (gracefully: SIGTERM).
    const byPid = (p: ServiceProcess) =>
      running.filter((r) => r.owner!.includes(`:${p.child.pid}:`));
    const stopping =
      byPid(platform.subgraphs.tasks).length >= byPid(replica).length
        ? platform.subgraphs.tasks
        : replica;
    const moved = byPid(stopping).map((r) => r.id);
    assert.ok(moved.length > 0);
    await stopping.stop();
    const done = await untilAll(ids, 'every task to complete', (r) => r.state === 'COMPLETED');
    assert.equal(done.length, 4);
    // The one agent run per task: the replica resumed (GetTask + resubscribe), never re-sent.
    for (const [, entry] of worker.sendsByContext()) assert.equal(entry.messageIds.size, 1);
    if (stopping === platform.subgraphs.tasks) await platform.restart('tasks');
    else replica = await platform.startReplica('tasks', TASKS_ENV);
  });

  it('a runner that starts resumes lapsed tasks at once, not at its first sweep', async () => {
    // Only one tasks process from here on: the replica stops, then the main one is killed.
    await replica.stop();
    const ids = await sendTasks(2);
    await untilAll(ids, 'the tasks to run', (r) => r.state === 'WORKING' && !!r.owner);
    await platform.subgraphs.tasks.kill();
    // As if the ten minutes had passed: the dead runner's leases lapsed.
    await db.query(
      `UPDATE tasks.tasks SET lease_expires_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    await platform.restart('tasks');
    await untilAll(ids, 'every task to complete', (r) => r.state === 'COMPLETED');
  });
});
