import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { asUser, codes, gql, ok, startTestSubgraph } from '@agentry/testing';
import { billingSubgraph } from '../src/subgraph';
import { grant } from '../src/ledger/ledger.store';
import { WALLET_QUERY, ledgerCount, registerUsers, userReps } from './helpers';

/**
 * Balances past 2^31 - 1 (GraphQL's Int) are shown exactly, as `Credits`; a movement that would
 * take a wallet past 2^53 - 1 (the most a JSON number holds exactly) is refused before anything
 * is written, so a retry cannot grant twice.
 */
describe('billing: credits beyond 32 bits', () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  before(async () => {
    sg = await startTestSubgraph(billingSubgraph, { label: 'credits_range' });
  });
  after(() => sg?.stop());
  const db = () => sg.deps.dataSource;
  const admin = () => asUser(randomUUID(), ['USER', 'ADMIN']);
  const GRANT = `mutation($u: ID!, $a: Int!) {
    grantCredits(userId: $u, amount: $a, reason: "top-up") { balance held available }
  }`;
  const stored = async (userId: string) =>
    (
      await db().query(
        'SELECT balance::text AS balance, held::text AS held FROM billing.wallets WHERE user_id = $1',
        [userId],
      )
    )[0] as { balance: string; held: string };

  it('shows a wallet and its entries past 2^31 exactly', async () => {
    const [dora] = await registerUsers(db(), 1);
    // Three grants of a billion (the ledger's largest movement): 3,000,001,000 with the welcome.
    for (let i = 0; i < 3; i++) await grant(db(), { userId: dora!, amount: 1e9, reason: 'big' });
    const res = await gql(sg.url, WALLET_QUERY, userReps([dora!]), await asUser(dora!));
    const wallet = ok(res)._entities[0].wallet;
    assert.equal(wallet.balance, 3_000_001_000);
    assert.equal(wallet.available, 3_000_001_000);
    assert.equal(wallet.entries.edges[0].node.balanceAfter, 3_000_001_000);
    // A grant through the API on top of it answers with the new balance, not an error.
    const granted = ok(await gql(sg.url, GRANT, { u: dora, a: 1_000_000 }, await admin()));
    assert.equal(granted.grantCredits.balance, 3_001_001_000);
  });

  it('refuses a grant past 2^53 - 1 before writing, and accepts one up to it', async () => {
    const [eve] = await registerUsers(db(), 1);
    // A wallet close to the limit (no API grants this much in a test's time).
    await db().query('UPDATE billing.wallets SET balance = $2 WHERE user_id = $1', [
      eve,
      String(Number.MAX_SAFE_INTEGER - 5),
    ]);
    const entries = await ledgerCount(db());
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await gql(sg.url, GRANT, { u: eve, a: 10 }, await admin());
      assert.deepEqual(codes(res), ['BAD_USER_INPUT'], JSON.stringify(res));
      assert.equal(await ledgerCount(db()), entries, 'a refused grant writes no entry');
      assert.deepEqual(await stored(eve!), {
        balance: String(Number.MAX_SAFE_INTEGER - 5),
        held: '0',
      });
    }
    const full = ok(await gql(sg.url, GRANT, { u: eve, a: 5 }, await admin()));
    assert.equal(full.grantCredits.balance, Number.MAX_SAFE_INTEGER);
    assert.equal((await stored(eve!)).balance, '9007199254740991');
  });
});
