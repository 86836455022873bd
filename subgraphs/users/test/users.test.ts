import 'reflect-metadata';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { GATEWAY_SERVICE } from '@agentry/core';
import {
  asAnonymous,
  asUser,
  codes,
  gql,
  identityHeaders,
  ok,
  startTestSubgraph,
} from '@agentry/testing';
import { usersSubgraph } from '../src/subgraph';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..', '..');

describe('users subgraph', () => {
  let sg: Awaited<ReturnType<typeof startTestSubgraph>>;
  before(async () => {
    sg = await startTestSubgraph(usersSubgraph);
  });
  after(() => sg?.stop());

  const signUp = async (email: string, extra: Record<string, unknown> = {}) =>
    gql(
      sg.url,
      'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id email name roles } } }',
      {
        i: { email, password: 'correct horse', name: 'Test User', ...extra },
      },
      await asAnonymous(),
    );

  it('refuses requests without the gateway signature', async () => {
    const res = await gql(sg.url, '{ me { id } }');
    assert.equal(res.status, 401);
    assert.deepEqual(codes(res), ['UNAUTHENTICATED']);
    const forged = await gql(
      sg.url,
      '{ me { id } }',
      {},
      { 'x-agentry-identity': 'eyJhbGciOiJub25lIn0.e30.' },
    );
    assert.deepEqual(codes(forged), ['UNAUTHENTICATED']);
  });

  it('tells the gateway which keys are live and what roles users hold now (/internal/credentials)', async () => {
    const { signUp: s } = ok(await signUp('recheck@example.com', { publisher: true }));
    const me = await asUser(s.user.id, ['USER', 'PUBLISHER']);
    const key = async (name: string) =>
      ok(
        await gql(
          sg.url,
          'mutation($n: String!) { createApiKey(name: $n, scopes: ["tasks:read"]) { apiKey { id } } }',
          { n: name },
          me,
        ),
      ).createApiKey.apiKey.id as string;
    const [kept, revoked] = [await key('kept'), await key('revoked')];
    ok(await gql(sg.url, 'mutation($id: ID!) { revokeApiKey(id: $id) }', { id: revoked }, me));
    await sg.deps.dataSource.query(`UPDATE users.users SET roles = '{USER}' WHERE id = $1`, [
      s.user.id,
    ]);
    const ask = async (headers: Record<string, string>) =>
      fetch(sg.url.replace(/\/graphql$/, '/internal/credentials'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          apiKeyIds: [kept, revoked],
          userIds: [s.user.id, '00000000-0000-4000-8000-000000000000'],
        }),
      });
    assert.equal((await ask({})).status, 401, 'only the gateway may ask');
    assert.equal((await ask(await asUser(s.user.id))).status, 401, 'not a user either');
    const res = await ask(await identityHeaders(GATEWAY_SERVICE));
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      apiKeys: Record<string, { roles: string[] }>;
      users: Record<string, { roles: string[] }>;
    };
    assert.deepEqual(Object.keys(body.apiKeys), [kept], 'a revoked key is absent');
    assert.deepEqual(body.apiKeys[kept].roles, ['USER'], "the owner's roles now");
    assert.deepEqual(body.users, { [s.user.id]: { roles: ['USER'] } }, 'unknown users absent');
  });

  it('signs up with an argon2id hash and publishes user.registered in the same transaction', async () => {
    const { signUp: s } = ok(await signUp('Alice@Example.com', { publisher: true }));
    assert.equal(s.user.email, 'alice@example.com');
    assert.deepEqual(s.user.roles, ['USER', 'PUBLISHER']);
    const [row] = await sg.deps.dataSource.query(
      'SELECT password_hash FROM users.users WHERE id = $1',
      [s.user.id],
    );
    assert.match(row.password_hash, /^\$argon2id\$/);
    const events = await sg.deps.dataSource.query(`SELECT topic FROM events.log WHERE key = $1`, [
      s.user.id,
    ]);
    assert.deepEqual(
      events.map((e: any) => e.topic),
      ['user.registered'],
    );
  });

  it('rejects bad input with BAD_USER_INPUT and writes nothing', async () => {
    const before = await sg.deps.dataSource.query('SELECT count(*)::int AS n FROM users.users');
    for (const bad of [
      { email: '' },
      { email: 'not-an-email' },
      { email: 'short@example.com', password: 'short' },
      { email: 'long@example.com', name: 'x'.repeat(101) },
      { email: 'blank@example.com', name: '   ' },
      { email: `${'a'.repeat(250)}@example.com` },
    ]) {
      const res = await gql(
        sg.url,
        'mutation($i: SignUpInput!) { signUp(input: $i) { token } }',
        {
          i: { password: 'correct horse', name: 'X', ...bad },
        },
        await asAnonymous(),
      );
      assert.deepEqual(codes(res), ['BAD_USER_INPUT'], JSON.stringify(bad));
      assert.doesNotMatch(JSON.stringify(res), /stack|SELECT|INSERT/i);
    }
    const after = await sg.deps.dataSource.query('SELECT count(*)::int AS n FROM users.users');
    assert.equal(after[0].n, before[0].n);
  });

  it('refuses a second account with the same e-mail (CONFLICT), case-insensitively', async () => {
    ok(await signUp('bob@example.com'));
    assert.deepEqual(codes(await signUp('BOB@example.com')), ['CONFLICT']);
  });

  it('signs in with the right password only', async () => {
    ok(await signUp('carol@example.com'));
    const good = await gql(
      sg.url,
      'mutation { signIn(email: "carol@example.com", password: "correct horse") { token user { email } } }',
      {},
      await asAnonymous(),
    );
    assert.equal(ok(good).signIn.user.email, 'carol@example.com');
    const bad = await gql(
      sg.url,
      'mutation { signIn(email: "carol@example.com", password: "wrong horse") { token } }',
      {},
      await asAnonymous(),
    );
    assert.deepEqual(codes(bad), ['UNAUTHENTICATED']);
    const unknown = await gql(
      sg.url,
      'mutation { signIn(email: "nobody@example.com", password: "wrong horse") { token } }',
      {},
      await asAnonymous(),
    );
    assert.deepEqual(codes(unknown), ['UNAUTHENTICATED']);
  });

  it('keeps e-mail and API keys private to their owner', async () => {
    const a = ok(await signUp('dave@example.com')).signUp.user;
    const b = ok(await signUp('erin@example.com')).signUp.user;
    const asB = await asUser(b.id);
    const res = await gql(
      sg.url,
      'query($id: ID!) { user(id: $id) { name email } }',
      { id: a.id },
      asB,
    );
    assert.equal(ok(res).user.email, null);
    const keys = await gql(
      sg.url,
      'query($id: ID!) { user(id: $id) { apiKeys { id } } }',
      { id: a.id },
      asB,
    );
    assert.deepEqual(codes(keys), ['FORBIDDEN']);
    assert.equal(keys.data?.user ?? null, null);
  });

  it('creates API keys only from a session, with known scopes, shows the secret once and stores its hash', async () => {
    const u = ok(await signUp('frank@example.com')).signUp.user;
    const session = await asUser(u.id);
    const bad = await gql(
      sg.url,
      'mutation { createApiKey(name: "x", scopes: ["root"]) { secret } }',
      {},
      session,
    );
    assert.deepEqual(codes(bad), ['BAD_USER_INPUT']);
    const created = ok(
      await gql(
        sg.url,
        'mutation { createApiKey(name: "ci", scopes: ["tasks:read"]) { secret apiKey { id prefix scopes lastUsedAt } } }',
        {},
        session,
      ),
    ).createApiKey;
    assert.match(created.secret, /^agy_[a-z0-9]{8}_/);
    assert.ok(created.secret.startsWith(created.apiKey.prefix));
    const [row] = await sg.deps.dataSource.query(
      'SELECT secret_hash FROM users.api_keys WHERE id = $1',
      [created.apiKey.id],
    );
    assert.notEqual(row.secret_hash, created.secret);
    assert.doesNotMatch(
      JSON.stringify(ok(await gql(sg.url, '{ me { apiKeys { id name prefix } } }', {}, session))),
      /agy_[a-z0-9]{8}_/,
    );
    const viaKey = await asUser(u.id, ['USER'], {
      via: 'apiKey',
      scopes: ['tasks:read'],
      apiKeyId: created.apiKey.id,
    });
    assert.deepEqual(
      codes(
        await gql(
          sg.url,
          'mutation { createApiKey(name: "y", scopes: ["tasks:read"]) { secret } }',
          {},
          viaKey,
        ),
      ),
      ['FORBIDDEN'],
    );
  });

  it('revokes only your own keys', async () => {
    const a = ok(await signUp('gina@example.com')).signUp.user;
    const b = ok(await signUp('hank@example.com')).signUp.user;
    const key = ok(
      await gql(
        sg.url,
        'mutation { createApiKey(name: "k", scopes: ["tasks:read"]) { apiKey { id } } }',
        {},
        await asUser(a.id),
      ),
    ).createApiKey.apiKey;
    const stranger = await gql(
      sg.url,
      'mutation($id: ID!) { revokeApiKey(id: $id) }',
      { id: key.id },
      await asUser(b.id),
    );
    assert.deepEqual(codes(stranger), ['NOT_FOUND']);
    assert.deepEqual(
      codes(await gql(sg.url, 'mutation { revokeApiKey(id: "nope") }', {}, await asUser(a.id))),
      ['BAD_USER_INPUT'],
    );
    assert.equal(
      ok(
        await gql(
          sg.url,
          'mutation($id: ID!) { revokeApiKey(id: $id) }',
          { id: key.id },
          await asUser(a.id),
        ),
      ).revokeApiKey,
      true,
    );
  });

  it('grants a role from the operator CLI (scripts/seed.ts runs it), publishing user.updated', async () => {
    const u = ok(await signUp('iris@example.com')).signUp.user;
    const cli = (args: string[]) =>
      run(
        process.execPath,
        [
          '-r',
          path.join(root, 'scripts', 'register.js'),
          path.join(root, 'subgraphs/users/src/cli.ts'),
          ...args,
        ],
        { cwd: root, env: { ...process.env, DATABASE_URL: sg.databaseUrl } },
      );
    const granted = await cli(['grant-role', 'IRIS@example.com', 'ADMIN']);
    assert.equal(
      granted.stdout.trim(),
      'granted ADMIN to IRIS@example.com; it applies from the next sign-in',
    );
    const [row] = await sg.deps.dataSource.query('SELECT roles FROM users.users WHERE id = $1', [
      u.id,
    ]);
    assert.deepEqual(row.roles, ['USER', 'ADMIN']);
    const events = await sg.deps.dataSource.query(
      `SELECT payload FROM events.log WHERE key = $1 AND topic = 'user.updated'`,
      [u.id],
    );
    assert.deepEqual(
      events.map((e: any) => e.payload.roles),
      [['USER', 'ADMIN']],
    );
    const signedIn = await gql(
      sg.url,
      'mutation { signIn(email: "iris@example.com", password: "correct horse") { user { roles } } }',
      {},
      await asAnonymous(),
    );
    assert.deepEqual(ok(signedIn).signIn.user.roles, ['USER', 'ADMIN']);

    assert.equal(
      (await cli(['grant-role', 'iris@example.com', 'ADMIN'])).stdout.trim(),
      'iris@example.com already has ADMIN',
    );
    await assert.rejects(
      cli(['grant-role', 'nobody@example.com', 'ADMIN']),
      (err: { stderr: string }) => err.stderr.includes('no user with e-mail nobody@example.com'),
    );
    await assert.rejects(
      cli(['grant-role', 'iris@example.com', 'ROOT']),
      (err: { stderr: string }) => err.stderr.includes('usage: cli.ts grant-role'),
    );
    const [after] = await sg.deps.dataSource.query('SELECT roles FROM users.users WHERE id = $1', [
      u.id,
    ]);
    assert.deepEqual(after.roles, ['USER', 'ADMIN']);
  });
});
