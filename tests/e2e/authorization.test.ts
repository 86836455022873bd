import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  buildSchema,
  getNamedType,
  isObjectType,
  isAbstractType,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';
import { createClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { API_KEY_SCOPES, type DeclaredScope } from '@agentry/core';
import { startPlatform, type Platform } from '@agentry/devstack';
import { startExampleMcpServer } from '@agentry/example-mcp';
import {
  codes,
  gql,
  ok,
  testDatabase,
  API_SCHEMAS,
  tableRowCounts,
  testSecrets,
  waitFor,
  type GraphQLResult,
} from '@agentry/testing';

/*
 * The authorization matrix, through the gateway of a whole platform: every operation of the API
 * schema x {anonymous, another user, an API key without the operation's scope, the owner, an
 * admin}. The operations and their scopes come from packages/client/scopes.json, which
 * `npm run codegen` writes from the `@Scope` declarations the subgraph kit enforces; the test
 * fails when an operation has no declaration or no row below. The rows only say who an operation
 * is for (anyone, a signed-in user, a publisher, the owner of what it names, an admin) and give
 * it valid variables.
 */

const root = path.join(__dirname, '..', '..');
const SCOPES = JSON.parse(
  readFileSync(path.join(root, 'packages', 'client', 'scopes.json'), 'utf8'),
) as Record<string, DeclaredScope>;
const schema = buildSchema(
  readFileSync(path.join(root, 'packages', 'client', 'schema.graphql'), 'utf8'),
);

type Access = 'anyone' | 'user' | 'publisher' | 'owner' | 'admin';
interface Fixtures {
  owner: { token: string; id: string };
  other: { token: string; id: string };
  agentId: string;
  serverId: string;
  taskId: string;
  spareKeyId: string;
}
interface Row {
  access: Access;
  vars: (fx: Fixtures) => Record<string, unknown>;
  /** Refusals of the operation's own business rules that are not about who calls. */
  alsoRefused?: string[];
  /** Only the owner, not admins (e.g. a tool server's settings). */
  adminRefused?: boolean;
}

const agentInput = (name: string) => ({
  name,
  description: 'For the authorization matrix.',
  url: 'https://agent.example.com/a2a',
  version: '1.0.0',
  category: 'testing',
  priceCredits: 0,
});

/** Who each operation is for, and valid variables naming the owner's things. */
const ROWS: Record<string, Row> = {
  'Query.agent': { access: 'anyone', vars: (fx) => ({ id: fx.agentId }) },
  'Query.agentFacets': { access: 'anyone', vars: () => ({}) },
  'Query.knowledgeGraph': { access: 'anyone', vars: (fx) => ({ agentId: fx.agentId }) },
  'Query.skills': { access: 'anyone', vars: () => ({}) },
  'Query.agents': { access: 'anyone', vars: () => ({}) },
  'Query.me': { access: 'anyone', vars: () => ({}) },
  'Query.myTasks': { access: 'user', vars: () => ({}) },
  'Query.previewAgentCard': {
    access: 'publisher',
    vars: () => ({ cardUrl: 'http://127.0.0.1:1/.well-known/agent-card.json' }),
  },
  'Query.readResource': {
    access: 'owner',
    vars: (fx) => ({ serverId: fx.serverId, uri: 'calc://nothing' }),
  },
  'Query.review': { access: 'anyone', vars: () => ({ id: randomUUID() }) },
  'Query.task': { access: 'owner', vars: (fx) => ({ id: fx.taskId }) },
  'Query.toolServer': { access: 'anyone', vars: (fx) => ({ id: fx.serverId }) },
  'Query.toolServers': { access: 'anyone', vars: () => ({}) },
  'Query.user': { access: 'anyone', vars: (fx) => ({ id: fx.owner.id }) },
  'Mutation.callTool': {
    access: 'owner',
    vars: (fx) => ({ serverId: fx.serverId, name: 'add', arguments: { a: 1, b: 2 } }),
  },
  'Mutation.cancelTask': { access: 'owner', vars: (fx) => ({ taskId: fx.taskId }) },
  'Mutation.createAgent': {
    access: 'publisher',
    vars: () => ({ input: agentInput(`Matrix ${randomUUID().slice(0, 8)}`) }),
  },
  'Mutation.createApiKey': {
    access: 'user',
    vars: () => ({ name: 'matrix', scopes: ['agents:read'] }),
  },
  'Mutation.deleteReview': { access: 'owner', vars: () => ({ id: randomUUID() }) },
  'Mutation.grantCredits': {
    access: 'admin',
    vars: (fx) => ({ userId: fx.other.id, amount: 1, reason: 'matrix' }),
  },
  'Mutation.grantToolAccess': {
    access: 'owner',
    vars: (fx) => ({ serverId: fx.serverId, userId: fx.other.id, tools: ['add'] }),
  },
  'Mutation.refreshAgentCard': {
    access: 'owner',
    vars: (fx) => ({ id: fx.agentId }),
    // A hand-described agent has no card to refresh (after the owner check).
    alsoRefused: ['BAD_USER_INPUT'],
  },
  'Mutation.refreshToolServer': { access: 'owner', vars: (fx) => ({ id: fx.serverId }) },
  'Mutation.registerAgent': {
    access: 'publisher',
    vars: () => ({
      input: { cardUrl: 'http://127.0.0.1:1/card.json', category: 'testing', priceCredits: 0 },
    }),
  },
  'Mutation.registerToolServer': {
    access: 'publisher',
    vars: () => ({ input: { url: 'http://127.0.0.1:1/mcp', name: 'Nowhere' } }),
  },
  'Mutation.replyToTask': {
    access: 'owner',
    vars: (fx) => ({ taskId: fx.taskId, input: { text: 'more' } }),
  },
  'Mutation.reviewAgent': {
    access: 'user',
    vars: (fx) => ({ agentId: fx.agentId, rating: 5, title: 'Good', body: 'Very good.' }),
    // Only a user with a completed task with the agent may review it.
    alsoRefused: ['FORBIDDEN'],
  },
  'Mutation.revokeApiKey': { access: 'owner', vars: (fx) => ({ id: fx.spareKeyId }) },
  'Mutation.revokeToolAccess': {
    access: 'owner',
    vars: (fx) => ({ serverId: fx.serverId, userId: randomUUID(), tools: ['add'] }),
  },
  'Mutation.sendTask': {
    access: 'user',
    vars: (fx) => ({ agentId: fx.agentId, input: { text: 'hello' } }),
  },
  'Mutation.signIn': {
    access: 'anyone',
    vars: () => ({ email: 'other@matrix.test', password: 'long enough' }),
  },
  'Mutation.signUp': {
    access: 'anyone',
    vars: () => ({
      input: {
        email: `m${randomUUID().slice(0, 8)}@matrix.test`,
        password: 'long enough',
        name: 'M',
      },
    }),
  },
  'Mutation.updateAgent': {
    access: 'owner',
    // Admins may change only the status of another publisher's agent.
    vars: (fx) => ({ id: fx.agentId, input: { status: 'PUBLISHED' } }),
  },
  'Mutation.updateProfile': { access: 'user', vars: () => ({ input: { name: 'Renamed' } }) },
  'Mutation.updateToolServer': {
    access: 'owner',
    adminRefused: true,
    vars: (fx) => ({ id: fx.serverId, input: { name: 'Calculator' } }),
  },
  'Subscription.myTaskEvents': { access: 'user', vars: () => ({}) },
  'Subscription.taskEvents': { access: 'owner', vars: (fx) => ({ taskId: fx.taskId }) },
};

const ROOT_TYPES = ['Query', 'Mutation', 'Subscription'] as const;
const rootType = (name: string) =>
  (name === 'Query'
    ? schema.getQueryType()
    : name === 'Mutation'
      ? schema.getMutationType()
      : schema.getSubscriptionType())!;

/** `__typename` for composite types, nothing for leaves. */
const selection = (field: GraphQLField<unknown, unknown>) => {
  const named = getNamedType(field.type);
  return isObjectType(named) || isAbstractType(named) ? ' { __typename }' : '';
};

/** A document for one root field, its variables typed from the schema. */
function documentFor(key: string, vars: Record<string, unknown>): string {
  const [typeName, fieldName] = key.split('.') as [string, string];
  const field = rootType(typeName).getFields()[fieldName]!;
  const used = field.args.filter((a) => a.name in vars);
  const defs = used.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = used.map((a) => `${a.name}: $${a.name}`).join(', ');
  const op = typeName.toLowerCase();
  return `${op} M${defs ? `(${defs})` : ''} { ${fieldName}${args ? `(${args})` : ''}${selection(field)} }`;
}

const run = promisify(execFile);

describe('authorization matrix through the gateway', { timeout: 300_000 }, () => {
  let platform: Platform;
  let databaseUrl: string;
  let db: Client;
  let gw: string;
  let stopMcp: () => Promise<void>;
  let calculatorUrl: string;
  let fx: Fixtures;
  let admin: { token: string; id: string };
  /** Keys of the owner with every scope but one (`session`: every scope). */
  const keyWithout = new Map<DeclaredScope, string>();
  /** The admin's key with every scope but `admin`. */
  let adminKeyWithoutAdmin: string;

  async function signUp(email: string, publisher = false) {
    const d = ok(
      await gql(gw, 'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }', {
        i: { email, password: 'long enough', name: email.split('@')[0], publisher },
      }),
    );
    return { token: d.signUp.token as string, id: d.signUp.user.id as string };
  }
  async function createKey(token: string, scopes: string[]) {
    return ok(
      await gql(
        gw,
        'mutation($s: [String!]!) { createApiKey(name: "matrix", scopes: $s) { secret apiKey { id } } }',
        { s: scopes },
        token,
      ),
    ).createApiKey as { secret: string; apiKey: { id: string } };
  }

  before(async () => {
    const calc = await startExampleMcpServer('calculator', { port: 0 });
    stopMcp = () => calc.stop();
    calculatorUrl = calc.url;
    databaseUrl = await testDatabase('e2e_authorization');
    platform = await startPlatform({
      databaseUrl,
      secrets: await testSecrets(),
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        RATE_LIMIT_OPERATIONS: '1000000',
        SIGN_UP_LIMIT_PER_ADDRESS: '1000',
        SIGN_IN_LIMIT_PER_ADDRESS: '1000',
        SIGN_IN_LIMIT_PER_ACCOUNT: '1000',
      },
    });
    gw = platform.gatewayUrl;
    db = new Client({ connectionString: databaseUrl });
    await db.connect();

    const owner = await signUp('owner@matrix.test', true);
    const other = await signUp('other@matrix.test');
    await signUp('admin@matrix.test');
    await run(
      process.execPath,
      [
        '-r',
        path.join(root, 'scripts', 'register.js'),
        path.join(root, 'subgraphs', 'users', 'src', 'cli.ts'),
        'grant-role',
        'admin@matrix.test',
        'ADMIN',
      ],
      { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl } },
    );
    const signedIn = ok(
      await gql(
        gw,
        'mutation { signIn(email: "admin@matrix.test", password: "long enough") { token user { id } } }',
      ),
    ).signIn;
    admin = { token: signedIn.token, id: signedIn.user.id };

    const agentId = ok(
      await gql(
        gw,
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        { i: agentInput('Matrix agent') },
        owner.token,
      ),
    ).createAgent.id as string;
    const serverId = ok(
      await gql(
        gw,
        'mutation($i: RegisterToolServerInput!) { registerToolServer(input: $i) { id } }',
        { i: { url: calculatorUrl, name: 'Calculator', public: false, priceCredits: 1 } },
        owner.token,
      ),
    ).registerToolServer.id as string;
    // The tasks subgraph learns of the agent through events: retry until it can be hired.
    const taskId = await waitFor('the tasks subgraph to know the agent', async () => {
      const r = await gql(
        gw,
        'mutation($a: ID!) { sendTask(agentId: $a, input: { text: "hi" }) { id } }',
        { a: agentId },
        owner.token,
      );
      return r.data?.sendTask?.id as string | undefined;
    });
    const spareKeyId = (await createKey(owner.token, ['agents:read'])).apiKey.id;
    fx = { owner, other, agentId, serverId, taskId, spareKeyId };

    const ownerScopes = API_KEY_SCOPES.filter((s) => s !== 'admin');
    for (const scope of new Set(Object.values(SCOPES))) {
      if (scope === 'none' || scope === 'admin') continue;
      const scopes = ownerScopes.filter((s) => s !== scope);
      keyWithout.set(scope, (await createKey(owner.token, scopes)).secret);
    }
    adminKeyWithoutAdmin = (
      await createKey(
        admin.token,
        API_KEY_SCOPES.filter((s) => s !== 'admin'),
      )
    ).secret;
    keyWithout.set('admin', adminKeyWithoutAdmin);
  });
  after(async () => {
    await db?.end();
    await platform?.stop();
    await stopMcp?.();
  });

  /** Row counts of every table the API writes (once every sign-up has its wallet). */
  async function snapshot() {
    await waitFor('every user to have a wallet', async () => {
      const { rows } = await db.query(
        `SELECT (SELECT count(*)::int FROM users.users) AS users,
                (SELECT count(*)::int FROM billing.wallets WHERE user_id <> '00000000-0000-0000-0000-000000000000') AS wallets`,
      );
      return rows[0].users === rows[0].wallets ? true : undefined;
    });
    return tableRowCounts(db, API_SCHEMAS);
  }

  /** One operation as `credential`; subscriptions over graphql-ws until their first answer. */
  async function execute(key: string, credential: string | undefined): Promise<GraphQLResult> {
    const vars = ROWS[key]!.vars(fx);
    const query = documentFor(key, vars);
    if (!key.startsWith('Subscription.')) return gql(gw, query, vars, credential);
    const client = createClient({
      url: gw.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      retryAttempts: 0,
      connectionParams: credential ? { authorization: `Bearer ${credential}` } : {},
    });
    try {
      return await new Promise<GraphQLResult>((resolve) => {
        const stop = client.subscribe(
          { query, variables: vars },
          {
            next: (value) => {
              stop();
              resolve(value as GraphQLResult);
            },
            error: (err) => {
              const errors = Array.isArray(err) ? err : [{ message: String(err) }];
              resolve({ errors } as GraphQLResult);
            },
            complete: () => resolve({ data: null } as GraphQLResult),
          },
        );
      });
    } finally {
      await client.dispose();
    }
  }

  const fieldOf = (key: string) => key.split('.')[1]!;
  const refusedBy = (r: GraphQLResult, code: string) => codes(r).includes(code);
  const noValue = (key: string, r: GraphQLResult) =>
    (r.data as Record<string, unknown> | null | undefined)?.[fieldOf(key)] == null;
  const authCodes = (r: GraphQLResult) =>
    codes(r).filter((c) => c === 'UNAUTHENTICATED' || c === 'FORBIDDEN');

  it('declares a scope and a matrix row for every operation of the API', () => {
    const operations = ROOT_TYPES.flatMap((t) =>
      Object.keys(rootType(t).getFields()).map((f) => `${t}.${f}`),
    );
    assert.deepEqual(
      operations.filter((op) => !SCOPES[op]),
      [],
      'operations without @Scope',
    );
    assert.deepEqual(
      operations.filter((op) => !ROWS[op]),
      [],
      'operations without a matrix row',
    );
  });

  it('refuses every operation to an API key lacking its scope, and changes nothing', async () => {
    const before = await snapshot();
    for (const key of Object.keys(ROWS)) {
      const scope = SCOPES[key]!;
      if (scope === 'none') continue;
      const r = await execute(key, keyWithout.get(scope));
      assert.ok(refusedBy(r, 'FORBIDDEN'), `${key} (${scope}): ${JSON.stringify(r)}`);
      assert.ok(noValue(key, r), `${key} returned data to a key without ${scope}`);
      assert.doesNotMatch(JSON.stringify(r), /stack|\.ts:|SELECT /);
    }
    assert.deepEqual(await snapshot(), before, 'refused calls wrote nothing');
  });

  it('lets a key with an unrelated scope use the operations that need none', async () => {
    const key = (await createKey(fx.other.token, ['billing:read'])).secret;
    for (const op of Object.keys(ROWS).filter((k) => SCOPES[k] === 'none')) {
      const r = await execute(op, key);
      assert.deepEqual(authCodes(r), [], `${op}: ${JSON.stringify(r)}`);
    }
  });

  it('refuses anonymous callers and other users what is not theirs', async () => {
    const before = await snapshot();
    for (const [key, row] of Object.entries(ROWS)) {
      if (row.access === 'anyone') continue;
      const anon = await execute(key, undefined);
      assert.ok(refusedBy(anon, 'UNAUTHENTICATED'), `anonymous ${key}: ${JSON.stringify(anon)}`);
      assert.ok(noValue(key, anon), `anonymous ${key} got data`);
      if (row.access === 'user') continue;
      const other = await execute(key, fx.other.token);
      // Another user's thing is refused (FORBIDDEN), or does not exist for them (NOT_FOUND or null).
      const denied =
        refusedBy(other, 'FORBIDDEN') || refusedBy(other, 'NOT_FOUND') || noValue(key, other);
      assert.ok(denied && noValue(key, other), `other user ${key}: ${JSON.stringify(other)}`);
    }
    assert.deepEqual(await snapshot(), before, 'refused calls wrote nothing');
  });

  it('lets owners and admins through (admins only where admin is needed)', async () => {
    // Owner first, admin second: each only has to pass the access checks.
    for (const [key, row] of Object.entries(ROWS)) {
      const allowedCodes = (r: GraphQLResult) =>
        authCodes(r).filter((c) => !(row.alsoRefused ?? []).includes(c));
      if (key.startsWith('Subscription.')) continue; // open streams: covered by their suites
      const owner = await execute(key, fx.owner.token);
      if (row.access === 'admin') assert.ok(refusedBy(owner, 'FORBIDDEN'), `owner ${key}`);
      else assert.deepEqual(allowedCodes(owner), [], `owner ${key}: ${JSON.stringify(owner)}`);
    }
    for (const [key, row] of Object.entries(ROWS)) {
      if (key.startsWith('Subscription.')) continue;
      const r = await execute(key, admin.token);
      if (row.adminRefused) {
        assert.ok(refusedBy(r, 'FORBIDDEN'), `admin ${key}: ${JSON.stringify(r)}`);
        continue;
      }
      const left = authCodes(r).filter((c) => !(row.alsoRefused ?? []).includes(c));
      assert.deepEqual(left, [], `admin ${key}: ${JSON.stringify(r)}`);
    }
  });

  it('refuses owned fields to a key lacking their scope (me { apiKeys }, wallet, Agent.tasks)', async () => {
    const paths: Record<string, (inner: string) => [string, Record<string, unknown>]> = {
      User: (inner) => [`{ me { ${inner} } }`, {}],
      Agent: (inner) => [`query($id: ID) { agent(id: $id) { ${inner} } }`, { id: fx.agentId }],
      Task: (inner) => [`query($id: ID!) { task(id: $id) { ${inner} } }`, { id: fx.taskId }],
      ToolServer: (inner) => [
        `query($id: ID!) { toolServer(id: $id) { ${inner} } }`,
        { id: fx.serverId },
      ],
      Wallet: (inner) => [`{ me { wallet { ${inner} } } }`, {}],
      Tool: (inner) => [
        `query($id: ID!) { toolServer(id: $id) { tools { ${inner} } } }`,
        { id: fx.serverId },
      ],
    };
    for (const [key, scope] of Object.entries(SCOPES)) {
      const [typeName, fieldName] = key.split('.') as [string, string];
      if ((ROOT_TYPES as readonly string[]).includes(typeName) || scope === 'none') continue;
      const path = paths[typeName];
      assert.ok(path, `no path to ${typeName} for ${key}`);
      const field = (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName]!;
      const [query, vars] = path(`${fieldName}${selection(field)}`);
      const r = await gql(gw, query, vars, keyWithout.get(scope));
      assert.ok(refusedBy(r, 'FORBIDDEN'), `${key} (${scope}): ${JSON.stringify(r)}`);
      assert.doesNotMatch(JSON.stringify(r.data ?? null), new RegExp(`"${fieldName}":[^n]`));
    }
    // With every scope, the same reads work.
    const all = (await createKey(fx.owner.token, ['billing:read', 'tasks:read'])).secret;
    const r = ok(await gql(gw, '{ me { wallet { balance } } }', {}, all));
    assert.equal(typeof r.me.wallet.balance, 'number');
  });

  it('closes the reported holes', async () => {
    // An admin's key without the admin scope cannot grant credits.
    const grant = await gql(
      gw,
      'mutation($u: ID!) { grantCredits(userId: $u, amount: 5, reason: "x") { balance } }',
      { u: fx.other.id },
      (await createKey(admin.token, ['agents:read'])).secret,
    );
    assert.deepEqual(codes(grant), ['FORBIDDEN']);
    // With it, it can.
    const adminKey = (await createKey(admin.token, ['admin'])).secret;
    ok(
      await gql(
        gw,
        'mutation($u: ID!) { grantCredits(userId: $u, amount: 5, reason: "x") { balance } }',
        { u: fx.other.id },
        adminKey,
      ),
    );
    // Only admins may create keys with the admin scope.
    assert.deepEqual(
      codes(
        await gql(
          gw,
          'mutation { createApiKey(name: "x", scopes: ["admin"]) { secret } }',
          {},
          fx.other.token,
        ),
      ),
      ['FORBIDDEN'],
    );
    // billing:read cannot make its user a publisher.
    const billingKey = (await createKey(fx.other.token, ['billing:read'])).secret;
    const promote = await gql(
      gw,
      'mutation { updateProfile(input: { publisher: true }) { roles } }',
      {},
      billingKey,
    );
    assert.deepEqual(codes(promote), ['FORBIDDEN']);
    const roles = ok(await gql(gw, '{ me { roles } }', {}, fx.other.token)).me.roles;
    assert.ok(!roles.includes('PUBLISHER'));
    // No key reads the API keys.
    const keys = await gql(gw, '{ me { apiKeys { id } } }', {}, billingKey);
    assert.deepEqual(codes(keys), ['FORBIDDEN']);
    // billing:read does not list tool servers.
    assert.deepEqual(codes(await gql(gw, '{ toolServers { totalCount } }', {}, billingKey)), [
      'FORBIDDEN',
    ]);
    // tools:call alone calls a priced tool it was granted.
    ok(
      await gql(
        gw,
        'mutation($s: ID!, $u: ID!) { grantToolAccess(serverId: $s, userId: $u) { id } }',
        { s: fx.serverId, u: fx.other.id },
        fx.owner.token,
      ),
    );
    const toolsKey = (await createKey(fx.other.token, ['tools:call'])).secret;
    const call = await waitFor('the tasks subgraph to learn of the grant', async () => {
      const r = await gql(
        gw,
        'mutation($s: ID!) { callTool(serverId: $s, name: "add", arguments: { a: 1, b: 2 }) { isError costCredits } }',
        { s: fx.serverId },
        toolsKey,
      );
      return ['NOT_FOUND', 'FORBIDDEN'].includes(codes(r)[0] ?? '') &&
        !/scope/.test(JSON.stringify(r))
        ? undefined
        : r;
    });
    assert.deepEqual(codes(call), [], JSON.stringify(call));
    assert.equal(call.data?.callTool.costCredits, 1);
  });

  it("errors name a tool server's URL only to those who may read it (readResource)", async () => {
    // `other` holds a grant (previous test, or granted here); the URL is the owner's to read.
    await gql(
      gw,
      'mutation($s: ID!, $u: ID!) { grantToolAccess(serverId: $s, userId: $u) { id } }',
      { s: fx.serverId, u: fx.other.id },
      fx.owner.token,
    );
    const read = (token: string) =>
      gql(
        gw,
        'query($s: ID!) { readResource(serverId: $s, uri: "calc://missing") { uri } }',
        { s: fx.serverId },
        token,
      );
    const asOther = await waitFor('the grant to reach the tasks subgraph', async () => {
      const r = await read(fx.other.token);
      return ['NOT_FOUND', 'FORBIDDEN'].includes(codes(r)[0] ?? '') &&
        /not found|no access/i.test(r.errors?.[0]?.message ?? '') &&
        !/tool server at/i.test(r.errors?.[0]?.message ?? '')
        ? undefined
        : r;
    });
    assert.ok(asOther.errors?.length, JSON.stringify(asOther));
    const { host } = new URL(calculatorUrl);
    assert.doesNotMatch(JSON.stringify(asOther), new RegExp(host.replace(/\./g, '\\.')));
    assert.match(asOther.errors![0]!.message, /Calculator/);
    // The owner may read the URL, and the same error names it.
    const asOwner = await read(fx.owner.token);
    assert.match(JSON.stringify(asOwner), new RegExp(host.replace(/\./g, '\\.')));
  });

  it('hides DRAFT and SUSPENDED agents behind references as agent(id) does', async () => {
    // A finished task of `other` with the owner's agent, and a review of it.
    const agentId = ok(
      await gql(
        gw,
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        { i: agentInput('Soon a draft') },
        fx.owner.token,
      ),
    ).createAgent.id as string;
    const taskId = await waitFor('the tasks subgraph to know the agent', async () => {
      try {
        const { stdout } = await run(
          process.execPath,
          [
            '-r',
            path.join(root, 'scripts', 'register.js'),
            path.join(root, 'subgraphs', 'tasks', 'src', 'cli.ts'),
            'record-demo-task',
            '--agent',
            agentId,
            '--requester',
            fx.other.id,
            '--text',
            'q',
            '--reply',
            'a',
          ],
          { cwd: root, env: { ...process.env, DATABASE_URL: databaseUrl } },
        );
        return stdout.trim().split(/\s+/).pop();
      } catch {
        return undefined;
      }
    });
    const reviewId = await waitFor('the reviews subgraph to see the finished task', async () => {
      const r = await gql(
        gw,
        'mutation($a: ID!) { reviewAgent(agentId: $a, rating: 4, title: "Fine", body: "It was fine.") { id } }',
        { a: agentId },
        fx.other.token,
      );
      return r.data?.reviewAgent?.id as string | undefined;
    });
    ok(
      await gql(
        gw,
        'mutation($id: ID!) { updateAgent(id: $id, input: { status: DRAFT, name: "Secret name" }) { status } }',
        { id: agentId },
        fx.owner.token,
      ),
    );
    const reviewQuery = 'query($id: ID!) { review(id: $id) { id agent { name description url } } }';
    const userQuery =
      'query($id: ID!) { user(id: $id) { reviews { edges { node { agent { name } } } } } }';
    const taskQuery = 'query($id: ID!) { task(id: $id) { id agent { name } } }';
    for (const token of [undefined, fx.other.token]) {
      const review = ok(await gql(gw, reviewQuery, { id: reviewId }, token));
      assert.equal(review.review.agent, null);
      const user = ok(await gql(gw, userQuery, { id: fx.other.id }, token));
      assert.ok(user.user.reviews.edges.every((e: any) => e.node.agent === null));
      assert.doesNotMatch(JSON.stringify([review, user]), /Secret name/);
    }
    const task = ok(await gql(gw, taskQuery, { id: taskId }, fx.other.token));
    assert.equal(task.task.agent, null);
    // Fields other subgraphs add to Agent do not show a hidden agent either. Those are answered
    // from each subgraph's projection of the agents, which follows agent.updated: wait for it.
    const rating = await waitFor(
      'the reviews projection to see the agent unpublished',
      async () => {
        const r = ok(
          await gql(gw, 'query($id: ID!) { review(id: $id) { agent { rating { count } } } }', {
            id: reviewId,
          }),
        );
        return r.review.agent === null && r;
      },
    );
    assert.equal(rating.review.agent, null);
    const tasks = await waitFor('the tasks projection to see the agent unpublished', async () => {
      const r = ok(
        await gql(
          gw,
          'query($id: ID!) { task(id: $id) { agent { tasks { totalCount } } } }',
          { id: taskId },
          fx.other.token,
        ),
      );
      return r.task.agent === null && r;
    });
    assert.equal(tasks.task.agent, null);
    for (const token of [fx.owner.token, admin.token]) {
      const review = ok(await gql(gw, reviewQuery, { id: reviewId }, token));
      assert.equal(review.review.agent.name, 'Secret name');
    }
  });

  it('answers by-id queries the same way, ids in any case; refuses blank key names and platform grants', async () => {
    const upper = ok(
      await gql(gw, 'query($id: ID!) { user(id: $id) { id } }', { id: fx.owner.id.toUpperCase() }),
    );
    assert.equal(upper.user.id, fx.owner.id);
    const task = ok(
      await gql(
        gw,
        'query($id: ID!) { task(id: $id) { id } }',
        { id: fx.taskId.toUpperCase() },
        fx.owner.token,
      ),
    );
    assert.equal(task.task.id, fx.taskId);
    // Unknown ids: null and no error, for every by-id query.
    for (const [field, token] of [
      ['user', undefined],
      ['task', fx.owner.token],
      ['review', undefined],
      ['toolServer', fx.owner.token],
      ['agent', undefined],
    ] as const) {
      const op = field === 'agent' ? 'query($id: ID)' : 'query($id: ID!)';
      const r = await gql(gw, `${op} { ${field}(id: $id) { id } }`, { id: randomUUID() }, token);
      assert.deepEqual(codes(r), [], `${field}: ${JSON.stringify(r)}`);
      assert.equal(r.data?.[field], null);
    }
    const before = await snapshot();
    const blank = await gql(
      gw,
      'mutation { createApiKey(name: "   ", scopes: ["agents:read"]) { secret } }',
      {},
      fx.owner.token,
    );
    assert.deepEqual(codes(blank), ['BAD_USER_INPUT']);
    const platformGrant = await gql(
      gw,
      'mutation { grantCredits(userId: "00000000-0000-0000-0000-000000000000", amount: 5, reason: "x") { balance } }',
      {},
      admin.token,
    );
    assert.deepEqual(codes(platformGrant), ['BAD_USER_INPUT']);
    assert.deepEqual(await snapshot(), before);
  });
});
