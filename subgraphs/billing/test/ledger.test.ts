import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestSubgraph } from '@agentry/testing';
import { billingSubgraph } from '../src/subgraph';
import { capture, ensureWallet, grant, hold, release } from '../src/ledger/ledger.store';
import { PLATFORM_WALLET_ID } from '../src/ledger/wallet.entity';
import { ledgerCount, walletRow } from './helpers';

/** The `extensions.code` of a rejection, to assert on. */
const code = (err: unknown) => (err as { extensions?: { code?: string } }).extensions?.code;
const rejectsWith = (promise: Promise<unknown>, expected: string) =>
  assert.rejects(promise, (err) => {
    assert.equal(code(err), expected, String(err));
    return true;
  });

describe('billing ledger', () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  before(async () => {
    sg = await startTestSubgraph(billingSubgraph);
  });
  after(() => sg?.stop());

  const db = () => sg.deps.dataSource;
  /** A wallet with `balance` credits (opened directly, not through the welcome event). */
  const walletWith = async (balance: number) => {
    const userId = randomUUID();
    await db().transaction((m) => ensureWallet(m, userId));
    if (balance > 0) await grant(db(), { userId, amount: balance, reason: 'setup' });
    return userId;
  };
  const entriesOf = (userId: string) =>
    db().query(
      `SELECT kind, amount::int AS amount, balance_delta::int AS bd, held_delta::int AS hd,
              balance_after::int AS balance_after, held_after::int AS held_after
         FROM billing.ledger_entries WHERE user_id = $1 ORDER BY seq`,
      [userId],
    );
  const kindsOfTask = async (taskId: string) =>
    (
      await db().query('SELECT kind FROM billing.ledger_entries WHERE task_id = $1 ORDER BY seq', [
        taskId,
      ])
    ).map((r: { kind: string }) => r.kind);

  it('refuses a hold beyond what is available and writes nothing', async () => {
    const userId = await walletWith(100);
    await hold(db(), { userId, taskId: randomUUID(), amount: 60 });
    const before = await ledgerCount(db());
    await assert.rejects(hold(db(), { userId, taskId: randomUUID(), amount: 41 }), (err) => {
      assert.equal(code(err), 'INSUFFICIENT_CREDITS');
      assert.deepEqual((err as any).extensions, {
        code: 'INSUFFICIENT_CREDITS',
        required: 41,
        available: 40,
      });
      return true;
    });
    assert.equal(await ledgerCount(db()), before);
    assert.deepEqual(await walletRow(db(), userId), { balance: 100, held: 60 });
    // Exactly what is available may be held.
    await hold(db(), { userId, taskId: randomUUID(), amount: 40 });
    assert.deepEqual(await walletRow(db(), userId), { balance: 100, held: 100 });
    // A user without a wallet has nothing available.
    await rejectsWith(
      hold(db(), { userId: randomUUID(), taskId: randomUUID(), amount: 1 }),
      'INSUFFICIENT_CREDITS',
    );
  });

  it('rejects malformed parameters with BAD_USER_INPUT', async () => {
    const userId = await walletWith(10);
    const before = await ledgerCount(db());
    for (const amount of [0, -1, 1.5, Number.NaN, 2e9])
      await rejectsWith(grant(db(), { userId, amount, reason: 'x' }), 'BAD_USER_INPUT');
    await rejectsWith(grant(db(), { userId, amount: 1, reason: '  ' }), 'BAD_USER_INPUT');
    await rejectsWith(grant(db(), { userId: 'nope', amount: 1, reason: 'x' }), 'BAD_USER_INPUT');
    await rejectsWith(hold(db(), { userId, taskId: 'nope', amount: 1 }), 'BAD_USER_INPUT');
    await rejectsWith(
      capture(db(), { taskId: randomUUID(), payeeId: userId, feeBasisPoints: 10_001 }),
      'BAD_USER_INPUT',
    );
    await rejectsWith(
      capture(db(), { taskId: randomUUID(), payeeId: userId, feeBasisPoints: 100 }),
      'NOT_FOUND',
    );
    await rejectsWith(release(db(), { taskId: randomUUID() }), 'NOT_FOUND');
    assert.equal(await ledgerCount(db()), before);
  });

  it('grants once per idempotency key and refuses a key reused with other parameters', async () => {
    const userId = await walletWith(0);
    const key = `promo:${randomUUID()}`;
    const first = await grant(db(), { userId, amount: 30, reason: 'promo', key });
    const again = await grant(db(), { userId, amount: 30, reason: 'promo', key });
    assert.equal(first.replayed, false);
    assert.equal(again.replayed, true);
    assert.equal(again.entry.id, first.entry.id);
    await rejectsWith(grant(db(), { userId, amount: 31, reason: 'promo', key }), 'CONFLICT');
    const other = await walletWith(0);
    await rejectsWith(grant(db(), { userId: other, amount: 30, reason: 'promo', key }), 'CONFLICT');
    assert.deepEqual(await walletRow(db(), userId), { balance: 30, held: 0 });
    assert.deepEqual(await walletRow(db(), other), { balance: 0, held: 0 });
  });

  it('holds once per task, captures exactly once and never releases a captured hold', async () => {
    const requester = await walletWith(500);
    const payee = await walletWith(0);
    const taskId = randomUUID();
    const platformBefore = (await walletRow(db(), PLATFORM_WALLET_ID))!;

    const h1 = await hold(db(), { userId: requester, taskId, amount: 200 });
    const h2 = await hold(db(), { userId: requester, taskId, amount: 200 });
    assert.equal(h2.replayed, true);
    assert.equal(h2.entry.id, h1.entry.id);
    await rejectsWith(hold(db(), { userId: requester, taskId, amount: 199 }), 'CONFLICT');
    assert.deepEqual(await walletRow(db(), requester), { balance: 500, held: 200 });

    const c1 = await capture(db(), { taskId, payeeId: payee, feeBasisPoints: 1250 });
    assert.deepEqual([c1.amount, c1.payout, c1.fee, c1.replayed], [200, 175, 25, false]);
    const c2 = await capture(db(), { taskId, payeeId: payee, feeBasisPoints: 1250 });
    assert.equal(c2.replayed, true);
    assert.equal(c2.capture.id, c1.capture.id);
    await rejectsWith(capture(db(), { taskId, payeeId: payee, feeBasisPoints: 0 }), 'CONFLICT');
    await rejectsWith(
      capture(db(), { taskId, payeeId: requester, feeBasisPoints: 1250 }),
      'CONFLICT',
    );
    await rejectsWith(release(db(), { taskId }), 'CONFLICT');

    assert.deepEqual(await kindsOfTask(taskId), ['HOLD', 'CAPTURE', 'PAYOUT', 'FEE']);
    assert.deepEqual(await walletRow(db(), requester), { balance: 300, held: 0 });
    assert.deepEqual(await walletRow(db(), payee), { balance: 175, held: 0 });
    assert.deepEqual(await walletRow(db(), PLATFORM_WALLET_ID), {
      balance: platformBefore.balance + 25,
      held: 0,
    });
  });

  it('releases a hold once and then refuses to capture it', async () => {
    const requester = await walletWith(100);
    const payee = await walletWith(0);
    const taskId = randomUUID();
    await hold(db(), { userId: requester, taskId, amount: 70 });
    const r1 = await release(db(), { taskId });
    const r2 = await release(db(), { taskId });
    assert.deepEqual([r1.amount, r1.replayed, r2.replayed], [70, false, true]);
    assert.equal(r2.entry.id, r1.entry.id);
    await rejectsWith(capture(db(), { taskId, payeeId: payee, feeBasisPoints: 0 }), 'CONFLICT');
    // The task id cannot hold again either: its hold is spent.
    const again = await hold(db(), { userId: requester, taskId, amount: 70 });
    assert.equal(again.replayed, true);
    assert.deepEqual(await kindsOfTask(taskId), ['HOLD', 'RELEASE']);
    assert.deepEqual(await walletRow(db(), requester), { balance: 100, held: 0 });
    assert.deepEqual(await walletRow(db(), payee), { balance: 0, held: 0 });
  });

  it('lets exactly one of racing captures and releases of a task win', async () => {
    const requester = await walletWith(1000);
    const payee = await walletWith(0);
    const taskId = randomUUID();
    await hold(db(), { userId: requester, taskId, amount: 100 });
    const results = await Promise.allSettled([
      ...Array.from({ length: 10 }, () =>
        capture(db(), { taskId, payeeId: payee, feeBasisPoints: 500 }),
      ),
      ...Array.from({ length: 10 }, () => release(db(), { taskId })),
    ]);
    for (const r of results) if (r.status === 'rejected') assert.equal(code(r.reason), 'CONFLICT');
    const kinds = await kindsOfTask(taskId);
    assert.ok(
      JSON.stringify(kinds) === JSON.stringify(['HOLD', 'CAPTURE', 'PAYOUT', 'FEE']) ||
        JSON.stringify(kinds) === JSON.stringify(['HOLD', 'RELEASE']),
      JSON.stringify(kinds),
    );
    const captured = kinds.includes('CAPTURE');
    // The winner's calls succeed (first or replayed), the loser's are all CONFLICT.
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    assert.equal(ok, 10);
    assert.deepEqual(await walletRow(db(), requester), {
      balance: captured ? 900 : 1000,
      held: 0,
    });
  });

  it('runs inside a caller transaction and leaves nothing when it rolls back', async () => {
    const userId = await walletWith(50);
    const before = await ledgerCount(db());
    await assert.rejects(
      db().transaction(async (m) => {
        await hold(m, { userId, taskId: randomUUID(), amount: 20 });
        throw new Error('saga step failed');
      }),
      /saga step failed/,
    );
    assert.equal(await ledgerCount(db()), before);
    assert.deepEqual(await walletRow(db(), userId), { balance: 50, held: 0 });
  });

  it('is append-only and keeps balances non-negative in the database itself', async () => {
    await walletWith(10);
    for (const sql of [
      'UPDATE billing.ledger_entries SET amount = amount + 1',
      'DELETE FROM billing.ledger_entries',
      'TRUNCATE billing.ledger_entries CASCADE',
    ]) {
      await assert.rejects(db().query(sql), /append-only/, sql);
    }
    const before = await ledgerCount(db());
    assert.ok(before > 0);
    await assert.rejects(
      db().query(`UPDATE billing.wallets SET balance = -1 WHERE user_id = $1`, [
        PLATFORM_WALLET_ID,
      ]),
      /check constraint/,
    );
    await assert.rejects(
      db().query(`UPDATE billing.wallets SET held = balance + 1`),
      /wallets_held_within_balance/,
    );
    // An entry whose effect contradicts its kind cannot be written, even by hand.
    await assert.rejects(
      db().query(
        `INSERT INTO billing.ledger_entries (user_id, kind, amount, balance_delta, held_delta,
           balance_after, held_after) VALUES ($1, 'CAPTURE', 5, 5, 0, 5, 0)`,
        [PLATFORM_WALLET_ID],
      ),
      /ledger_entries_kind_effect/,
    );
    assert.equal(await ledgerCount(db()), before);
  });

  it('keeps one wallet consistent under 200 concurrent grants and holds', async () => {
    const userId = await walletWith(50);
    const ops = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? {
            kind: 'grant' as const,
            run: () => grant(db(), { userId, amount: 7, reason: 'top-up' }),
          }
        : {
            kind: 'hold' as const,
            run: () => hold(db(), { userId, taskId: randomUUID(), amount: 25 }),
          },
    );
    const results = await Promise.allSettled(ops.map((op) => op.run()));

    const grantsOk = results.filter((r, i) => ops[i].kind === 'grant' && r.status === 'fulfilled');
    const holdsOk = results.filter((r, i) => ops[i].kind === 'hold' && r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.equal(grantsOk.length, 100, 'every grant succeeded');
    for (const r of refused) assert.equal(code(r.reason), 'INSUFFICIENT_CREDITS', String(r.reason));
    assert.equal(holdsOk.length + refused.length, 100);
    // 50 + 100 * 7 = 750 credits can back at most 30 holds of 25.
    assert.ok(holdsOk.length >= 1 && holdsOk.length <= 30, `holds: ${holdsOk.length}`);
    assert.ok(refused.length >= 70);

    const wallet = (await walletRow(db(), userId))!;
    assert.equal(wallet.balance, 750);
    assert.equal(wallet.held, 25 * holdsOk.length);
    const entries = await entriesOf(userId);
    assert.equal(entries.filter((e: any) => e.kind === 'HOLD').length, holdsOk.length);
    assert.equal(entries.filter((e: any) => e.kind === 'GRANT').length, 101);
    const sum = (k: 'bd' | 'hd') => entries.reduce((s: number, e: any) => s + e[k], 0);
    assert.equal(sum('bd'), wallet.balance);
    assert.equal(sum('hd'), wallet.held);
    // Wallet locks serialize the writers: in append order, every entry continues the previous.
    let balance = 0;
    let held = 0;
    for (const e of entries) {
      balance += e.bd;
      held += e.hd;
      assert.equal(e.balance_after, balance);
      assert.equal(e.held_after, held);
      assert.ok(balance >= 0 && held >= 0 && held <= balance);
    }
  });
});
