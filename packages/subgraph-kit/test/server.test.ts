import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { buildSchema } from 'graphql';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createIdentityVerifier, createLogger, serviceUnavailable } from '@agentry/core';
import { freePort } from '@agentry/devstack';
import { asUser, gql, testDatabase, testSecrets } from '@agentry/testing';
import { createSubgraphServer, type RunningServer } from '../src/server';

/**
 * The subgraph kit's HTTP server on its own (a small schema, a real database): what a caller
 * that is not the gateway, a malformed body, or an outage of a dependency gets back.
 */
describe('subgraph HTTP server', { timeout: 60_000 }, () => {
  let running: RunningServer;
  let db: DataSource;
  let databaseUrl: string;
  let signed: Record<string, string>;

  before(async () => {
    databaseUrl = await testDatabase('kit_server');
    db = await new DataSource({ type: 'postgres', url: databaseUrl }).initialize();
    const secrets = await testSecrets();
    const closedPort = await freePort();
    const schema = buildSchema(
      'type Query { ok: String, billingDown: String, dbGone: String, dbRefused: String }',
    );
    const resolvers: Record<string, () => unknown> = {
      ok: () => 'yes',
      billingDown: () => {
        throw serviceUnavailable('Billing', 7);
      },
      // A real PostgreSQL outage as a resolver sees it: the server ends the connection.
      dbGone: async () => {
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        client.on('error', () => {});
        try {
          await client.query('SELECT pg_terminate_backend(pg_backend_pid())');
        } finally {
          await client.end().catch(() => {});
        }
      },
      dbRefused: async () => {
        const client = new Client({ host: '127.0.0.1', port: closedPort, user: 'x' });
        await client.connect();
      },
    };
    const fields = schema.getQueryType()!.getFields();
    for (const [name, resolve] of Object.entries(resolvers)) fields[name].resolve = resolve;
    const server = await createSubgraphServer({
      name: 'kit-test',
      schema,
      dataSource: db,
      verifyIdentity: await createIdentityVerifier(secrets.identity.publicKeyPem),
      log: createLogger('kit-test'),
      mode: 'development',
    });
    running = await server.listen(0);
    signed = await asUser('00000000-0000-4000-8000-000000000001');
  });
  after(async () => {
    await running?.stop();
    await db?.destroy();
  });

  const post = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signed, ...headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text };
  };

  it('answers malformed bodies with a coded JSON error, never an HTML stack trace', async () => {
    const cases: [string, string, Record<string, string>, number, string][] = [
      ['truncated JSON', '{"query":', {}, 400, 'BAD_REQUEST'],
      ['null', 'null', {}, 400, 'BAD_REQUEST'],
      ['a number', '5', {}, 400, 'BAD_REQUEST'],
      [
        'latin1',
        '{"query":"{ ok }"}',
        { 'content-type': 'application/json; charset=latin1' },
        415,
        'BAD_REQUEST',
      ],
      [
        'utf-16',
        '{"query":"{ ok }"}',
        { 'content-type': 'application/json; charset=utf-16' },
        400,
        'BAD_REQUEST',
      ],
      ['bad gzip', 'not gzip', { 'content-encoding': 'gzip' }, 400, 'BAD_REQUEST'],
      [
        'too large',
        JSON.stringify({ query: '{ ok }', pad: 'x'.repeat(1_100_000) }),
        {},
        413,
        'PAYLOAD_TOO_LARGE',
      ],
    ];
    for (const [label, body, headers, status, code] of cases) {
      const res = await post(body, headers);
      assert.equal(res.status, status, label);
      assert.match(res.type, /application\/json/, label);
      assert.doesNotMatch(res.text, /<html|at \w+ \(|node_modules|\/work\//i, label);
      assert.equal(JSON.parse(res.text).errors[0].extensions.code, code, label);
    }
    assert.equal(JSON.parse((await post('{"query":"{ ok }"}')).text).data.ok, 'yes');
  });

  it('refuses an unsigned request before reading its body', async () => {
    // A body that never ends: a server parsing it first would wait for the rest forever.
    const { status, code, answeredBeforeBodyEnded } = await new Promise<{
      status: number;
      code: string;
      answeredBeforeBodyEnded: boolean;
    }>((resolve, reject) => {
      let ended = false;
      const req = http.request(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        const answeredBeforeBodyEnded = !ended;
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          req.destroy();
          resolve({
            status: res.statusCode!,
            code: JSON.parse(text).errors[0].extensions.code,
            answeredBeforeBodyEnded,
          });
        });
      });
      req.on('error', (err) => (ended ? undefined : reject(err)));
      req.write('{"query": "{ ok }", "pad": "');
      // Only if no answer came: finish the body so the test ends either way.
      setTimeout(() => {
        ended = true;
        req.end('"}');
      }, 5_000).unref();
    });
    assert.equal(status, 401);
    assert.equal(code, 'UNAUTHENTICATED');
    assert.ok(answeredBeforeBodyEnded, 'the 401 came while the body was still being sent');

    const internal = await fetch(new URL('/internal/anything', running.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    assert.equal(internal.status, 401, 'internal routes check the signature first, too');
  });

  it('reports an outage of a dependency as SERVICE_UNAVAILABLE with retryAfter', async () => {
    const billing = await gql(running.url, '{ billingDown }', {}, signed);
    assert.deepEqual(billing.errors?.[0].extensions, {
      code: 'SERVICE_UNAVAILABLE',
      retryAfter: 7,
    });
    assert.match(billing.errors![0].message, /Billing is unavailable/);
    for (const field of ['dbGone', 'dbRefused']) {
      const res = await gql(running.url, `{ ${field} }`, {}, signed);
      assert.equal(res.errors?.[0].extensions?.code, 'SERVICE_UNAVAILABLE', field);
      assert.equal(typeof res.errors![0].extensions!.retryAfter, 'number', field);
      assert.doesNotMatch(JSON.stringify(res.errors), /terminat|ECONNREFUSED|127\.0\.0\.1/, field);
    }
  });

  it('keeps idle connections open longer than the gateway pool does', async () => {
    const res = await fetch(running.url.replace('/graphql', '/health'));
    assert.equal(res.headers.get('keep-alive'), 'timeout=65');
  });
});
