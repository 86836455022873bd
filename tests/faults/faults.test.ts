import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { createA2AClient } from '@agentry/a2a-adapter';
import { sleep } from '@agentry/core';
import {
  startEmbeddedPostgres,
  startPlatform,
  type EmbeddedPostgres,
  type Platform,
} from '@agentry/devstack';
import { codes, gql, ok, testSecrets, waitFor } from '@agentry/testing';
import { startRecordingWorker, type RecordingAgent } from './recording-agent';

/**
 * Fault injection against a whole stack on free ports, with its own PostgreSQL (it is killed):
 * kill -9 of PostgreSQL, of billing and of tasks while tasks run and several subscribers follow
 * each one (identical and different documents, some joining late with a cursor), and an agent
 * that hangs. Afterwards every invariant is checked: every task terminal, event sequences
 * gapless and unrepeated in storage and as each subscriber received them after its own cursor,
 * artifacts complete (or marked ARTIFACT_INCOMPLETE), exactly one CAPTURE or RELEASE per task,
 * wallets equal to their ledgers with no hold left, one message id per send at the agent.
 * Run with `npm run test:faults`; the figures it prints are in docs/OPERATIONS.md.
 */
describe('faults: nothing lost when processes die', { timeout: 900_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'agentry-faults-'));
  const dataDir = path.join(dir, 'pg');
  const STEPS = 8;
  const HANG_STEPS = 60;
  /** Long enough (60 s) that the run is still streaming when a slow restart resumes it. */
  const STREAM_STEPS = 200;
  let pg: EmbeddedPostgres;
  let platform: Platform;
  let gw: string;
  let worker: RecordingAgent;
  let hanging: RecordingAgent;
  let streamer: RecordingAgent;
  const agentIds: Record<string, string> = {};
  let user: { token: string; id: string };
  let publisher: { token: string; id: string };
  const tracked = new Map<string, { subscribers: Subscriber[] }>();
  const wsClients: WsClient[] = [];
  const figures: Record<string, unknown> = {};

  /** One query on a fresh connection (the database is killed and restarted under us). */
  async function sql<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    try {
      return (await c.query(text, values)).rows as T[];
    } finally {
      await c.end().catch(() => {});
    }
  }

  async function signUp(email: string, isPublisher = false) {
    const d = ok(
      await gql(gw, 'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }', {
        i: { email, password: 'long enough', name: email.split('@')[0], publisher: isPublisher },
      }),
    );
    return { token: d.signUp.token as string, id: d.signUp.user.id as string };
  }

  async function publish(name: string, url: string) {
    const d = ok(
      await gql(
        gw,
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name,
            description: `The ${name} agent of the fault suite`,
            url,
            version: '1.0.0',
            category: 'examples',
            tags: ['faults'],
            priceCredits: 1,
          },
        },
        publisher.token,
      ),
    );
    return d.createAgent.id as string;
  }

  const send = (agent: string, text: string) =>
    gql(
      gw,
      'mutation($a: ID!, $i: TaskInput!) { sendTask(agentId: $a, input: $i) { id state } }',
      { a: agentIds[agent], i: { text } },
      user.token,
    );

  const states = async (ids: string[]) =>
    new Map(
      (
        await sql<{ id: string; state: string }>(
          'SELECT id, state FROM tasks.tasks WHERE id = ANY($1::uuid[])',
          [ids],
        )
      ).map((r) => [r.id, r.state]),
    );
  const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELED', 'REJECTED'];
  const untilAll = (ids: string[], wanted: string[], timeoutMs = 60_000) =>
    waitFor(
      `${ids.length} tasks to be ${wanted.join('/')}`,
      async () => {
        const s = await states(ids).catch(() => new Map<string, string>());
        return ids.every((id) => wanted.includes(s.get(id) ?? '')) ? s : undefined;
      },
      timeoutMs,
      100,
    );

  // ---- subscribers -------------------------------------------------------------------------

  const DOCS = {
    full: `subscription($t: ID!, $after: String) {
      taskEvents(taskId: $t, after: $after) { cursor sequence kind state }
    }`,
    other: `subscription($t: ID!, $after: String) {
      taskEvents(taskId: $t, after: $after) { sequence cursor state task { id state } }
    }`,
  };

  /**
   * A client that follows one task from its cursor and, like a real one, reconnects with its
   * last cursor when the connection fails; it is done after the terminal event.
   */
  interface Subscriber {
    /** Which kind of follower: first/other document from the start, cursor, late identical. */
    kind: string;
    phase: string;
    from: number;
    received: number[];
    reconnects: number;
    done: Promise<void>;
  }

  function follow(
    taskId: string,
    doc: keyof typeof DOCS,
    after?: { cursor: string; seq: number },
    label: { kind: string; phase: string } = { kind: doc, phase: '' },
  ) {
    const sub: Subscriber = {
      ...label,
      from: after?.seq ?? 0,
      received: [],
      reconnects: 0,
      done: Promise.resolve(),
    };
    let cursor = after?.cursor;
    sub.done = (async () => {
      for (let attempt = 0; ; attempt++) {
        const client = createClient({
          url: `${gw.replace('http', 'ws')}`,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${user.token}` },
          retryAttempts: 0,
          lazy: true,
        });
        wsClients.push(client);
        let terminal = false;
        await new Promise<void>((resolve) => {
          client.subscribe(
            { query: DOCS[doc], variables: { t: taskId, after: cursor ?? null } },
            {
              next: (r) => {
                const e = r.data?.taskEvents as
                  { sequence: number; cursor: string; state: string | null } | undefined;
                if (!e) return;
                sub.received.push(e.sequence);
                cursor = e.cursor;
                if (e.state && TERMINAL.includes(e.state)) terminal = true;
              },
              error: () => resolve(),
              complete: () => resolve(),
            },
          );
        });
        await client.dispose();
        if (terminal) return;
        sub.reconnects++;
        // A reconnecting client backs off a little (the service it follows may be restarting).
        await sleep(Math.min(100 * 2 ** attempt, 1000));
      }
    })();
    return sub;
  }

  /** Starts `n` tasks on the worker, each followed by three subscribers. */
  async function load(n: number, label: string) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = ok(await send('worker', `${label} ${i}`)).sendTask.id as string;
      ids.push(id);
      const first = follow(id, 'full', undefined, { kind: 'full', phase: label });
      const second = follow(id, 'other', undefined, { kind: 'other', phase: label });
      tracked.set(id, { subscribers: [first, second] });
    }
    // A third subscriber per task joins once the task has progressed, resuming from a cursor
    // (the first event's) at the same time as the others run; a fourth, identical to the first,
    // joins late without a cursor.
    await Promise.all(
      ids.map(async (id) => {
        const ev = await waitFor(`the first events of ${id}`, async () => {
          const rows = await sql<{ sequence: number }>(
            'SELECT sequence FROM tasks.task_events WHERE task_id = $1 ORDER BY sequence LIMIT 2',
            [id],
          );
          return rows.length >= 2 ? rows : undefined;
        });
        const events = ok(
          await gql(
            gw,
            'query($id: ID!) { task(id: $id) { events(first: 1) { edges { node { cursor sequence } } } } }',
            { id },
            user.token,
          ),
        ).task.events.edges;
        assert.equal(events[0].node.sequence, ev[0].sequence);
        const t = tracked.get(id)!;
        t.subscribers.push(
          follow(
            id,
            'full',
            { cursor: events[0].node.cursor, seq: 1 },
            { kind: 'cursor', phase: label },
          ),
        );
        t.subscribers.push(follow(id, 'full', undefined, { kind: 'late-identical', phase: label }));
      }),
    );
    await untilAll(ids, ['WORKING', ...TERMINAL]);
    return ids;
  }

  before(async () => {
    pg = await startEmbeddedPostgres({ dataDir, persistent: true });
    worker = await startRecordingWorker({ steps: STEPS, stepMs: 400 });
    hanging = await startRecordingWorker({ steps: HANG_STEPS, stepMs: 300 });
    streamer = await startRecordingWorker({ steps: STREAM_STEPS, stepMs: 300 });
    platform = await startPlatform({
      databaseUrl: pg.url,
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'error' },
      serviceEnv: {
        tasks: {
          TASK_LEASE_MS: '2000',
          TASK_AGENT_TIMEOUT_MS: '4000',
          TASK_AGENT_CANCEL_WINDOW_MS: '60000',
        },
      },
    });
    gw = platform.gatewayUrl;
    publisher = await signUp('fault-publisher@example.com', true);
    user = await signUp('fault-user@example.com');
    agentIds.worker = await publish('fault-worker', worker.url);
    agentIds.hanging = await publish('fault-hanging', hanging.url);
    agentIds.streamer = await publish('fault-streamer', streamer.url);
    await waitFor('the agents in the tasks projection', async () => {
      const rows = await sql('SELECT id FROM tasks.agents WHERE id = ANY($1::uuid[])', [
        Object.values(agentIds),
      ]);
      return rows.length === 3;
    });
  });

  after(async () => {
    console.log(`FAULT FIGURES ${JSON.stringify(figures)}`);
    await Promise.all(wsClients.map((c) => c.dispose()));
    await platform?.stop();
    await Promise.all([worker?.stop(), hanging?.stop(), streamer?.stop()]);
    await pg?.stop();
    // The cluster may live elsewhere (a relocated data directory, see startEmbeddedPostgres).
    if (pg) rmSync(pg.dataDir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 of PostgreSQL mid-load: coded retryable errors meanwhile, then everything finishes', async () => {
    const ids = await load(6, 'pg');
    const killedAt = Date.now();
    await pg.kill();
    // Any subgraph's query while the database is down: SERVICE_UNAVAILABLE, not a bug.
    const down = await gql(gw, '{ me { id name wallet { balance } } }', {}, user.token);
    assert.deepEqual(codes(down).slice(0, 1), ['SERVICE_UNAVAILABLE'], JSON.stringify(down));
    assert.equal(typeof down.errors![0].extensions!.retryAfter, 'number');
    assert.doesNotMatch(JSON.stringify(down), /ECONNREFUSED|127\.0\.0\.1|stack|SELECT/);
    pg = await startEmbeddedPostgres({ dataDir, port: pg.port, persistent: true });
    await waitFor(
      'the platform to answer again',
      async () => !(await gql(gw, '{ me { id } }', {}, user.token)).errors,
      60_000,
      50,
    );
    figures.postgresRecoveryMs = Date.now() - killedAt;
    const s = await untilAll(ids, TERMINAL, 120_000);
    figures.postgresTasks = countStates(s);
  });

  it('kill -9 of billing mid-load: sendTask answers SERVICE_UNAVAILABLE and creates nothing', async () => {
    const ids = await load(6, 'billing');
    const killedAt = Date.now();
    await platform.subgraphs.billing.kill();
    const [{ n: before }] = await sql('SELECT count(*)::int AS n FROM tasks.tasks');
    const refused = await send('worker', 'while billing is down');
    assert.deepEqual(codes(refused), ['SERVICE_UNAVAILABLE'], JSON.stringify(refused));
    assert.equal(typeof refused.errors![0].extensions!.retryAfter, 'number');
    const [{ n: afterRefusal }] = await sql('SELECT count(*)::int AS n FROM tasks.tasks');
    assert.equal(afterRefusal, before, 'no task without a hold');
    await platform.restart('billing');
    figures.billingRecoveryMs = Date.now() - killedAt;
    const s = await untilAll(ids, TERMINAL, 120_000);
    figures.billingTasks = countStates(s);
  });

  it('kill -9 of tasks mid-load: a new process resumes every task', async () => {
    const ids = await load(6, 'tasks');
    const killedAt = Date.now();
    await platform.subgraphs.tasks.kill();
    await platform.restart('tasks');
    figures.tasksRestartMs = Date.now() - killedAt;
    const s = await untilAll(ids, TERMINAL, 120_000);
    figures.tasksResumeToEndMs = Date.now() - killedAt;
    figures.tasksTasks = countStates(s);
  });

  it('retries a send that failed with the same message id', async () => {
    worker.dropNext(/SendStreamingMessage|SendMessage|message\/stream|message\/send/i, 2);
    const id = ok(await send('worker', 'flaky network')).sendTask.id as string;
    tracked.set(id, {
      subscribers: [follow(id, 'full', undefined, { kind: 'full', phase: 'retry' })],
    });
    const s = await untilAll([id], TERMINAL, 60_000);
    assert.equal(s.get(id), 'COMPLETED');
    const [{ context }] = await sql('SELECT context_id AS context FROM tasks.tasks WHERE id = $1', [
      id,
    ]);
    const sends = worker.sendsByContext().get(context);
    assert.equal(sends?.calls, 3, 'two cut sends and the one that went through');
    assert.equal(sends?.messageIds.size, 1, 'one message id for all three');
  });

  it('an agent that hangs: cancel recorded at once, the failed task canceled when it is back, one message id per send', async () => {
    const sendOne = async (text: string) => {
      const id = ok(await send('hanging', text)).sendTask.id as string;
      tracked.set(id, {
        subscribers: [follow(id, 'full', undefined, { kind: 'full', phase: 'hang' })],
      });
      return id;
    };
    const [toCancel, toFail] = [await sendOne('hang then cancel'), await sendOne('hang then fail')];
    await untilAll([toCancel, toFail], ['WORKING']);
    await waitFor('the agent task ids', async () => {
      const rows = await sql(
        'SELECT 1 FROM tasks.tasks WHERE id = ANY($1::uuid[]) AND remote_task_id IS NOT NULL',
        [[toCancel, toFail]],
      );
      return rows.length === 2;
    });
    hanging.freeze();
    // The agent answers nothing while cancelTask runs: the cancel is recorded all the same.
    const canceled = ok(
      await gql(
        gw,
        'mutation($t: ID!) { cancelTask(taskId: $t) { id state } }',
        { t: toCancel },
        user.token,
      ),
    ).cancelTask;
    assert.equal(canceled.state, 'CANCELED');
    const failed = await untilAll([toFail], ['FAILED', 'COMPLETED', 'CANCELED'], 60_000);
    assert.equal(failed.get(toFail), 'FAILED');
    const [{ error }] = await sql('SELECT error FROM tasks.tasks WHERE id = $1', [toFail]);
    assert.match(error, /AGENT_UNREACHABLE/);
    hanging.thaw();
    const a2a = await createA2AClient(hanging.url, { allowPrivate: true });
    const remote = await sql<{ id: string; remote: string }>(
      'SELECT id, remote_task_id AS remote FROM tasks.tasks WHERE id = ANY($1::uuid[])',
      [[toCancel, toFail]],
    );
    for (const r of remote) {
      await waitFor(`the agent to have canceled ${r.id}`, async () =>
        (await a2a.getTask(r.remote)).state === 'CANCELED' ? true : undefined,
      );
    }
  });

  it('a run resumed while the agent streams its artifact ends with every chunk', async () => {
    const id = ok(await send('streamer', 'resume mid-stream')).sendTask.id as string;
    tracked.set(id, {
      subscribers: [follow(id, 'full', undefined, { kind: 'full', phase: 'chunks' })],
    });
    const [{ remote }] = await waitFor('a first chunk', async () => {
      const rows = await sql(
        `SELECT t.remote_task_id AS remote FROM tasks.tasks t
          WHERE t.id = $1 AND EXISTS (SELECT 1 FROM tasks.task_events e WHERE e.task_id = t.id AND e.kind = 'ARTIFACT')`,
        [id],
      );
      return rows.length ? rows : undefined;
    });
    // The resume's resubscription waits at the agent while the agent streams on: the chunks of
    // that gap reach no listener, as when a resume's GetTask and its resubscribe are apart.
    const held = streamer.holdNext(/SubscribeToTask|resubscribe/i);
    await platform.subgraphs.tasks.kill();
    await platform.restart('tasks');
    let came = false;
    void held.arrived.then(() => (came = true));
    await waitFor('the resume to resubscribe', async () => came, 90_000);
    const a2a = await createA2AClient(streamer.url, { allowPrivate: true });
    const chunks = async () =>
      ((await a2a.getTask(remote)).artifacts[0]?.parts ?? [])
        .map((p) => p.text ?? '')
        .join('')
        .split('done').length - 1;
    const atHold = await chunks();
    await waitFor('two more chunks at the agent', async () => (await chunks()) >= atHold + 2);
    held.release();
    const s = await untilAll([id], TERMINAL, 60_000);
    assert.equal(s.get(id), 'COMPLETED');
    const [row] = await sql(
      `SELECT t.error, (SELECT string_agg(p->>'text', '' ORDER BY o)
                          FROM tasks.task_artifacts a, jsonb_array_elements(a.parts) WITH ORDINALITY AS x(p, o)
                         WHERE a.task_id = t.id) AS text
         FROM tasks.tasks t WHERE t.id = $1`,
      [id],
    );
    if (!String(row.error ?? '').startsWith('ARTIFACT_INCOMPLETE')) {
      for (let i = 1; i <= STREAM_STEPS; i++)
        assert.ok(row.text.includes(`step ${i}/${STREAM_STEPS} done`), `misses step ${i}`);
    }
  });

  it('holds every invariant of storage, money and agents afterwards', async () => {
    const ids = [...tracked.keys()];
    const s = await untilAll(ids, TERMINAL, 120_000);
    figures.tasks = ids.length;
    figures.finalStates = countStates(s);

    // Storage: each task's sequences are 1..n.
    const seqRows = await sql<{ id: string; seqs: number[] }>(
      `SELECT task_id AS id, array_agg(sequence ORDER BY sequence) AS seqs
         FROM tasks.task_events WHERE task_id = ANY($1::uuid[]) GROUP BY 1`,
      [ids],
    );
    const stored = new Map(seqRows.map((r) => [r.id, r.seqs.map(Number)]));
    for (const id of ids) {
      const seqs = stored.get(id) ?? [];
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => i + 1),
        `stored events of ${id}`,
      );
    }

    // Subscribers: each got exactly the events after its own cursor.
    let expected = 0;
    let received = 0;
    let duplicates = 0;
    let missing = 0;
    let reconnects = 0;
    let subscribers = 0;
    /** Duplicates/missing by phase and subscriber kind, to tell which fault caused what. */
    const breakdown: Record<string, { dup: number; miss: number; subs: number }> = {};
    const details: Record<string, unknown>[] = [];
    for (const [id, { subscribers: subs }] of tracked) {
      await Promise.all(subs.map((x) => x.done));
      const n = stored.get(id)!.length;
      for (const sub of subs) {
        subscribers++;
        reconnects += sub.reconnects;
        const want = Array.from({ length: n - sub.from }, (_, i) => sub.from + i + 1);
        expected += want.length;
        received += sub.received.length;
        const seen = new Set<number>();
        const b = (breakdown[`${sub.phase}/${sub.kind}`] ??= { dup: 0, miss: 0, subs: 0 });
        b.subs++;
        for (const q of sub.received) {
          if (seen.has(q)) {
            duplicates++;
            b.dup++;
          }
          seen.add(q);
        }
        const miss = want.filter((q) => !seen.has(q)).length;
        missing += miss;
        b.miss += miss;
        if (miss && details.length < 10)
          details.push({
            task: id.slice(0, 8),
            phase: sub.phase,
            kind: sub.kind,
            from: sub.from,
            reconnects: sub.reconnects,
            n,
            received: sub.received.join(','),
          });
      }
    }
    Object.assign(figures, {
      subscribers,
      eventsExpected: expected,
      eventsReceived: received,
      duplicates,
      missing,
      subscriberReconnects: reconnects,
      breakdown,
    });
    if (details.length) console.log(`SUBSCRIBERS THAT MISSED EVENTS ${JSON.stringify(details)}`);

    // Artifacts: a COMPLETED worker task has every step, or says it may not.
    const arts = await sql<{ id: string; state: string; error: string | null; text: string }>(
      `SELECT t.id, t.state, t.error,
              coalesce((SELECT string_agg(p->>'text', '' ORDER BY o)
                          FROM tasks.task_artifacts a, jsonb_array_elements(a.parts) WITH ORDINALITY AS x(p, o)
                         WHERE a.task_id = t.id), '') AS text
         FROM tasks.tasks t WHERE t.id = ANY($1::uuid[]) AND t.agent_id = $2`,
      [ids, agentIds.worker],
    );
    let incompleteMarked = 0;
    for (const a of arts) {
      if (a.state !== 'COMPLETED') continue;
      if (a.error?.startsWith('ARTIFACT_INCOMPLETE')) {
        incompleteMarked++;
        continue;
      }
      for (let i = 1; i <= STEPS; i++)
        assert.ok(a.text.includes(`step ${i}/${STEPS} done`), `task ${a.id} misses step ${i}`);
    }
    figures.artifactsMarkedIncomplete = incompleteMarked;

    // Money: one HOLD and exactly one CAPTURE (COMPLETED) or RELEASE (otherwise) per task.
    const money = await waitFor(
      'every task settled',
      async () => {
        const rows = await sql<{ id: string; state: string; h: number; c: number; r: number }>(
          `SELECT t.id, t.state,
                  count(*) FILTER (WHERE l.kind = 'HOLD')::int AS h,
                  count(*) FILTER (WHERE l.kind = 'CAPTURE')::int AS c,
                  count(*) FILTER (WHERE l.kind = 'RELEASE')::int AS r
             FROM tasks.tasks t LEFT JOIN billing.ledger_entries l ON l.task_id = t.id
            WHERE t.id = ANY($1::uuid[]) GROUP BY 1, 2`,
          [ids],
        );
        return rows.every((x) => x.c + x.r >= 1) ? rows : undefined;
      },
      60_000,
    );
    for (const m of money) {
      assert.equal(m.h, 1, `one hold for ${m.id}`);
      assert.equal(m.c + m.r, 1, `one settlement for ${m.id}`);
      assert.equal(m.c, m.state === 'COMPLETED' ? 1 : 0, `captured iff completed: ${m.id}`);
    }
    const wallets = await sql<{
      user_id: string;
      balance: string;
      held: string;
      b: string;
      hd: string;
    }>(
      `SELECT w.user_id, w.balance::text, w.held::text,
              coalesce(sum(l.balance_delta), 0)::text AS b, coalesce(sum(l.held_delta), 0)::text AS hd
         FROM billing.wallets w LEFT JOIN billing.ledger_entries l ON l.user_id = w.user_id
        GROUP BY 1, 2, 3`,
    );
    for (const w of wallets) {
      assert.equal(w.balance, w.b, `wallet ${w.user_id} balance equals its ledger`);
      assert.equal(w.held, w.hd, `wallet ${w.user_id} held equals its ledger`);
    }
    const [mine] = wallets.filter((w) => w.user_id === user.id);
    assert.equal(mine.held, '0', 'no hold left once every task ended');

    // The agents: each task's work was asked for with one message id, however often it was sent.
    let sends = 0;
    for (const agent of [worker, hanging, streamer]) {
      for (const [context, entry] of agent.sendsByContext()) {
        sends += entry.calls;
        assert.equal(entry.messageIds.size, 1, `one message id for context ${context}`);
      }
    }
    figures.sendsAtAgents = sends;
    console.log(`FAULT FIGURES ${JSON.stringify(figures)}`);
  });

  // Delivery through the gateway: what the gateway's shared upstream subscriptions (issue #10.1,
  // #10.2) must guarantee; the breakdown in the figures tells which fault caused what.
  it('every subscriber received exactly the events after its own cursor', () => {
    assert.ok(figures.subscribers, 'the invariants ran');
    assert.equal(figures.duplicates, 0, 'no subscriber received an event twice');
    assert.equal(figures.missing, 0, 'no subscriber missed an event after its cursor');
  });
});

function countStates(s: Map<string, string>) {
  const out: Record<string, number> = {};
  for (const v of s.values()) out[v] = (out[v] ?? 0) + 1;
  return out;
}
