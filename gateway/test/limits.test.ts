import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Supergraph } from '@apollo/federation-internals';
import { REPO_ROOT } from '@agentry/devstack';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getOperationAST,
  parse,
  print,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import {
  checkOperation,
  DEFAULT_OPERATION_LIMITS,
  rateLimitKey,
  type OperationLimits,
} from '../src/limits';
import * as clientDocuments from '../../packages/client/src/gql/graphql';
import * as webClientDocuments from '../../web-client/src/gql/graphql';
import WebSocket from 'ws';
import { LEAKS, postQuery, startGateway } from './helpers';

const apiSchema: GraphQLSchema = Supergraph.build(
  readFileSync(path.join(REPO_ROOT, 'supergraph.graphql'), 'utf8'),
)
  .apiSchema()
  .toGraphQLJSSchema();

/** checkOperation on a document that must be valid: its cost, or the error it throws. */
function check(
  query: string,
  variables: Record<string, unknown> = {},
  limits: Partial<OperationLimits> = {},
): { cost?: number; error?: { message: string; extensions: Record<string, unknown> } } {
  const document = parse(query);
  const invalid = validate(apiSchema, document);
  assert.deepEqual(invalid, [], `the test document is valid: ${invalid.map((e) => e.message)}`);
  try {
    const cost = checkOperation(
      { schema: apiSchema, document, operation: getOperationAST(document)!, variables },
      { ...DEFAULT_OPERATION_LIMITS, ...limits },
    );
    return { cost };
  } catch (err) {
    const e = err as { message: string; extensions: Record<string, unknown> };
    return { error: { message: e.message, extensions: { ...e.extensions } } };
  }
}

const nestedPages = (n: string) =>
  `query${n === '$n' ? '($n: Int)' : ''} { agents(first: ${n}) { edges { node { name reviews(first: ${n}) { edges { node { rating author { name } } } } } } } }`;

describe('operation limits (checkOperation over the supergraph API schema)', () => {
  it('multiplies cost by pagination arguments, literal or variable, default 20', () => {
    // agents 1 + 100 * (edges 1 + node 1 + reviews (1 + 100 * (edges 1 + node 1 + author 1)))
    assert.equal(check(nestedPages('100')).error?.extensions.cost, 1 + 100 * (2 + 1 + 100 * 3));
    const refused = check(nestedPages('$n'), { n: 100 }).error!;
    assert.deepEqual(refused.extensions, { code: 'BAD_USER_INPUT', cost: 30_301, limit: 10_000 });
    assert.match(refused.message, /30301.*10000/);
    assert.equal(check(nestedPages('$n'), { n: 5 }).cost, 1 + 5 * (2 + 1 + 5 * 3));
    // No `first`: the default page of 20.
    assert.equal(check('{ agents { edges { node { id provider { name } } } } }').cost, 1 + 20 * 3);
    // A list without `first` counts the assumed size; scalars and __typename are free.
    assert.equal(
      check('{ agent(id: "a") { __typename name skills { id name } } }').cost,
      1 + DEFAULT_OPERATION_LIMITS.assumedListSize,
      'agent 1, skills 10 (one per object)',
    );
  });

  it('costs a fragment bomb exactly without expanding it', () => {
    const fragments = ['fragment F0 on AgentConnection { edges { node { id } } }'];
    for (let i = 1; i <= 30; i++)
      fragments.push(`fragment F${i} on AgentConnection { ...F${i - 1} ...F${i - 1} }`);
    // Expanded, this is 2^30 spreads (the test would time out); each fragment is costed once.
    const { error } = check(`{ agents(first: 1) { ...F30 } } ${fragments.join(' ')}`);
    assert.equal(error?.extensions.code, 'BAD_USER_INPUT');
    assert.ok((error!.extensions.cost as number) > 1e9);
  });

  it('limits aliases, directives and root fields per operation, following fragments', () => {
    const aliases = (n: number) =>
      `{ t: __typename me { ${Array.from({ length: n }, (_, i) => `a${i}: id`).join(' ')} } }`;
    const tooManyAliases = check(aliases(16));
    assert.equal(tooManyAliases.error?.extensions.code, 'BAD_USER_INPUT');
    assert.match(tooManyAliases.error!.message, /Aliases limit of 15/);
    assert.equal(check(aliases(15)).cost, 1, '__typename aliases are free');
    const viaFragment = check(
      `{ ...Q } fragment Q on Query { ${Array.from({ length: 16 }, (_, i) => `x${i}: me { id }`).join(' ')} }`,
    );
    assert.match(viaFragment.error!.message, /Aliases limit/);

    const directives = check(
      `{ me { ${Array.from({ length: 21 }, (_, i) => `f${i % 5}: id @include(if: true)`).join(' ')} } }`,
      {},
      { maxAliases: 100 },
    );
    assert.match(directives.error!.message, /Directives limit of 20/);

    const roots = check(
      `{ ${Array.from({ length: 11 }, (_, i) => `r${i}: me { id }`).join(' ')} }`,
    );
    assert.equal(roots.error?.extensions.code, 'BAD_USER_INPUT');
    assert.match(roots.error!.message, /11 root fields; at most 10/);
  });

  it('allows one signUp and one signIn per operation, aliases or not', () => {
    const input = '{ email: "x@example.com", password: "long enough", name: "X" }';
    const twice = check(
      `mutation { a: signUp(input: ${input}) { token } b: signUp(input: ${input}) { token } }`,
    );
    assert.equal(twice.error?.extensions.code, 'BAD_USER_INPUT');
    assert.match(twice.error!.message, /signUp` may appear once/);
    const signIns = check(
      'mutation { ...A ...B } fragment A on Mutation { a: signIn(email: "x", password: "y") { token } } fragment B on Mutation { b: signIn(email: "z", password: "y") { token } }',
    );
    assert.match(signIns.error!.message, /signIn` may appear once/);
    assert.ok(check(`mutation { signUp(input: ${input}) { token } }`).cost !== undefined);
  });

  it('passes every first-party document (web client, @agentry/client) with its default variables', () => {
    // The web client and the SDK are generated from these documents; one that the gateway refuses
    // is a page that never loads (the publisher console once asked for 100 x 100 tasks).
    const sources = [webClientDocuments, clientDocuments];
    let checked = 0;
    for (const documents of sources) {
      for (const [name, document] of Object.entries(documents)) {
        if (!name.endsWith('Document') || typeof document !== 'object' || !document) continue;
        const { error } = check(print(document as DocumentNode));
        assert.equal(error, undefined, `${name}: ${error?.message}`);
        checked++;
      }
    }
    assert.ok(checked > 20, `checked ${checked} documents`);
  });

  it('exempts introspection from depth and cost, and bounds it on its own', () => {
    const standard = check(
      getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, oneOf: true }),
      {},
      { maxDepth: 12 },
    );
    assert.equal(standard.error, undefined, 'getIntrospectionQuery() passes');
    const fanOut = check(
      // graphql-js's own rule stops `fields { type { fields ...` chains; this one nests lists.
      '{ __schema { types { fields { args { type { fields { args { name } } } } } } } }',
    );
    assert.equal(fanOut.error?.extensions.code, 'BAD_USER_INPUT');
    assert.match(fanOut.error!.message, /Introspection nests 3|nests [4-9]/);
    const repeated = check(
      '{ a: __schema { queryType { name } } b: __schema { queryType { name } } c: __type(name: "Agent") { name } }',
    );
    assert.match(repeated.error!.message, /__schema\/__type 3 times; at most 2/);
    const oneType = check(
      '{ __type(name: "Agent") { fields { name type { ofType { ofType { name } } } } } }',
    );
    assert.equal(oneType.error, undefined);
    // Depth still applies to the rest of the operation.
    const deep = check(
      `{ __typename me { publishedAgents { edges { node { provider { publishedAgents { edges { node { provider { publishedAgents { edges { node { id } } } } } } } } } } } } }`,
    );
    assert.match(deep.error!.message, /nested 13 levels deep; at most 12/);
  });
});

describe('operation limits over HTTP', { timeout: 60_000 }, () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw?.stop());

  it('refuses the 100-alias page bomb before running it, with a coded error', async () => {
    const alias = (i: number) =>
      `a${i}: agents(first: 100) { edges { node { reviews(first: 100) { edges { node { rating body author { name } } } } } } }`;
    const query = `{ ${Array.from({ length: 100 }, (_, i) => alias(i)).join(' ')} }`;
    assert.ok(query.length > 10_000, 'a request of the size the issue describes');
    const res = await postQuery(gw.url, query, {}, { accept: 'application/graphql-response+json' });
    assert.equal(res.status, 400);
    assert.equal(res.json.errors[0].extensions.code, 'BAD_USER_INPUT');
    assert.equal(res.json.data, undefined, 'nothing ran');
    // One of them alone is within the alias limit but over the cost limit, named in the error.
    const one = await postQuery(gw.url, `{ ${alias(0)} }`);
    assert.equal(one.status, 200, 'application/json clients get 200 for a GraphQL request error');
    assert.deepEqual(one.json.errors[0].extensions, {
      code: 'BAD_USER_INPUT',
      cost: 1 + 100 * (3 + 100 * 3),
      limit: 10_000,
    });
    assert.doesNotMatch(one.text, LEAKS);
  });

  it('answers getIntrospectionQuery() fully, so codegen and GraphiQL can build the schema', async () => {
    const res = await postQuery(gw.url, getIntrospectionQuery({ inputValueDeprecation: true }));
    assert.equal(res.status, 200);
    assert.equal(res.json.errors, undefined);
    const schema = buildClientSchema(res.json.data);
    assert.ok(schema.getQueryType()?.getFields().agents, 'the client schema has the API');
    assert.ok(schema.getType('Agent'));
    assert.equal(schema.getType('join__Graph'), undefined, 'the API schema, not the supergraph');
  });
});

describe('rate limits per identity', { timeout: 60_000 }, () => {
  let gw: Awaited<ReturnType<typeof startGateway>>;
  before(async () => {
    gw = await startGateway({
      RATE_LIMIT_OPERATIONS: '5',
      RATE_LIMIT_COST: '100',
      RATE_LIMIT_WINDOW_S: '60',
      TRUST_PROXY: 'loopback',
    });
  });
  after(() => gw?.stop());
  const from = (address: string) => ({ 'x-forwarded-for': address });

  it('limits operations per client address, with RATE_LIMITED, retryAfter and Retry-After', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await postQuery(gw.url, '{ __typename }', {}, from('192.0.2.10'));
      assert.deepEqual(res.json, { data: { __typename: 'Query' } });
    }
    const sixth = await postQuery(gw.url, '{ __typename }', {}, from('192.0.2.10'));
    assert.equal(sixth.status, 429);
    const { code, retryAfter } = sixth.json.errors[0].extensions;
    assert.equal(code, 'RATE_LIMITED');
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60);
    assert.equal(sixth.headers.get('retry-after'), String(retryAfter));
    const other = await postQuery(gw.url, '{ __typename }', {}, from('192.0.2.11'));
    assert.equal(other.status, 200, 'another address has its own budget');
  });

  it('limits the cost an identity spends per window', async () => {
    // 1 + 20 * (edges + node + provider) = 61: the first fits in 100, the second does not.
    const query = '{ agents { edges { node { id provider { name } } } } }';
    const first = await postQuery(gw.url, query, {}, from('192.0.2.20'));
    assert.notEqual(first.json.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    const second = await postQuery(gw.url, query, {}, from('192.0.2.20'));
    assert.equal(second.status, 429);
    assert.equal(second.json.errors[0].extensions.code, 'RATE_LIMITED');
    assert.match(second.json.errors[0].message, /cost/);
    assert.equal((await postQuery(gw.url, '{ __typename }', {}, from('192.0.2.20'))).status, 200);
  });

  it('charges operations over the WebSocket to the same budget, keyed by the same address', async () => {
    const SUBSCRIPTION =
      'subscription { taskEvents(taskId: "00000000-0000-4000-8000-000000000000") { sequence } }';
    /** The first answer to one anonymous operation sent over a WebSocket from `address`. */
    const sendFrom = async (address: string, query: string) => {
      const socket = new WebSocket(gw.url.replace(/^http/, 'ws'), 'graphql-transport-ws', {
        headers: from(address),
      });
      try {
        const answered = new Promise<{ id?: string; type: string; payload?: any }>((resolve) =>
          socket.on('message', (data) => {
            const m = JSON.parse(data.toString());
            if (m.type === 'connection_ack')
              socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
            else if (m.id === '1') resolve(m);
          }),
        );
        await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
        socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
        return await answered;
      } finally {
        socket.terminate();
      }
    };
    for (let i = 0; i < 5; i++)
      assert.equal((await postQuery(gw.url, '{ __typename }', {}, from('192.0.2.30'))).status, 200);
    const refused = await sendFrom('192.0.2.30', SUBSCRIPTION);
    assert.equal(refused.type, 'error');
    assert.equal(refused.payload[0].extensions.code, 'RATE_LIMITED');
    const query = await sendFrom('192.0.2.30', '{ __typename }');
    assert.equal(query.payload?.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    const other = await sendFrom('192.0.2.31', '{ __typename }');
    assert.deepEqual(other.payload, { data: { __typename: 'Query' } }, 'its own budget');
  });

  it('keys budgets by API key, else user, else address', () => {
    const base = { roles: [], via: 'apiKey' as const, scopes: [] };
    assert.equal(rateLimitKey({ ...base, userId: 'u', apiKeyId: 'k' }, '1.2.3.4'), 'key:k');
    assert.equal(rateLimitKey({ ...base, userId: 'u', apiKeyId: null }, '1.2.3.4'), 'user:u');
    assert.equal(
      rateLimitKey({ ...base, userId: null, apiKeyId: null }, '1.2.3.4'),
      'addr:1.2.3.4',
    );
  });
});
