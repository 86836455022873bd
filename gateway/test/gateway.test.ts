import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort, REPO_ROOT, startService, type ServiceProcess } from '@agentry/devstack';
import { codes, gql, testSecrets } from '@agentry/testing';
import { buildSchema, parse, validate } from 'graphql';
import { composeSupergraph } from '../../codegen/src/compose';
import { depthLimit } from '../src/limits';

/** The gateway alone: it loads the composed supergraph from a file and needs no subgraph to start. */
describe('gateway', { timeout: 120_000 }, () => {
  const started: ServiceProcess[] = [];
  after(() => Promise.all(started.map((s) => s.stop())));

  async function startGateway(env: NodeJS.ProcessEnv) {
    const secrets = await testSecrets();
    const gw = await startService({
      name: 'gateway',
      entry: 'gateway/src/index.ts',
      port: await freePort(),
      env: {
        ...process.env,
        SESSION_TOKEN_SECRET: secrets.sessionTokenSecret,
        GATEWAY_IDENTITY_PRIVATE_KEY: secrets.identity.privateKeyPem,
        ...env,
      },
      readyPath: '/ready',
    });
    started.push(gw);
    return `${gw.baseUrl}/graphql`;
  }

  const rootFields = async (url: string) => {
    const res = await gql(url, '{ __schema { queryType { fields { name } } } }');
    return (res.data?.__schema.queryType.fields ?? []).map(
      (f: { name: string }) => f.name,
    ) as string[];
  };

  it('reloads the supergraph when the file changes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'agentry-supergraph-'));
    const config = path.join(dir, 'supergraph.yaml');
    writeFileSync(
      config,
      `federation_version: =2.7.0\nsubgraphs:\n  users:\n    routing_url: http://127.0.0.1:9/graphql\n    schema:\n      file: ${path.join(REPO_ROOT, 'subgraphs/users/schema.graphql')}\n`,
    );
    const file = path.join(dir, 'supergraph.graphql');
    writeFileSync(file, composeSupergraph(config));
    const url = await startGateway({ NODE_ENV: 'development', SUPERGRAPH_PATH: file });
    const before = await rootFields(url);
    assert.ok(before.includes('me'));
    assert.ok(!before.includes('agents'));

    copyFileSync(path.join(REPO_ROOT, 'supergraph.graphql'), file);
    const deadline = Date.now() + 15_000;
    let fields = before;
    while (!fields.includes('agents') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      fields = await rootFields(url);
    }
    assert.ok(fields.includes('agents'), 'the new subgraph appears without a restart');
  });

  it('turns introspection off in production mode', async () => {
    const url = await startGateway({ NODE_ENV: 'production' });
    const res = await gql(url, '{ __schema { queryType { name } } }');
    assert.equal(codes(res)[0], 'GRAPHQL_VALIDATION_FAILED');
    assert.match(res.errors![0].message, /introspection/i);
  });

  it('serves /metrics in production only with METRICS_TOKEN, and then only to its bearer', async () => {
    const open = new URL('/metrics', await startGateway({ NODE_ENV: 'production' }));
    assert.doesNotMatch(await (await fetch(open)).text(), /agentry_/);
    const token = 'metrics-token-for-the-test';
    const guarded = new URL(
      '/metrics',
      await startGateway({ NODE_ENV: 'production', METRICS_TOKEN: token }),
    );
    assert.equal((await fetch(guarded)).status, 401);
    const res = await fetch(guarded, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /agentry_graphql_operation_duration_seconds/);
  });

  it('rejects a malformed Authorization header with 401 UNAUTHENTICATED', async () => {
    const url = await startGateway({ NODE_ENV: 'test' });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0].extensions.code, 'UNAUTHENTICATED');
  });
});

describe('gateway limits', () => {
  it('refuses queries nested too deep, also through fragments', () => {
    const schema = buildSchema('type Query { node: Node } type Node { child: Node name: String }');
    const nested = (n: number) =>
      `{ ${'node { '.repeat(1)}${'child { '.repeat(n - 2)}name${' }'.repeat(n - 1)} }`;
    assert.equal(validate(schema, parse(nested(12)), [depthLimit(12)]).length, 0);
    const errors = validate(schema, parse(nested(13)), [depthLimit(12)]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].extensions.code, 'BAD_USER_INPUT');
    const viaFragment = parse(
      `{ node { ...F } } fragment F on Node { child { child { child { name } } } }`,
    );
    assert.equal(validate(schema, viaFragment, [depthLimit(3)]).length, 1);
    const cyclic = parse(`{ node { ...A } } fragment A on Node { child { ...A } }`);
    // graphql's own NoFragmentCycles rule reports the cycle; the depth rule must just not loop.
    assert.equal(validate(schema, cyclic, [depthLimit(12)]).length, 0);
  });
});
