import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { startPlatform, type Platform } from '@agentry/devstack';
import { startExampleAgent, type RunningExampleAgent } from '@agentry/example-agents';
import {
  gql,
  ok,
  tableRowCounts,
  testDatabase,
  testSecrets,
  type GraphQLResult,
} from '@agentry/testing';
import { seedDemo, signIn, type ExampleUrls } from '../../scripts/seed';
import corpus from './fixtures/bad-input.json';

/**
 * The bad-input corpus (tests/e2e/fixtures/bad-input.json) sent through the gateway to every
 * argument and input field of every root field, and every bad cursor to every connection field
 * reachable from the root and to both subscriptions. The list of fields comes from introspection,
 * so a new field is covered without editing this file. Every answer must be a coded 4xx-class
 * error (never INTERNAL_SERVER_ERROR, never HTTP 5xx), carry no stack trace, file path or SQL,
 * and a refused call must leave every table's row count as it was.
 */
describe('bad input: the corpus against every field', { timeout: 900_000 }, () => {
  let platform: Platform;
  let databaseUrl: string;
  let pg: PgClient;
  let schema: GraphQLSchema;
  const agents: RunningExampleAgent[] = [];
  const tokens: Record<string, string> = {};
  /**
   * Real ids for the arguments of these names, so that a bad value in another argument is met
   * where it matters (a `sendTask` to a real agent reaches the hold; one to no agent stops first).
   */
  const knownIds: Record<string, string> = {};
  const clients: Client[] = [];

  const encodeCursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
  const badCursors = [...corpus.cursors.map(encodeCursor), ...corpus.rawCursors];

  /** One statement counting the rows of every table of every schema. */
  const rowCounts = () => tableRowCounts(pg);

  before(async () => {
    const urls: Record<string, string> = {};
    for (const n of ['echo', 'worker', 'interviewer', 'failing', 'slowpoke'] as const) {
      const a = await startExampleAgent(n);
      agents.push(a);
      urls[n] = a.url;
    }
    databaseUrl = await testDatabase('bad_input');
    platform = await startPlatform({
      databaseUrl,
      secrets: await testSecrets(),
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn' },
      // Thousands of calls from one address and one user: this test is not about rate limits.
      serviceEnv: {
        gateway: {
          RATE_LIMIT_OPERATIONS: '1000000',
          RATE_LIMIT_COST: '1000000000',
          SIGN_IN_LIMIT_PER_ACCOUNT: '1000000',
          SIGN_IN_LIMIT_PER_ADDRESS: '1000000',
          SIGN_UP_LIMIT_PER_ADDRESS: '1000000',
        },
      },
    });
    await seedDemo(platform.gatewayUrl, databaseUrl, urls as ExampleUrls, () => {});
    for (const who of ['admin', 'grace', 'ada'] as const)
      tokens[who] = (await signIn(platform.gatewayUrl, who))!.token;

    pg = new PgClient({ connectionString: databaseUrl });
    await pg.connect();
    assert.ok(Object.keys(await rowCounts()).length > 10, 'the subgraphs have their tables');

    const seeded = ok(
      await gql(
        platform.gatewayUrl,
        `{ agents(first: 1) { edges { node { id } } } toolServers(first: 1) { edges { node { id } } }
           myTasks(first: 1) { edges { node { id } } } me { id } }`,
        {},
        tokens.admin,
      ),
    );
    knownIds.agentId = seeded.agents.edges[0].node.id;
    knownIds.serverId = seeded.toolServers.edges[0]?.node.id;
    knownIds.userId = seeded.me.id;
    const graceTasks = ok(
      await gql(
        platform.gatewayUrl,
        '{ myTasks(first: 1) { edges { node { id } } } }',
        {},
        tokens.grace,
      ),
    );
    knownIds.taskId = graceTasks.myTasks.edges[0].node.id;
    for (const [k, v] of Object.entries(knownIds)) if (!v) delete knownIds[k];

    const introspection = ok(
      await gql<IntrospectionQuery>(platform.gatewayUrl, getIntrospectionQuery(), {}, tokens.admin),
    );
    schema = buildClientSchema(introspection);
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await pg?.end();
    await platform?.stop();
    await Promise.all(agents.map((a) => a.stop()));
  });

  /** A valid value of a type, for the arguments a case does not make bad (null: leave out). */
  function goodValue(type: GraphQLInputType): unknown {
    if (!isNonNullType(type)) return undefined;
    const inner = type.ofType;
    if (isListType(inner)) return [];
    if (isEnumType(inner)) return inner.getValues()[0]!.value;
    if (isInputObjectType(inner)) {
      const value: Record<string, unknown> = {};
      for (const f of Object.values(inner.getFields())) {
        const v = goodValue(f.type);
        if (v !== undefined) value[f.name] = v;
      }
      return value;
    }
    switch (inner.name) {
      case 'ID':
        return '00000000-0000-4000-8000-000000000001';
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'JSON':
        return {};
      case 'DateTime':
        return new Date().toISOString();
      default:
        return 'x';
    }
  }

  /** The corpus values for a leaf of this scalar (at an input named `name`). */
  function badValues(scalar: string, name: string): unknown[] {
    switch (scalar) {
      case 'String':
        return name === 'after' ? [...badCursors, ...corpus.strings] : corpus.strings;
      case 'ID':
        return [...corpus.ids, ...corpus.strings];
      case 'Int':
        return corpus.ints;
      case 'JSON':
        return corpus.json;
      default:
        return [];
    }
  }

  interface Case {
    /** Where the bad value is, e.g. `input.skills.0.name`. */
    at: string;
    value: unknown;
    variables: Record<string, unknown>;
  }

  /** Every argument of `field` made bad in turn, one leaf at a time, the rest valid. */
  function casesOf(field: GraphQLField<unknown, unknown>): Case[] {
    const cases: Case[] = [];
    const base = (): Record<string, unknown> => {
      const v: Record<string, unknown> = {};
      for (const a of field.args) {
        const g = knownIds[a.name] ?? goodValue(a.type);
        if (g !== undefined) v[a.name] = g;
      }
      return v;
    };
    // `place(value)` returns the argument's value with `value` at the leaf.
    const walk = (
      type: GraphQLInputType,
      name: string,
      at: string,
      place: (v: unknown) => unknown,
      argName: string,
      depth: number,
    ) => {
      const inner = isNonNullType(type) ? type.ofType : type;
      if (isListType(inner)) {
        walk(inner.ofType, name, `${at}.0`, (v) => place([v]), argName, depth);
        return;
      }
      if (isInputObjectType(inner)) {
        if (depth > 3) return;
        for (const f of Object.values(inner.getFields())) {
          walk(
            f.type,
            f.name,
            `${at}.${f.name}`,
            (v) => {
              const obj: Record<string, unknown> = {};
              for (const g of Object.values(inner.getFields())) {
                const gv = goodValue(g.type);
                if (gv !== undefined) obj[g.name] = gv;
              }
              return place({ ...obj, [f.name]: v });
            },
            argName,
            depth + 1,
          );
        }
        return;
      }
      if (!isScalarType(inner)) return;
      for (const value of badValues(inner.name, name)) {
        const variables = base();
        variables[argName] = place(value);
        cases.push({ at, value, variables });
      }
    };
    for (const a of field.args) walk(a.type, a.name, a.name, (v) => v, a.name, 0);
    return cases;
  }

  const selectionOf = (field: GraphQLField<unknown, unknown>) =>
    isScalarType(getNamedType(field.type)) || isEnumType(getNamedType(field.type))
      ? ''
      : ' { __typename }';

  const operationFor = (
    kind: 'query' | 'mutation' | 'subscription',
    field: GraphQLField<unknown, unknown>,
  ) => {
    const vars = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
    const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    return `${kind}${vars ? `(${vars})` : ''} { ${field.name}${args ? `(${args})` : ''}${selectionOf(field)} }`;
  };

  const LEAK =
    /\bat [\w.<>]+ \(|\.(ts|js):\d+|node_modules|\/work\/|\bSELECT\b|\bINSERT\b|\bUPDATE\b.*\bSET\b|violates|relation "|syntax error|invalid input syntax|out of range for type/i;

  /** What is wrong with one answer (empty: nothing). */
  function problemsOf(
    res: GraphQLResult,
    before: Record<string, number>,
    after: Record<string, number>,
  ) {
    const problems: string[] = [];
    if (res.status >= 500) problems.push(`HTTP ${res.status}`);
    const body = JSON.stringify(res);
    if (LEAK.test(body)) problems.push(`leaks internals: ${body.slice(0, 300)}`);
    for (const e of res.errors ?? []) {
      const code = e.extensions?.code;
      if (!code || code === 'INTERNAL_SERVER_ERROR')
        problems.push(`${code ?? 'no code'}: ${e.message}`);
    }
    const refused = (res.errors?.length ?? 0) > 0;
    if (refused) {
      const changed = Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
      if (changed.length)
        problems.push(
          `refused but wrote rows: ${changed.map((t) => `${t} ${before[t]}->${after[t]}`).join(', ')}`,
        );
    }
    return problems;
  }

  async function send(query: string, variables: Record<string, unknown>, token: string) {
    const before = await rowCounts();
    const res = await gql(platform.gatewayUrl, query, variables, token);
    return { res, problems: problemsOf(res, before, await rowCounts()) };
  }

  it('every argument of every query and mutation: coded errors, nothing written', async () => {
    const failures: string[] = [];
    let sent = 0;
    for (const [kind, root] of [
      ['query', schema.getQueryType()!],
      ['mutation', schema.getMutationType()!],
    ] as const) {
      for (const field of Object.values(root.getFields())) {
        const query = operationFor(kind, field);
        for (const c of casesOf(field)) {
          sent++;
          const { problems } = await send(query, c.variables, tokens.admin!);
          for (const p of problems)
            failures.push(`${root.name}.${field.name} ${c.at}=${JSON.stringify(c.value)}: ${p}`);
        }
      }
    }
    assert.ok(sent > 500, `the corpus reached every field (${sent} calls)`);
    assert.deepEqual(failures, []);
  });

  /**
   * Paths from the root to every field with an `after` argument, through fields that need no
   * argument, shortest first, a few per field (`agent > reviews` finds nothing without an id,
   * `agents > edges > node > reviews` does).
   */
  function connectionPaths(): { type: string; field: string; paths: string[][] }[] {
    const found = new Map<string, string[][]>();
    const queue: { type: GraphQLObjectType; path: string[] }[] = [
      { type: schema.getQueryType()!, path: [] },
    ];
    const visits = new Map<string, number>();
    while (queue.length) {
      const { type, path } = queue.shift()!;
      const n = visits.get(type.name) ?? 0;
      if (n >= 3 || path.length > 6) continue;
      visits.set(type.name, n + 1);
      for (const f of Object.values(type.getFields())) {
        const key = `${type.name}.${f.name}`;
        if (f.args.some((a) => a.name === 'after')) {
          const paths = found.get(key) ?? [];
          if (paths.length < 3) found.set(key, [...paths, [...path, f.name]]);
        }
        if (f.args.some((a) => isNonNullType(a.type))) continue;
        const named = getNamedType(f.type);
        if (isObjectType(named)) queue.push({ type: named, path: [...path, f.name] });
      }
    }
    return [...found].map(([key, paths]) => {
      const [type, field] = key.split('.') as [string, string];
      return { type, field, paths };
    });
  }

  /**
   * Arguments besides the cursor: none, and each value of each optional enum argument (a sort
   * order decides what the cursor's value is compared with), with a search where one is taken.
   */
  function argumentVariants(typeName: string, fieldName: string): Record<string, unknown>[] {
    const field = (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName]!;
    const variants: Record<string, unknown>[] = [{}];
    const search = field.args.some((a) => a.name === 'search') ? { search: 'agent' } : {};
    for (const a of field.args) {
      const t = getNamedType(a.type);
      if (isNonNullType(a.type) || !isEnumType(t)) continue;
      for (const v of t.getValues()) variants.push({ [a.name]: v.value, ...search });
    }
    return variants;
  }

  /** `a { b { c(after: $after, ...) { __typename } } }` with the connection field last. */
  const nestedQuery = (
    path: string[],
    variant: Record<string, unknown>,
    field: GraphQLField<unknown, unknown>,
  ) => {
    const extra = Object.keys(variant);
    const vars = extra.map((k) => `, $${k}: ${String(field.args.find((a) => a.name === k)!.type)}`);
    const args = extra.map((k) => `, ${k}: $${k}`).join('');
    let body = `${path.at(-1)}(after: $after${args}) { __typename }`;
    for (const f of path.slice(0, -1).reverse()) body = `${f} { ${body} }`;
    return `query($after: String${vars.join('')}) { ${body} }`;
  };

  /** Whether the connection field at the end of `path` ran (it appears in `data`). */
  const reached = (data: unknown, path: string[]): boolean => {
    if (data === null || data === undefined) return false;
    if (Array.isArray(data)) return data.some((d) => reached(d, path));
    if (!path.length) return true;
    return reached((data as Record<string, unknown>)[path[0]!], path.slice(1));
  };

  it('every connection field refuses every bad cursor (never an internal error)', async () => {
    const fields = connectionPaths();
    assert.ok(fields.length >= 8, `connection fields found: ${fields.map((p) => p.field)}`);
    const failures: string[] = [];
    for (const { type, field, paths } of fields) {
      const def = (schema.getType(type) as GraphQLObjectType).getFields()[field]!;
      let ran = false;
      // As the admin (sees every listing) and as a user with tasks of her own.
      for (const path of paths) {
        for (const token of [tokens.admin!, tokens.grace!]) {
          for (const variant of argumentVariants(type, field)) {
            const query = nestedQuery(path, variant, def);
            const plain = await gql(platform.gatewayUrl, query, variant, token);
            if (!reached(plain.data, path)) continue;
            ran = true;
            for (const cursor of badCursors) {
              const { res, problems } = await send(query, { ...variant, after: cursor }, token);
              const at = `${type}.${field} ${JSON.stringify(variant)} after=${cursor}`;
              for (const p of problems) failures.push(`${at}: ${p}`);
              // A cursor within its column's range that points at nothing may give an empty
              // page; anything else is BAD_USER_INPUT.
              const codes = (res.errors ?? []).map((e) => e.extensions?.code);
              if (codes.length && !codes.includes('BAD_USER_INPUT'))
                failures.push(`${at}: ${JSON.stringify(res).slice(0, 300)}`);
            }
          }
        }
      }
      if (!ran) failures.push(`${type}.${field} was not reached by ${JSON.stringify(paths)}`);
    }
    assert.deepEqual(failures, []);
  });

  const wsUrl = () => `${platform.gatewayUrl.replace(/^http/, 'ws')}`;

  /** The first answer of a subscription: its errors (as a list), or its first event. */
  async function firstAnswer(query: string, variables: Record<string, unknown>, token: string) {
    const client = createClient({
      url: wsUrl(),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    try {
      const iterator = client.iterate({ query, variables });
      const first = await iterator.next();
      await iterator.return?.();
      return first.value as GraphQLResult;
    } catch (err) {
      return { status: 200, errors: err as GraphQLResult['errors'] } as GraphQLResult;
    } finally {
      await client.dispose();
    }
  }

  it('both subscriptions refuse every bad cursor and bad task id with BAD_USER_INPUT', async () => {
    const tasks = ok(
      await gql(
        platform.gatewayUrl,
        '{ myTasks(first: 1) { edges { node { id } } } }',
        {},
        tokens.grace,
      ),
    );
    const taskId = tasks.myTasks.edges[0]?.node.id as string;
    assert.ok(taskId, 'the seed gave grace a task');
    const subscription = schema.getSubscriptionType()!;
    const failures: string[] = [];
    for (const field of Object.values(subscription.getFields())) {
      const query = operationFor('subscription', field);
      const cases: Case[] = [
        ...badCursors.map((cursor) => ({
          at: 'after',
          value: cursor,
          variables: {
            ...(field.args.some((a) => a.name === 'taskId') ? { taskId } : {}),
            after: cursor,
          },
        })),
        ...casesOf(field).filter((c) => c.at !== 'after'),
      ];
      for (const c of cases) {
        const before = await rowCounts();
        const res = await firstAnswer(query, c.variables, tokens.grace!);
        const problems = problemsOf(res, before, await rowCounts());
        const codes = (res.errors ?? []).map((e) => e.extensions?.code);
        if (!codes.includes('BAD_USER_INPUT')) problems.push(JSON.stringify(res).slice(0, 300));
        for (const p of problems)
          failures.push(`Subscription.${field.name} ${c.at}=${JSON.stringify(c.value)}: ${p}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  const ledgerRows = async () =>
    Number((await pg.query('SELECT count(*) AS n FROM billing.ledger_entries')).rows[0].n);

  it('sendTask with a control character to a real agent holds nothing', async () => {
    const before = await ledgerRows();
    for (const text of ['\u0000', 'hello\u0000world', 'bell\u0007', 'lone \ud800']) {
      const res = await gql(
        platform.gatewayUrl,
        'mutation($a: ID!, $t: String) { sendTask(agentId: $a, input: { text: $t }) { id } }',
        { a: knownIds.agentId, t: text },
        tokens.grace,
      );
      assert.deepEqual(
        (res.errors ?? []).map((e) => [e.extensions?.code, e.extensions?.argument]),
        [['BAD_USER_INPUT', 'input.text']],
        JSON.stringify(res),
      );
    }
    assert.equal(await ledgerRows(), before, 'no HOLD and no RELEASE for refused calls');
  });

  it('listing names and descriptions refuse control and bidi characters; prose keeps them', async () => {
    const mine = ok(
      await gql(
        platform.gatewayUrl,
        '{ me { publishedAgents(first: 1) { edges { node { id description } } } } }',
        {},
        tokens.ada,
      ),
    );
    const agent = mine.me.publishedAgents.edges[0].node as { id: string; description: string };
    const UPDATE =
      'mutation($id: ID!, $i: UpdateAgentInput!) { updateAgent(id: $id, input: $i) { description } }';
    for (const input of [
      { name: 'Reviewer \u202egnp.exe' },
      { name: '\u2067Isolated\u2069' },
      { name: 'two\nlines' },
      { description: 'Looks \u202Eharmless' },
      { description: 'null \u0000 byte' },
      { description: 'escape \u001b[2J' },
    ]) {
      const res = await gql(platform.gatewayUrl, UPDATE, { id: agent.id, i: input }, tokens.ada);
      assert.deepEqual(
        (res.errors ?? []).map((e) => e.extensions?.code),
        ['BAD_USER_INPUT'],
        `${JSON.stringify(input)}: ${JSON.stringify(res)}`,
      );
    }
    // A description may have several lines.
    const multi = `${agent.description}\n\nSecond paragraph.\tIndented.`;
    const done = ok(
      await gql(
        platform.gatewayUrl,
        UPDATE,
        { id: agent.id, i: { description: multi } },
        tokens.ada,
      ),
    );
    assert.equal(done.updateAgent.description, multi);
    const server = await gql(
      platform.gatewayUrl,
      'mutation($i: RegisterToolServerInput!) { registerToolServer(input: $i) { id } }',
      { i: { url: 'http://127.0.0.1:9/mcp', name: 'Tools \u202e' } },
      tokens.ada,
    );
    assert.deepEqual(
      (server.errors ?? []).map((e) => [e.extensions?.code, e.extensions?.argument]),
      [['BAD_USER_INPUT', 'input.name']],
    );
  });
});
