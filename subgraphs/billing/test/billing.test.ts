import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { asAnonymous, asUser, codes, gql, ok, startTestSubgraph } from '@agentry/testing';
import { billingSubgraph } from '../src/subgraph';
import { capture, grant, hold } from '../src/ledger/ledger.store';
import {
  WALLET_QUERY,
  consumed,
  ledgerCount,
  publishRegistered,
  registerUsers,
  userReps,
  walletRow,
} from './helpers';

describe('billing subgraph (GraphQL)', () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  before(async () => {
    sg = await startTestSubgraph(billingSubgraph);
  });
  after(() => sg?.stop());

  const db = () => sg.deps.dataSource;
  const admin = () => asUser(randomUUID(), ['USER', 'ADMIN']);
  const walletOf = async (userId: string, auth: Record<string, string>) =>
    gql(sg.url, WALLET_QUERY, userReps([userId]), auth);
  const sqlCount = async () =>
    ((await (await fetch(sg.url.replace('/graphql', '/debug/sql'))).json()) as { count: number })
      .count;

  it('opens a wallet with the welcome grant when user.registered arrives', async () => {
    const userId = randomUUID();
    const eventId = await publishRegistered(db(), [userId]);
    await consumed(db(), eventId);
    assert.deepEqual(await walletRow(db(), userId), { balance: 1000, held: 0 });
    const res = await walletOf(userId, await asUser(userId));
    const wallet = ok(res)._entities[0].wallet;
    assert.equal(wallet.balance, 1000);
    assert.equal(wallet.held, 0);
    assert.equal(wallet.available, 1000);
    assert.equal(wallet.entries.totalCount, 1);
    const [entry] = wallet.entries.edges.map((e: any) => e.node);
    assert.equal(entry.kind, 'GRANT');
    assert.equal(entry.amount, 1000);
    assert.equal(entry.balanceAfter, 1000);
    assert.equal(entry.heldAfter, 0);
    assert.equal(entry.reason, 'Welcome grant');
    assert.equal(entry.taskId, null);
    assert.ok(!Number.isNaN(Date.parse(entry.createdAt)));
  });

  it('does not grant twice when the same user.registered is replayed', async () => {
    const userId = randomUUID();
    await consumed(db(), await publishRegistered(db(), [userId]));
    const replay = await publishRegistered(db(), [userId]);
    await consumed(db(), replay);
    assert.deepEqual(await walletRow(db(), userId), { balance: 1000, held: 0 });
    const grants = await db().query(
      `SELECT count(*)::int AS n FROM billing.ledger_entries WHERE user_id = $1 AND kind = 'GRANT'`,
      [userId],
    );
    assert.equal(grants[0].n, 1);
  });

  it('catches up on a registration that was just published when the wallet is read', async () => {
    const userId = randomUUID();
    await publishRegistered(db(), [userId]);
    // No waiting: the resolver asks the consumer to catch up before answering.
    const wallet = ok(await walletOf(userId, await asUser(userId)))._entities[0].wallet;
    assert.equal(wallet.balance, 1000);
    assert.equal(wallet.entries.totalCount, 1);
  });

  it('shows an all-zero wallet, without creating one, for a user not registered (yet)', async () => {
    const userId = randomUUID();
    const wallets = await db().query('SELECT count(*)::int AS n FROM billing.wallets');
    const wallet = ok(await walletOf(userId, await asUser(userId)))._entities[0].wallet;
    assert.deepEqual(
      { ...wallet, entries: wallet.entries.totalCount },
      { balance: 0, held: 0, available: 0, entries: 0 },
    );
    const after = await db().query('SELECT count(*)::int AS n FROM billing.wallets');
    assert.equal(after[0].n, wallets[0].n);
  });

  it('shows a wallet only to its owner (with billing:read) and to admins', async () => {
    const [alice, bob] = await registerUsers(db(), 2);
    const stranger = await walletOf(alice, await asUser(bob));
    assert.deepEqual(codes(stranger), ['FORBIDDEN']);
    // User.wallet is nullable (a billing outage costs only the wallet): no wallet, no data.
    assert.equal(stranger.data?._entities?.[0]?.wallet ?? null, null);
    assert.doesNotMatch(JSON.stringify(stranger), /1000/);

    const anonymous = await walletOf(alice, await asAnonymous());
    assert.deepEqual(codes(anonymous), ['UNAUTHENTICATED']);
    assert.equal(anonymous.data?._entities?.[0]?.wallet ?? null, null);

    const noScope = await walletOf(
      alice,
      await asUser(alice, ['USER'], {
        via: 'apiKey',
        scopes: ['tasks:read'],
        apiKeyId: randomUUID(),
      }),
    );
    assert.deepEqual(codes(noScope), ['FORBIDDEN']);
    const withScope = await walletOf(
      alice,
      await asUser(alice, ['USER'], {
        via: 'apiKey',
        scopes: ['billing:read'],
        apiKeyId: randomUUID(),
      }),
    );
    assert.equal(ok(withScope)._entities[0].wallet.balance, 1000);

    assert.equal(ok(await walletOf(alice, await admin()))._entities[0].wallet.balance, 1000);
  });

  const GRANT = `mutation($u: ID!, $a: Int!, $r: String!) {
    grantCredits(userId: $u, amount: $a, reason: $r) { balance held available entries(first: 1) { edges { node { kind amount reason } } } }
  }`;

  it('lets only admins grant credits, with valid input, to users that exist', async () => {
    const [carol] = await registerUsers(db(), 1);
    const before = await ledgerCount(db());

    const byUser = await gql(sg.url, GRANT, { u: carol, a: 10, r: 'gift' }, await asUser(carol));
    assert.deepEqual(codes(byUser), ['FORBIDDEN']);
    assert.equal(byUser.data ?? null, null);
    const byPublisher = await gql(
      sg.url,
      GRANT,
      { u: carol, a: 10, r: 'gift' },
      await asUser(randomUUID(), ['USER', 'PUBLISHER']),
    );
    assert.deepEqual(codes(byPublisher), ['FORBIDDEN']);
    const byAnonymous = await gql(
      sg.url,
      GRANT,
      { u: carol, a: 10, r: 'gift' },
      await asAnonymous(),
    );
    assert.deepEqual(codes(byAnonymous), ['UNAUTHENTICATED']);

    const adminAuth = await admin();
    for (const bad of [
      { a: 0 },
      { a: -5 },
      { a: 2e6 },
      { a: 1_000_001 },
      { u: 'not-a-uuid' },
      { r: '' },
      { r: '   ' },
      { r: 'x'.repeat(201) },
    ]) {
      const res = await gql(sg.url, GRANT, { u: carol, a: 10, r: 'gift', ...bad }, adminAuth);
      assert.deepEqual(codes(res), ['BAD_USER_INPUT'], JSON.stringify(bad));
      assert.doesNotMatch(JSON.stringify(res), /stack|SELECT|INSERT|billing\./i);
    }
    const unknown = await gql(sg.url, GRANT, { u: randomUUID(), a: 10, r: 'gift' }, adminAuth);
    assert.deepEqual(codes(unknown), ['NOT_FOUND']);
    assert.equal(await ledgerCount(db()), before, 'refused grants wrote nothing');
    assert.deepEqual(await walletRow(db(), carol), { balance: 1000, held: 0 });

    const granted = ok(
      await gql(sg.url, GRANT, { u: carol, a: 1_000_000, r: '  Bug bounty ' }, adminAuth),
    ).grantCredits;
    assert.equal(granted.balance, 1_001_000);
    assert.equal(granted.available, 1_001_000);
    assert.deepEqual(granted.entries.edges[0].node, {
      kind: 'GRANT',
      amount: 1_000_000,
      reason: 'Bug bounty',
    });
    assert.equal(await ledgerCount(db()), before + 1);
  });

  it('pages entries newest first with Relay cursors', async () => {
    const [dave] = await registerUsers(db(), 1);
    for (const amount of [1, 2, 3, 4])
      await grant(db(), { userId: dave, amount, reason: `g${amount}` });
    const q = `query($r: [_Any!]!, $after: String, $first: Int) { _entities(representations: $r) {
      ... on User { wallet { entries(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { cursor node { kind amount balanceAfter } } } } } } }`;
    const auth = await asUser(dave);
    const page1 = ok(await gql(sg.url, q, { ...userReps([dave]), first: 3 }, auth))._entities[0]
      .wallet.entries;
    assert.equal(page1.totalCount, 5);
    assert.deepEqual(
      page1.edges.map((e: any) => [e.node.amount, e.node.balanceAfter]),
      [
        [4, 1010],
        [3, 1006],
        [2, 1003],
      ],
    );
    assert.deepEqual(page1.pageInfo, {
      hasNextPage: true,
      hasPreviousPage: false,
      endCursor: page1.edges[2].cursor,
    });
    const page2 = ok(
      await gql(
        sg.url,
        q,
        { ...userReps([dave]), first: 3, after: page1.pageInfo.endCursor },
        auth,
      ),
    )._entities[0].wallet.entries;
    assert.deepEqual(
      page2.edges.map((e: any) => [e.node.kind, e.node.amount]),
      [
        ['GRANT', 1],
        ['GRANT', 1000],
      ],
    );
    assert.equal(page2.pageInfo.hasNextPage, false);
    assert.equal(page2.pageInfo.hasPreviousPage, true);

    for (const vars of [{ after: 'garbage' }, { first: 0 }, { first: 101 }]) {
      const res = await gql(sg.url, q, { ...userReps([dave]), ...vars }, auth);
      assert.deepEqual(codes(res), ['BAD_USER_INPUT'], JSON.stringify(vars));
    }
  });

  it('tells what a task cost once it was captured, to the parties and admins', async () => {
    const [requester, provider, stranger] = await registerUsers(db(), 3);
    const paid = randomUUID();
    const running = randomUUID();
    await hold(db(), { userId: requester, taskId: paid, amount: 40 });
    await hold(db(), { userId: requester, taskId: running, amount: 5 });
    await capture(db(), { taskId: paid, payeeId: provider, feeBasisPoints: 1000 });
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Task { id cost } } }`;
    const reps = { r: [paid, running, randomUUID()].map((id) => ({ __typename: 'Task', id })) };
    for (const who of [requester, provider]) {
      const res = ok(await gql(sg.url, q, reps, await asUser(who)));
      assert.deepEqual(
        res._entities.map((t: any) => t.cost),
        [40, null, null],
      );
    }
    assert.equal(ok(await gql(sg.url, q, reps, await admin()))._entities[0].cost, 40);
    const other = await gql(sg.url, q, reps, await asUser(stranger));
    assert.deepEqual(codes(other), ['FORBIDDEN']);
    // cost is nullable: the error nulls the field, never shows the amount.
    assert.deepEqual(other.data?._entities?.[0], { id: paid, cost: null });
    assert.deepEqual(codes(await gql(sg.url, q, reps, await asAnonymous())), [
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
  });

  it('batches wallets and their entries: 10 and 50 users cost the same SQL', async () => {
    const users = await registerUsers(db(), 50);
    for (const userId of users.slice(0, 5)) await grant(db(), { userId, amount: 5, reason: 'x' });
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User {
      wallet { balance available entries(first: 3) { edges { node { kind amount } } } } } } }`;
    const auth = await admin();
    const statements = async (ids: string[]) => {
      const before = await sqlCount();
      const res = ok(await gql(sg.url, q, userReps(ids), auth));
      assert.equal(res._entities.length, ids.length);
      for (const e of res._entities) assert.ok(e.wallet.balance >= 1000);
      return (await sqlCount()) - before;
    };
    const ten = await statements(users.slice(0, 10));
    const fifty = await statements(users);
    assert.ok(ten > 0, 'statements are counted');
    assert.equal(fifty, ten, `10 users: ${ten} statements, 50 users: ${fifty}`);
  });
});
