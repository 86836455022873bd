import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  IDENTITY_HEADER,
  createIdentitySigner,
  generateIdentityKeys,
  sleep,
  type Identity,
} from '@agentry/core';
import { domainEvent, publishEvents, type DomainEvent, type PayloadOf } from '@agentry/events';
import {
  asAnonymous,
  asUser,
  gql,
  identityHeaders,
  insertUncheckedEvent,
  ok,
  startTestSubgraph,
} from '@agentry/testing';
import { billingSubgraph } from '../src/subgraph';
import { ensureWallet, grant, hold } from '../src/ledger/ledger.store';
import { ORPHAN_REASON, sweepOrphanedHolds } from '../src/settlement/orphan-sweeper.worker';
import { SETTLEMENT_CONSUMER } from '../src/settlement/settlement.consumer';
import { PLATFORM_WALLET_ID } from '../src/ledger/wallet.entity';
import { ledgerCount, publishRegistered, waitFor, walletRow } from './helpers';

type Headers = Record<string, string>;
interface Reply {
  status: number;
  body: any;
  text: string;
}

const LEAKS = /stack|SELECT|INSERT|UPDATE |billing\.|typeorm|at \//i;

describe('billing task settlement (holds, captures, releases)', () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  before(async () => {
    sg = await startTestSubgraph(billingSubgraph);
  });
  after(() => sg?.stop());

  const db = () => sg.deps.dataSource;
  const base = () => sg.url.replace('/graphql', '');

  async function post(path: string, body: unknown, headers: Headers = {}): Promise<Reply> {
    const res = await fetch(`${base()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* asserted by the callers */
    }
    return { status: res.status, body: parsed, text };
  }
  const postHold = (body: unknown, headers: Headers) => post('/internal/holds', body, headers);
  const postRelease = (taskId: string, headers: Headers) =>
    post(`/internal/holds/${taskId}/release`, {}, headers);

  /** A wallet with exactly `balance` credits, opened directly (no welcome grant). */
  const walletWith = async (balance: number) => {
    const userId = randomUUID();
    await db().transaction((m) => ensureWallet(m, userId));
    if (balance > 0) await grant(db(), { userId, amount: balance, reason: 'setup' });
    return userId;
  };
  const kindsOfTask = async (taskId: string) =>
    (
      await db().query('SELECT kind FROM billing.ledger_entries WHERE task_id = $1 ORDER BY seq', [
        taskId,
      ])
    ).map((r: { kind: string }) => r.kind);
  const countKind = async (kind: string, userId: string) =>
    (
      await db().query(
        'SELECT count(*)::int AS n FROM billing.ledger_entries WHERE kind = $1 AND user_id = $2',
        [kind, userId],
      )
    )[0].n as number;
  /** The ledger explains the wallet: the deltas of its entries add up to its row. */
  const assertLedgerAddsUp = async (userId: string) => {
    const [sums] = await db().query(
      `SELECT coalesce(sum(balance_delta), 0)::int AS balance, coalesce(sum(held_delta), 0)::int AS held
         FROM billing.ledger_entries WHERE user_id = $1`,
      [userId],
    );
    assert.deepEqual(sums, await walletRow(db(), userId), `ledger of ${userId}`);
  };

  /** Publishes events as the tasks subgraph does; returns the last event id. */
  type Unchecked = { topic: string; key: string; payload: unknown; unchecked: true };
  async function publishTaskEvents(events: (DomainEvent | Unchecked)[]): Promise<number> {
    // Malformed events go in unchecked, as a buggy producer's would.
    await db().transaction(async (m) => {
      for (const e of events) {
        if ('unchecked' in e) await insertUncheckedEvent(m, { ...e, producer: 'tasks' });
        else await publishEvents(m, [e]);
      }
    });
    const [{ max }] = await db().query(
      `SELECT max(id)::int AS max FROM events.log WHERE topic LIKE 'task.%'`,
    );
    return max;
  }
  const settled = (eventId: number) =>
    waitFor(`${SETTLEMENT_CONSUMER} to reach event ${eventId}`, async () => {
      const [row] = await db().query(
        'SELECT last_id::int AS last FROM events.consumers WHERE name = $1',
        [SETTLEMENT_CONSUMER],
      );
      return row && row.last >= eventId;
    });
  const publishAndSettle = async (events: (DomainEvent | Unchecked)[]) =>
    settled(await publishTaskEvents(events));

  const stateChanged = (
    taskId: string,
    requesterId: string,
    state: PayloadOf<'task.state_changed'>['state'],
    sequence: number,
  ) =>
    domainEvent('task.state_changed', taskId, {
      taskId,
      agentId: AGENT,
      requesterId,
      state,
      sequence,
    });
  const completed = (taskId: string, requesterId: string, providerId: string) =>
    domainEvent('task.completed', taskId, {
      taskId,
      agentId: AGENT,
      requesterId,
      providerId,
      completedAt: new Date().toISOString(),
    });
  const AGENT = randomUUID();

  it('holds the price on the caller’s own wallet, once per task', async () => {
    const alice = await walletWith(500);
    const bob = await walletWith(500);
    const taskId = randomUUID();
    const auth = await asUser(alice);

    const first = await postHold({ taskId, amount: 120 }, auth);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body, { taskId, amount: 120, available: 380 });
    assert.deepEqual(await walletRow(db(), alice), { balance: 500, held: 120 });

    // A retry (the tasks subgraph timed out and tries again) answers the same and moves nothing.
    const retry = await postHold({ taskId: taskId.toUpperCase(), amount: 120 }, auth);
    assert.equal(retry.status, 200, retry.text);
    assert.deepEqual(retry.body, { taskId, amount: 120, available: 380 });
    assert.equal(await countKind('HOLD', alice), 1);

    const otherAmount = await postHold({ taskId, amount: 121 }, auth);
    assert.equal(otherAmount.status, 409);
    assert.equal(otherAmount.body.code, 'CONFLICT');
    const zeroNow = await postHold({ taskId, amount: 0 }, auth);
    assert.equal(zeroNow.status, 409, 'a held task cannot turn free');
    // Someone else cannot hold (or learn more about) the same task.
    const otherUser = await postHold({ taskId, amount: 120 }, await asUser(bob));
    assert.equal(otherUser.status, 409);
    assert.equal(otherUser.body.code, 'CONFLICT');
    assert.deepEqual(await walletRow(db(), bob), { balance: 500, held: 0 });

    // An API key may hold with scope tasks:write.
    const withKey = await postHold(
      { taskId: randomUUID(), amount: 30 },
      await asUser(alice, ['USER'], {
        via: 'apiKey',
        scopes: ['tasks:write'],
        apiKeyId: randomUUID(),
      }),
    );
    assert.equal(withKey.status, 200, withKey.text);
    assert.equal(withKey.body.available, 350);

    // A free agent: 200, no entry.
    const before = await ledgerCount(db());
    const free = await postHold({ taskId: randomUUID(), amount: 0 }, auth);
    assert.equal(free.status, 200, free.text);
    assert.equal(free.body.amount, 0);
    assert.equal(free.body.available, 350);
    assert.equal(await ledgerCount(db()), before);
    assert.deepEqual(await kindsOfTask(taskId), ['HOLD']);
    await assertLedgerAddsUp(alice);
  });

  it('refuses callers without the user’s valid identity (401) or scope (403), writing nothing', async () => {
    const carol = await walletWith(500);
    const taskId = randomUUID();
    const before = await ledgerCount(db());
    const other = await generateIdentityKeys();
    const forge = await createIdentitySigner(other.privateKeyPem);
    const forged: Identity = {
      userId: carol,
      roles: ['USER'],
      via: 'session',
      scopes: null,
      apiKeyId: null,
    };
    const unauthenticated: [string, Headers][] = [
      ['no identity', {}],
      ['garbage token', { [IDENTITY_HEADER]: 'garbage.token.here' }],
      ['token signed by another key', { [IDENTITY_HEADER]: await forge(forged) }],
      ['anonymous', await asAnonymous()],
      [
        'gateway service identity without a user',
        await identityHeaders({ userId: null, via: 'service' }),
      ],
    ];
    for (const [what, headers] of unauthenticated) {
      for (const res of [
        await postHold({ taskId, amount: 10 }, headers),
        await postRelease(taskId, headers),
      ]) {
        assert.equal(res.status, 401, `${what}: ${res.text}`);
        assert.equal(res.body.code, 'UNAUTHENTICATED', what);
        assert.doesNotMatch(res.text, LEAKS);
      }
    }
    for (const scopes of [['tasks:read'], ['billing:read', 'agents:write'], []]) {
      const headers = await asUser(carol, ['USER'], {
        via: 'apiKey',
        scopes,
        apiKeyId: randomUUID(),
      });
      for (const res of [
        await postHold({ taskId, amount: 10 }, headers),
        await postRelease(taskId, headers),
      ]) {
        assert.equal(res.status, 403, `${scopes}: ${res.text}`);
        assert.equal(res.body.code, 'FORBIDDEN');
      }
    }
    assert.equal(await ledgerCount(db()), before);
    assert.deepEqual(await walletRow(db(), carol), { balance: 500, held: 0 });
  });

  it('rejects a bad body with 400 and writes nothing', async () => {
    const dave = await walletWith(500);
    const victim = await walletWith(500);
    const auth = await asUser(dave);
    const taskId = randomUUID();
    const before = await ledgerCount(db());
    const bad: unknown[] = [
      {},
      { taskId },
      { amount: 10 },
      { taskId: 'not-a-uuid', amount: 10 },
      { taskId: 42, amount: 10 },
      { taskId, amount: -1 },
      { taskId, amount: 1.5 },
      { taskId, amount: '10' },
      { taskId, amount: 1_000_001 },
      { taskId, amount: null },
      // The wallet is the caller's: a userId in the body is refused, not obeyed.
      { taskId, amount: 10, userId: victim },
      [{ taskId, amount: 10 }],
      'null',
      '"text"',
      '{"taskId": ',
    ];
    for (const body of bad) {
      const res = await postHold(body, auth);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
      assert.equal(res.body?.code, 'BAD_USER_INPUT', JSON.stringify(body));
      assert.equal(typeof res.body.message, 'string');
      assert.doesNotMatch(res.text, LEAKS);
    }
    const tooLarge = await postHold({ taskId, amount: 10, pad: 'x'.repeat(5000) }, auth);
    assert.equal(tooLarge.status, 413, tooLarge.text);
    assert.equal(tooLarge.body.code, 'BAD_USER_INPUT');
    assert.doesNotMatch(tooLarge.text, LEAKS);
    const badRelease = await postRelease('not-a-uuid', auth);
    assert.equal(badRelease.status, 400);
    assert.equal(badRelease.body.code, 'BAD_USER_INPUT');

    assert.equal(await ledgerCount(db()), before);
    assert.deepEqual(await walletRow(db(), dave), { balance: 500, held: 0 });
    assert.deepEqual(await walletRow(db(), victim), { balance: 500, held: 0 });
  });

  it('answers 402 with what is required and available when credits are short', async () => {
    const erin = await walletWith(50);
    const before = await ledgerCount(db());
    const res = await postHold({ taskId: randomUUID(), amount: 51 }, await asUser(erin));
    assert.equal(res.status, 402, res.text);
    assert.equal(res.body.code, 'INSUFFICIENT_CREDITS');
    assert.equal(res.body.required, 51);
    assert.equal(res.body.available, 50);
    assert.match(res.body.message, /51/);
    // No wallet at all: nothing available.
    const nobody = await postHold({ taskId: randomUUID(), amount: 1 }, await asUser(randomUUID()));
    assert.equal(nobody.status, 402, nobody.text);
    assert.equal(nobody.body.available, 0);
    assert.equal(await ledgerCount(db()), before);
    assert.deepEqual(await walletRow(db(), erin), { balance: 50, held: 0 });
  });

  it('lets a user who registered a moment ago hold their welcome credits', async () => {
    const newcomer = randomUUID();
    await publishRegistered(db(), [newcomer]);
    // No waiting for the welcome consumer: the route catches it up when the wallet is missing.
    const res = await postHold({ taskId: randomUUID(), amount: 600 }, await asUser(newcomer));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.available, 400);
    assert.deepEqual(await walletRow(db(), newcomer), { balance: 1000, held: 600 });
  });

  it('lets exactly 100 of 1,000 concurrent holds of 10 succeed on a wallet of 1,000', async () => {
    const frank = await walletWith(1000);
    const auth = await asUser(frank);
    const replies = await Promise.all(
      Array.from({ length: 1000 }, () => postHold({ taskId: randomUUID(), amount: 10 }, auth)),
    );
    const byStatus = new Map<number, number>();
    for (const r of replies) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(byStatus), { 200: 100, 402: 900 });
    for (const r of replies.filter((x) => x.status === 402)) {
      assert.equal(r.body.code, 'INSUFFICIENT_CREDITS');
      assert.equal(r.body.required, 10);
    }
    assert.deepEqual(await walletRow(db(), frank), { balance: 1000, held: 1000 });
    assert.equal(await countKind('HOLD', frank), 100);
    await assertLedgerAddsUp(frank);
  });

  it('captures on task.completed: CAPTURE, PAYOUT minus 10% and FEE, exactly once', async () => {
    const requester = await walletWith(1000);
    const provider = await walletWith(0);
    const taskId = randomUUID();
    const platformBefore = (await walletRow(db(), PLATFORM_WALLET_ID))!;
    const auth = await asUser(requester);
    assert.equal((await postHold({ taskId, amount: 250 }, auth)).status, 200);

    await publishAndSettle([stateChanged(taskId, requester, 'SUBMITTED', 1)]);
    assert.deepEqual(await walletRow(db(), requester), { balance: 1000, held: 250 });
    const done = [
      stateChanged(taskId, requester, 'COMPLETED', 3),
      completed(taskId, requester, provider),
    ];
    await publishAndSettle(done);

    assert.deepEqual(await kindsOfTask(taskId), ['HOLD', 'CAPTURE', 'PAYOUT', 'FEE']);
    assert.deepEqual(await walletRow(db(), requester), { balance: 750, held: 0 });
    assert.deepEqual(await walletRow(db(), provider), { balance: 225, held: 0 });
    assert.deepEqual(await walletRow(db(), PLATFORM_WALLET_ID), {
      balance: platformBefore.balance + 25,
      held: 0,
    });
    for (const w of [requester, provider, PLATFORM_WALLET_ID]) await assertLedgerAddsUp(w);
    const [seen] = await db().query(
      'SELECT state, sequence::int AS sequence FROM billing.tasks_seen WHERE task_id = $1',
      [taskId],
    );
    assert.deepEqual(seen, { state: 'COMPLETED', sequence: 3 });

    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Task { id cost } } }`;
    const cost = ok(await gql(sg.url, q, { r: [{ __typename: 'Task', id: taskId }] }, auth));
    assert.deepEqual(cost._entities, [{ id: taskId, cost: 250 }]);

    // The same completion delivered again (a replay): still one capture, same balances.
    await publishAndSettle([completed(taskId, requester, provider)]);
    assert.deepEqual(await kindsOfTask(taskId), ['HOLD', 'CAPTURE', 'PAYOUT', 'FEE']);
    assert.deepEqual(await walletRow(db(), requester), { balance: 750, held: 0 });
    assert.deepEqual(await walletRow(db(), provider), { balance: 225, held: 0 });
    // A captured hold cannot be held again or released.
    assert.equal((await postHold({ taskId, amount: 250 }, auth)).status, 409);
    const rel = await postRelease(taskId, auth);
    assert.equal(rel.status, 409, rel.text);
    assert.equal(rel.body.code, 'CONFLICT');
  });

  it('releases the hold when a task fails, is canceled or rejected', async () => {
    const gina = await walletWith(300);
    const auth = await asUser(gina);
    const tasks = { FAILED: randomUUID(), CANCELED: randomUUID(), REJECTED: randomUUID() };
    const working = randomUUID();
    for (const taskId of [...Object.values(tasks), working])
      assert.equal((await postHold({ taskId, amount: 70 }, auth)).status, 200);
    assert.deepEqual(await walletRow(db(), gina), { balance: 300, held: 280 });

    await publishAndSettle([
      ...(['FAILED', 'CANCELED', 'REJECTED'] as const).map((state) =>
        stateChanged(tasks[state], gina, state, 2),
      ),
      stateChanged(working, gina, 'WORKING', 2),
    ]);
    for (const [state, taskId] of Object.entries(tasks)) {
      assert.deepEqual(await kindsOfTask(taskId), ['HOLD', 'RELEASE'], state);
      const [entry] = await db().query(
        `SELECT reason FROM billing.ledger_entries WHERE task_id = $1 AND kind = 'RELEASE'`,
        [taskId],
      );
      assert.equal(entry.reason, `Task ${state.toLowerCase()}`);
    }
    assert.deepEqual(await kindsOfTask(working), ['HOLD']);
    assert.deepEqual(await walletRow(db(), gina), { balance: 300, held: 70 });
    await assertLedgerAddsUp(gina);
    // Released again (a replay): nothing more.
    await publishAndSettle([stateChanged(tasks.FAILED, gina, 'FAILED', 2)]);
    assert.deepEqual(await kindsOfTask(tasks.FAILED), ['HOLD', 'RELEASE']);
    // A released task id cannot be used to hold again.
    const reuse = await postHold({ taskId: tasks.FAILED, amount: 70 }, auth);
    assert.equal(reuse.status, 409, reuse.text);
  });

  it('keeps going past events it cannot apply: late completion, no hold, malformed', async () => {
    const hank = await walletWith(500);
    const provider = await walletWith(0);
    const auth = await asUser(hank);
    const failed = randomUUID();
    const next = randomUUID();
    for (const taskId of [failed, next])
      assert.equal((await postHold({ taskId, amount: 100 }, auth)).status, 200);

    await publishAndSettle([
      stateChanged(failed, hank, 'FAILED', 2),
      // Completion after the release: CONFLICT, skipped.
      completed(failed, hank, provider),
      // A free task (no hold) and malformed events: skipped.
      completed(randomUUID(), hank, provider),
      stateChanged(randomUUID(), hank, 'CANCELED', 2),
      { topic: 'task.completed', key: 'x', payload: { taskId: 1 }, unchecked: true },
      {
        topic: 'task.completed',
        key: next,
        payload: { taskId: next, providerId: 'nope' },
        unchecked: true,
      },
      {
        topic: 'task.state_changed',
        key: 'y',
        payload: { taskId: randomUUID(), state: 'DONE' },
        unchecked: true,
      },
      { topic: 'task.state_changed', key: 'z', payload: null, unchecked: true },
      // ...and the next good event is applied in the same batch.
      completed(next, hank, provider),
    ]);
    assert.deepEqual(await kindsOfTask(failed), ['HOLD', 'RELEASE']);
    assert.deepEqual(await kindsOfTask(next), ['HOLD', 'CAPTURE', 'PAYOUT', 'FEE']);
    assert.deepEqual(await walletRow(db(), hank), { balance: 400, held: 0 });
    assert.deepEqual(await walletRow(db(), provider), { balance: 90, held: 0 });
    await assertLedgerAddsUp(hank);
  });

  it('releases through POST /internal/holds/:taskId/release, only the caller’s own hold', async () => {
    const ivy = await walletWith(200);
    const mallory = await walletWith(200);
    const auth = await asUser(ivy);
    const taskId = randomUUID();
    assert.equal((await postHold({ taskId, amount: 80 }, auth)).status, 200);

    // Someone else cannot release it.
    const stranger = await postRelease(taskId, await asUser(mallory));
    assert.equal(stranger.status, 200, stranger.text);
    assert.deepEqual(stranger.body, { released: false });
    assert.deepEqual(await walletRow(db(), ivy), { balance: 200, held: 80 });

    const first = await postRelease(taskId, auth);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body, { released: true });
    assert.deepEqual(await walletRow(db(), ivy), { balance: 200, held: 0 });
    const again = await postRelease(taskId.toUpperCase(), auth);
    assert.deepEqual(again.body, { released: true });
    assert.deepEqual(await kindsOfTask(taskId), ['HOLD', 'RELEASE']);
    // Nothing held for this task: nothing released.
    assert.deepEqual((await postRelease(randomUUID(), auth)).body, { released: false });
    // The task was never recorded; a late hold retry with its id must not look paid for.
    assert.equal((await postHold({ taskId, amount: 80 }, auth)).status, 409);
    await assertLedgerAddsUp(ivy);
  });

  it('sweeps orphaned holds: old, unsettled, of tasks never seen', async () => {
    // Earlier tests leave unsettled holds of tasks never seen; swept now, they cannot slow the
    // sweeps below until the young hold has aged past the cutoff on a busy machine.
    await sweepOrphanedHolds(db(), { olderThanSeconds: 0, log: sg.deps.log });
    const judy = await walletWith(300);
    const auth = await asUser(judy);
    const [orphan, seen, fresh] = [randomUUID(), randomUUID(), randomUUID()];
    for (const taskId of [orphan, seen])
      assert.equal((await postHold({ taskId, amount: 50 }, auth)).status, 200);
    await publishAndSettle([stateChanged(seen, judy, 'SUBMITTED', 1)]);
    await sleep(1100);
    assert.equal((await postHold({ taskId: fresh, amount: 50 }, auth)).status, 200);

    const released = await sweepOrphanedHolds(db(), { olderThanSeconds: 1, log: sg.deps.log });
    assert.ok(released.includes(orphan), JSON.stringify(released));
    assert.ok(!released.includes(seen), 'a task that started keeps its hold');
    assert.ok(!released.includes(fresh), 'a young hold is left alone');
    assert.deepEqual(await kindsOfTask(orphan), ['HOLD', 'RELEASE']);
    assert.deepEqual(await kindsOfTask(seen), ['HOLD']);
    const [entry] = await db().query(
      `SELECT reason FROM billing.ledger_entries WHERE task_id = $1 AND kind = 'RELEASE'`,
      [orphan],
    );
    assert.equal(entry.reason, ORPHAN_REASON);
    assert.deepEqual(await walletRow(db(), judy), { balance: 300, held: 100 });
    assert.deepEqual(await sweepOrphanedHolds(db(), { olderThanSeconds: 1, log: sg.deps.log }), []);
    // If the task shows up after all, its completion does not charge a released hold.
    await publishAndSettle([completed(orphan, judy, randomUUID())]);
    assert.deepEqual(await kindsOfTask(orphan), ['HOLD', 'RELEASE']);
    await assertLedgerAddsUp(judy);
  });

  it('runs the sweeper from the workers every ORPHAN_SWEEP_MS', async () => {
    const second = await startTestSubgraph(billingSubgraph, {
      databaseUrl: sg.databaseUrl,
      env: { ORPHAN_SWEEP_MS: '200', ORPHAN_HOLD_SECONDS: '1' },
    });
    try {
      const kate = await walletWith(100);
      const taskId = randomUUID();
      await hold(db(), { userId: kate, taskId, amount: 40 });
      await waitFor('the sweeper to release the orphaned hold', async () =>
        (await kindsOfTask(taskId)).includes('RELEASE'),
      );
      assert.deepEqual(await walletRow(db(), kate), { balance: 100, held: 0 });
    } finally {
      await second.stop();
    }
  });
});
