import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort, startService, type ServiceProcess } from '@agentry/devstack';
import { ok, testDatabase, testSecrets } from '@agentry/testing';
import { postQuery, startGateway } from './helpers';

/**
 * Sign-in and sign-up abuse through a gateway over a real users subgraph (its own process, as
 * in production: argon2 runs in that process's thread pool, beside its identity checks).
 */
describe('sign-in and sign-up abuse', { timeout: 180_000 }, () => {
  let users: ServiceProcess;
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let owner: { id: string; token: string; apiKey: string };

  const SIGN_UP = 'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }';
  const SIGN_IN =
    'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }';
  /** Client addresses as a proxy in front of the gateway would report them (TRUST_PROXY). */
  const from = (address: string) => ({ 'x-forwarded-for': address });

  before(async () => {
    const secrets = await testSecrets();
    users = await startService({
      name: 'users',
      entry: 'subgraphs/users/src/index.ts',
      port: await freePort(),
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: await testDatabase('gw_sign_in'),
        GATEWAY_IDENTITY_PUBLIC_KEY: secrets.identity.publicKeyPem,
        SESSION_TOKEN_SECRET: secrets.sessionTokenSecret,
      },
      readyPath: '/ready',
    });
    gw = await startGateway({
      SUBGRAPH_USERS_URL: `${users.baseUrl}/graphql`,
      TRUST_PROXY: 'loopback',
      SIGN_UP_LIMIT_PER_ADDRESS: '3',
    });
    const signedUp = ok<any>(
      (
        await postQuery(
          gw.url,
          SIGN_UP,
          { i: { email: 'owner@example.com', password: 'a long passphrase', name: 'Owner' } },
          from('192.0.2.1'),
        )
      ).json,
    ).signUp;
    const key = ok<any>(
      (
        await postQuery(
          gw.url,
          'mutation { createApiKey(name: "ci", scopes: ["agents:read"]) { secret } }',
          {},
          { authorization: `Bearer ${signedUp.token}` },
        )
      ).json,
    ).createApiKey;
    owner = { id: signedUp.user.id, token: signedUp.token, apiKey: key.secret };
  });
  after(async () => {
    await gw?.stop();
    await users?.stop();
  });

  const withKey = () =>
    postQuery(gw.url, '{ me { id } }', {}, { authorization: `Bearer ${owner.apiKey}` });

  it('throttles a flood of sign-ins for unknown e-mails; API keys keep working meanwhile', async () => {
    const flood = Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        postQuery(gw.url, SIGN_IN, { e: `nobody-${i}@example.com`, p: 'guess' }),
      ),
    );
    const keyAnswers: { status: number; id?: string; code?: string }[] = [];
    let flooding = true;
    void flood.finally(() => (flooding = false));
    // Twelve key-authenticated requests while the flood is being answered (and at least one).
    while (keyAnswers.length < 12 && (flooding || keyAnswers.length === 0)) {
      const res = await withKey();
      keyAnswers.push({
        status: res.status,
        id: res.json?.data?.me?.id,
        code: res.json?.errors?.[0]?.extensions?.code,
      });
    }
    const answers = await flood;
    for (const a of keyAnswers) assert.deepEqual(a, { status: 200, id: owner.id, code: undefined });

    const limited = answers.filter((r) => r.json?.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    const wrong = answers.filter(
      (r) => r.json?.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
    );
    assert.equal(limited.length + wrong.length, 200, 'each is refused with a code');
    assert.ok(limited.length >= 200 - 30, `${limited.length} throttled (30 per address allowed)`);
    for (const r of limited) {
      assert.equal(r.status, 429);
      const retryAfter = r.json.errors[0].extensions.retryAfter;
      assert.ok(Number.isInteger(retryAfter) && retryAfter > 0);
      assert.equal(r.headers.get('retry-after'), String(retryAfter));
    }
  });

  it('throttles guesses at one account from many addresses', async () => {
    const guess = (i: number, p = 'wrong password') =>
      postQuery(gw.url, SIGN_IN, { e: 'OWNER@example.com ', p }, from(`198.51.100.${i}`));
    for (let i = 1; i <= 10; i++)
      assert.equal((await guess(i)).json.errors[0].extensions.code, 'UNAUTHENTICATED');
    const eleventh = await guess(11);
    assert.equal(eleventh.status, 429);
    assert.equal(eleventh.json.errors[0].extensions.code, 'RATE_LIMITED');
    assert.match(eleventh.json.errors[0].message, /this account/);
    // The account waits out the window; others are not affected.
    assert.equal((await guess(12, 'a long passphrase')).status, 429);
    const other = await postQuery(
      gw.url,
      SIGN_IN,
      { e: 'someone-else@example.com', p: 'x' },
      from('198.51.100.13'),
    );
    assert.equal(other.json.errors[0].extensions.code, 'UNAUTHENTICATED');
  });

  it('allows one signUp per operation and few per address', async () => {
    const input = (n: string) => ({ email: `${n}@example.com`, password: 'long enough!', name: n });
    const aliased = await postQuery(
      gw.url,
      'mutation($a: SignUpInput!, $b: SignUpInput!) { a: signUp(input: $a) { token } b: signUp(input: $b) { token } }',
      { a: input('farm-a'), b: input('farm-b') },
      from('203.0.113.5'),
    );
    assert.equal(aliased.json.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.equal(aliased.json.data, undefined);
    // Nothing was created: the address still has its whole allowance of three.
    for (const n of ['farm-1', 'farm-2', 'farm-3'])
      ok((await postQuery(gw.url, SIGN_UP, { i: input(n) }, from('203.0.113.5'))).json);
    const fourth = await postQuery(gw.url, SIGN_UP, { i: input('farm-4') }, from('203.0.113.5'));
    assert.equal(fourth.status, 429);
    assert.equal(fourth.json.errors[0].extensions.code, 'RATE_LIMITED');
    assert.ok(Number(fourth.headers.get('retry-after')) > 0);
    ok((await postQuery(gw.url, SIGN_UP, { i: input('elsewhere') }, from('203.0.113.6'))).json);
    const farmA = await postQuery(
      gw.url,
      SIGN_IN,
      { e: 'farm-a@example.com', p: 'long enough!' },
      from('203.0.113.9'),
    );
    assert.equal(
      farmA.json.errors[0].extensions.code,
      'UNAUTHENTICATED',
      'the aliased sign-up made no account',
    );
  });
});
