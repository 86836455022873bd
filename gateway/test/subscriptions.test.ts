import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  execute,
  GraphQLError,
  parse,
  type FormattedExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { SignJWT } from 'jose';
import WebSocket, { WebSocketServer } from 'ws';
import {
  createIdentityVerifier,
  generateIdentityKeys,
  IDENTITY_HEADER,
  type Identity,
} from '@agentry/core';
import { loadGatewayEnv } from '../src/env';
import { createGateway } from '../src/server';

/*
 * Federated subscriptions end to end on real sockets: two subgraphs written here (feed owns the
 * subscription, people owns User), composed in the test, behind the real gateway in-process.
 */

const deferred = <T = void>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};

/** Fails with `what` instead of hanging when `promise` does not settle in time. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface TickData {
  id: string;
  seq: number;
  cursor?: string;
  userId?: string;
  note?: string;
  fail?: string;
}

/** The feed subgraph's event source: one channel per upstream subscription, fed by the test. */
class Feed extends EventEmitter {
  readonly channels = new Set<{
    n: number;
    identity: Identity;
    after?: string | null;
    push(t: TickData): void;
  }>();

  open(n: number, identity: Identity, after?: string | null): AsyncIterableIterator<TickData> {
    const queue: TickData[] = [];
    let wake: ((r: IteratorResult<TickData>) => void) | null = null;
    let closed = false;
    const channel = {
      n,
      identity,
      after,
      push: (t: TickData) => {
        if (wake) {
          const w = wake;
          wake = null;
          w({ value: t, done: false });
        } else queue.push(t);
      },
    };
    this.channels.add(channel);
    this.emit('change');
    const iterator: AsyncIterableIterator<TickData> = {
      next: () =>
        queue.length
          ? Promise.resolve({ value: queue.shift()!, done: false })
          : closed
            ? Promise.resolve({ value: undefined, done: true })
            : new Promise((resolve) => (wake = resolve)),
      return: () => {
        closed = true;
        this.channels.delete(channel);
        this.emit('change');
        wake?.({ value: undefined, done: true });
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return iterator;
  }

  publish(n: number, tick: TickData) {
    for (const c of this.channels) if (c.n === n) c.push(tick);
  }

  count(n: number) {
    return [...this.channels].filter((c) => c.n === n).length;
  }

  /** Resolves once `predicate` holds (checked now and on every subscribe/unsubscribe). */
  until(predicate: () => boolean, what: string, ms = 5000) {
    const done = deferred();
    const check = () => {
      if (predicate()) {
        this.off('change', check);
        done.resolve();
      }
    };
    this.on('change', check);
    check();
    return within(done.promise, ms, what);
  }
}

interface TestSubgraph {
  url: string;
  /** Identities seen on HTTP requests (the `x-agentry-identity` header). */
  httpIdentities: Identity[];
  stop(): Promise<void>;
}

/**
 * A subgraph as the contract wants it: HTTP POST /graphql and graphql-ws on the same port and
 * path; HTTP requires a gateway-signed identity header; the socket a gateway service token in
 * `connectionParams`; each subscription the end user's token in `extensions.identity`.
 */
async function startSubgraph(
  schema: GraphQLSchema,
  verify: (token: string | undefined) => Promise<Identity | null>,
  port = 0,
): Promise<TestSubgraph> {
  const httpIdentities: Identity[] = [];
  const app = express();
  app.post('/graphql', express.json({ limit: '10mb' }), async (req, res) => {
    // A representation with id "crash" makes this subgraph fail the way a broken service does.
    if (JSON.stringify(req.body.variables?.representations ?? []).includes('"crash"')) {
      res.status(502).type('text/html').send('<html>Bad gateway</html>');
      return;
    }
    const identity = await verify(req.header(IDENTITY_HEADER));
    if (!identity) {
      res.status(401).json({
        errors: [{ message: 'no identity', extensions: { code: 'UNAUTHENTICATED' } }],
      });
      return;
    }
    httpIdentities.push(identity);
    const result = await execute({
      schema,
      document: parse(req.body.query),
      variableValues: req.body.variables,
      operationName: req.body.operationName,
      contextValue: { identity },
    });
    res.json({ ...result, errors: result.errors?.map((e) => e.toJSON()) });
  });
  const server = http.createServer(app);
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const ws = useServer<Record<string, unknown>>(
    {
      schema,
      onConnect: async (ctx) =>
        (await verify(ctx.connectionParams?.[IDENTITY_HEADER] as string))?.via === 'service',
      onSubscribe: async (_ctx, _id, payload) => {
        const identity = await verify(payload.extensions?.identity as string | undefined);
        if (!identity)
          return [new GraphQLError('no identity', { extensions: { code: 'UNAUTHENTICATED' } })];
        return {
          schema,
          document: parse(payload.query),
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue: { identity },
        };
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/graphql`,
    httpIdentities,
    async stop() {
      await ws.dispose();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const FEED_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { feedVersion: String }
  type Subscription { ticks(n: Int!, after: String): Tick! }
  type Tick @key(fields: "id") {
    id: ID!
    seq: Int!
    "Where the tick stands (a resumable subscription: ticks(after: cursor))."
    cursor: String
    note: String
    "The user id the feed subgraph saw on the subscription."
    viewer: String
    user: User
  }
  type User @key(fields: "id", resolvable: false) { id: ID! }
`;
const PEOPLE_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { person(id: ID!): User }
  type User @key(fields: "id") { id: ID! name: String }
`;
const NAMES: Record<string, string> = { alice: 'Alice Liddell', bob: 'Bob Dobbs' };

interface Collected {
  events: FormattedExecutionResult[];
  /** The `i`-th event (0-based), once it has arrived. */
  nth(i: number): Promise<FormattedExecutionResult>;
  /** Settles with how the subscription ended. */
  ended: Promise<{ complete: true } | { error: unknown }>;
  dispose(): void;
}

function collect(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: FormattedExecutionResult[] = [];
  const waiters: { i: number; resolve: (e: FormattedExecutionResult) => void }[] = [];
  const ended = deferred<{ complete: true } | { error: unknown }>();
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => {
        events.push(value as FormattedExecutionResult);
        for (const w of [...waiters])
          if (events.length > w.i) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(events[w.i]);
          }
      },
      error: (error) => ended.resolve({ error }),
      complete: () => ended.resolve({ complete: true }),
    },
  );
  const collected: Collected = {
    events,
    nth: (i) =>
      within(
        events.length > i
          ? Promise.resolve(events[i])
          : new Promise((resolve) => waiters.push({ i, resolve })),
        5000,
        `event #${i}`,
      ),
    ended: ended.promise,
    dispose,
  };
  return collected;
}

describe('federated subscriptions', { timeout: 120_000 }, () => {
  const feed = new Feed();
  // Stopped in this order after the suite: clients, the gateway, the subgraphs.
  const stops: (() => Promise<unknown> | void)[] = [];
  let stopGateway: () => Promise<void> = async () => {};
  const subgraphStops: (() => Promise<void>)[] = [];
  let wsUrl: string;
  let gateway: Awaited<ReturnType<typeof createGateway>>;
  let sessionSecret: string;
  let feedSubgraph: TestSubgraph;
  let peopleSubgraph: TestSubgraph;
  /** Stops the feed subgraph and starts it again on the same port (its sockets drop). */
  let restartFeed: () => Promise<void>;

  const tokenFor = (userId: string, expiresIn: string | number = '10m') =>
    new SignJWT({ roles: ['USER'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('agentry-users')
      .setAudience('agentry')
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(new TextEncoder().encode(sessionSecret));

  async function clientFor(userId: string | null) {
    const authorization = userId ? `Bearer ${await tokenFor(userId)}` : undefined;
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: authorization ? { authorization } : {},
      retryAttempts: 0,
    });
    stops.push(() => client.dispose());
    return client;
  }

  /** A raw graphql-transport-ws socket, acknowledged, for what the graphql-ws client hides. */
  async function rawSocket(authorization?: string) {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    stops.push(() => socket.terminate());
    const closed = deferred<{ code: number; reason: string }>();
    socket.on('close', (code, reason) => closed.resolve({ code, reason: reason.toString() }));
    const messages: { id?: string; type: string; payload?: any }[] = [];
    const listeners = new Set<() => void>();
    socket.on('message', (data) => {
      messages.push(JSON.parse(data.toString()));
      for (const l of listeners) l();
    });
    const waitFor = (predicate: (m: (typeof messages)[number]) => boolean, what: string) => {
      const found = deferred<(typeof messages)[number]>();
      const check = () => {
        const m = messages.find(predicate);
        if (m) {
          listeners.delete(check);
          found.resolve(m);
        }
      };
      listeners.add(check);
      check();
      return within(found.promise, 5000, what);
    };
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: authorization ? { authorization } : {} }),
    );
    return { socket, closed: closed.promise, messages, waitFor };
  }

  before(async () => {
    const keys = await generateIdentityKeys();
    const verify = await createIdentityVerifier(keys.publicKeyPem);
    sessionSecret = randomBytes(32).toString('hex');

    const feedResolvers = {
      Subscription: {
        ticks: {
          subscribe: (
            _: unknown,
            args: { n: number; after?: string | null },
            ctx: { identity: Identity },
          ) => {
            if (args.n < 0)
              throw new GraphQLError('n must not be negative.', {
                extensions: { code: 'BAD_USER_INPUT' },
              });
            return feed.open(args.n, ctx.identity, args.after);
          },
          resolve: (tick: TickData) => tick,
        },
      },
      Tick: {
        seq: (tick: TickData) => {
          if (tick.fail) throw new GraphQLError('Not yours.', { extensions: { code: tick.fail } });
          return tick.seq;
        },
        cursor: (tick: TickData) => tick.cursor ?? null,
        viewer: (_: TickData, __: unknown, ctx: { identity: Identity }) => ctx.identity.userId,
        user: (tick: TickData) => (tick.userId ? { id: tick.userId } : null),
      },
    };
    const peopleResolvers = {
      User: {
        __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
        name: ({ id }: { id: string }) => {
          if (id === 'hidden')
            throw new GraphQLError('Hidden.', { extensions: { code: 'FORBIDDEN' } });
          return NAMES[id] ?? `user ${id}`;
        },
      },
    };
    const feedSchema = buildSubgraphSchema({
      typeDefs: parse(FEED_SDL),
      resolvers: feedResolvers as never,
    });
    feedSubgraph = await startSubgraph(feedSchema, verify);
    restartFeed = async () => {
      const port = Number(new URL(feedSubgraph.url).port);
      await feedSubgraph.stop();
      feedSubgraph = await startSubgraph(feedSchema, verify, port);
    };
    subgraphStops.push(() => feedSubgraph.stop());
    peopleSubgraph = await startSubgraph(
      buildSubgraphSchema({
        typeDefs: parse(PEOPLE_SDL),
        resolvers: peopleResolvers as never,
      }),
      verify,
    );
    subgraphStops.push(() => peopleSubgraph.stop());

    // Routing URLs nobody listens on: the gateway must honour SUBGRAPH_<NAME>_URL for any name.
    const composed = composeServices([
      { name: 'feed', url: 'http://127.0.0.1:9/graphql', typeDefs: parse(FEED_SDL) },
      { name: 'people', url: 'http://127.0.0.1:9/graphql', typeDefs: parse(PEOPLE_SDL) },
    ]);
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'agentry-subscriptions-'));
    const supergraphPath = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, composed.supergraphSdl);

    gateway = await createGateway(
      loadGatewayEnv({
        NODE_ENV: 'test',
        SUPERGRAPH_PATH: supergraphPath,
        SESSION_TOKEN_SECRET: sessionSecret,
        GATEWAY_IDENTITY_PRIVATE_KEY: keys.privateKeyPem,
        SUBGRAPH_FEED_URL: feedSubgraph.url,
        SUBGRAPH_PEOPLE_URL: peopleSubgraph.url,
        // Small limits, so the tests of limits reach them (other tests stay below).
        MAX_SUBSCRIPTIONS_PER_SOCKET: '3',
        MAX_SUBSCRIPTIONS_PER_USER: '6',
        MAX_ALIASES: '5',
      }),
      // Small enough that a socket which stops reading is found out after a few large events.
      { maxBufferedBytes: 256 * 1024, slowCloseGraceMs: 10_000 },
    );
    const running = await gateway.listen(0, '127.0.0.1');
    stopGateway = running.stop;
    wsUrl = running.url.replace(/^http/, 'ws');
  });

  after(async () => {
    for (const stop of stops.splice(0)) await stop();
    await stopGateway();
    for (const stop of subgraphStops) await stop();
  });

  /** Resolves once the gateway's metrics satisfy `predicate` (re-checked every turn of the loop). */
  const metricsReach = (
    predicate: (m: ReturnType<typeof gateway.subscriptionMetrics>) => boolean,
    what: string,
  ) =>
    within(
      (async () => {
        while (!predicate(gateway.subscriptionMetrics())) await new Promise(setImmediate);
      })(),
      5000,
      what,
    );

  it('delivers events in order with the cross-subgraph field resolved per event, aliases kept', async () => {
    const client = await clientFor('alice');
    const sub = collect(
      client,
      `subscription Ticks($n: Int!) {
         t: ticks(n: $n) { id s: seq viewer user { who: name id } }
       }`,
      { n: 1 },
    );
    await feed.until(() => feed.count(1) === 1, 'upstream subscription');
    feed.publish(1, { id: 'a', seq: 1, userId: 'alice' });
    feed.publish(1, { id: 'b', seq: 2, userId: 'bob' });
    feed.publish(1, { id: 'c', seq: 3 });
    await sub.nth(2);
    assert.deepEqual(sub.events, [
      {
        data: {
          t: { id: 'a', s: 1, viewer: 'alice', user: { who: 'Alice Liddell', id: 'alice' } },
        },
      },
      { data: { t: { id: 'b', s: 2, viewer: 'alice', user: { who: 'Bob Dobbs', id: 'bob' } } } },
      { data: { t: { id: 'c', s: 3, viewer: 'alice', user: null } } },
    ]);
    // The subscription's identity reached the feed; `_entities` went to people as alice too.
    const channel = [...feed.channels].find((c) => c.n === 1)!;
    assert.equal(channel.identity.userId, 'alice');
    assert.equal(channel.identity.via, 'session');
    assert.ok(peopleSubgraph.httpIdentities.length >= 2);
    assert.ok(peopleSubgraph.httpIdentities.every((i) => i.userId === 'alice'));
    sub.dispose();
    await feed.until(() => feed.count(1) === 0, 'upstream closed');
  });

  it('refuses a bad credential in connection_init with 4403 and lets anonymous callers in', async () => {
    const bad = await rawSocket('Bearer not-a-valid-token');
    assert.equal((await within(bad.closed, 5000, 'close')).code, 4403);
    const malformed = await rawSocket('Basic dXNlcjpwYXNz');
    assert.equal((await within(malformed.closed, 5000, 'close')).code, 4403);
    const anonymous = await rawSocket();
    await anonymous.waitFor((m) => m.type === 'connection_ack', 'ack');
    anonymous.socket.close();
  });

  it('shares identical subscriptions of one user, not of different users; late joiners alone', async () => {
    const query = `subscription { ticks(n: 2) { seq user { name } } }`;
    await metricsReach((m) => m.clients === 0, 'a clean start');
    const a1 = collect(await clientFor('alice'), query);
    const a2 = collect(await clientFor('alice'), query);
    await metricsReach((m) => m.clients === 2, 'both client subscriptions');
    await feed.until(() => feed.count(2) === 1, 'one upstream');
    feed.publish(2, { id: 'x1', seq: 1, userId: 'bob' });
    await Promise.all([a1.nth(0), a2.nth(0)]);
    assert.deepEqual(a1.events, a2.events);
    assert.equal(feed.count(2), 1, 'identical subscriptions share one upstream');
    assert.equal(gateway.subscriptionMetrics().upstream.feed, 1);

    // Without a cursor, what a subscription gets depends on when it starts: one that comes
    // after the group's first event runs on its own upstream, so sharing changes nothing for it.
    const late = collect(await clientFor('alice'), query);
    const bob = collect(await clientFor('bob'), query);
    await metricsReach((m) => m.clients === 4, 'four client subscriptions');
    await feed.until(() => feed.count(2) === 3, 'an upstream for the late one and for bob');
    assert.deepEqual([...feed.channels].map((c) => c.identity.userId).sort(), [
      'alice',
      'alice',
      'bob',
    ]);
    feed.publish(2, { id: 'x2', seq: 2, userId: 'alice' });
    await Promise.all([a1.nth(1), a2.nth(1), late.nth(0), bob.nth(0)]);
    assert.deepEqual(late.events, [
      { data: { ticks: { seq: 2, user: { name: 'Alice Liddell' } } } },
    ]);
    assert.deepEqual(bob.events, late.events);

    // The shared upstream stays while one subscriber is left, and closes with the last one.
    a1.dispose();
    bob.dispose();
    await feed.until(() => feed.count(2) === 2, 'bob upstream closed, alice kept');
    a2.dispose();
    late.dispose();
    await feed.until(() => feed.count(2) === 0, 'last subscriber left');
  });

  it('gives a subscriber that joins a shared subscription from a cursor the replay it missed', async () => {
    const query = `subscription($after: String) { ticks(n: 9, after: $after) { seq cursor } }`;
    const first = collect(await clientFor('alice'), query, { after: 'c0' });
    await feed.until(() => feed.count(9) === 1, 'upstream open');
    assert.equal([...feed.channels].find((c) => c.n === 9)!.after, 'c0');
    feed.publish(9, { id: 'r1', seq: 1, cursor: 'c1' });
    feed.publish(9, { id: 'r2', seq: 2, cursor: 'c2' });
    await first.nth(1);
    const second = collect(await clientFor('alice'), query, { after: 'c0' });
    await metricsReach((m) => m.clients === 2, 'both subscribed');
    assert.equal(feed.count(9), 1, 'the second one shares the upstream');
    feed.publish(9, { id: 'r3', seq: 3, cursor: 'c3' });
    await Promise.all([first.nth(2), second.nth(2)]);
    const seqs = (c: Collected) => c.events.map((e) => (e.data as any).ticks.seq);
    assert.deepEqual(seqs(first), [1, 2, 3]);
    assert.deepEqual(seqs(second), [1, 2, 3], 'the late joiner gets the events after its cursor');
    assert.deepEqual(second.events, first.events, 'the gateway adds nothing to what is shown');
    first.dispose();
    second.dispose();
    await feed.until(() => feed.count(9) === 0, 'upstream closed');
  });

  it('resumes the upstream after the last cursor it received when the subgraph restarts', async () => {
    const query = `subscription($after: String) { ticks(n: 10, after: $after) { seq } }`;
    const sub = collect(await clientFor('alice'), query, { after: 'c0' });
    await feed.until(() => feed.count(10) === 1, 'upstream open');
    feed.publish(10, { id: 'u1', seq: 1, cursor: 'c1' });
    feed.publish(10, { id: 'u2', seq: 2, cursor: 'c2' });
    await sub.nth(1);
    const before = [...feed.channels].find((c) => c.n === 10);
    await restartFeed();
    // graphql-ws's client retries with a randomised backoff (about 1-4 s for the first retry).
    await feed.until(
      () => [...feed.channels].some((c) => c.n === 10 && c !== before),
      'the gateway re-subscribes',
      30_000,
    );
    const channels = [...feed.channels].filter((c) => c.n === 10);
    assert.equal(channels.length, 1);
    assert.equal(
      channels[0].after,
      'c2',
      'resumed after the last event, not from the client cursor',
    );
    feed.publish(10, { id: 'u3', seq: 3, cursor: 'c3' });
    await sub.nth(2);
    assert.deepEqual(
      sub.events.map((e) => (e.data as any).ticks.seq),
      [1, 2, 3],
    );
    sub.dispose();
    await feed.until(() => feed.count(10) === 0, 'upstream closed');
  });

  it('closes the upstream at once when the client socket goes away', async () => {
    const { socket, waitFor } = await rawSocket(`Bearer ${await tokenFor('alice')}`);
    await waitFor((m) => m.type === 'connection_ack', 'ack');
    socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription { ticks(n: 3) { seq } }' },
      }),
    );
    await feed.until(() => feed.count(3) === 1, 'upstream open');
    const started = Date.now();
    socket.terminate();
    await feed.until(() => feed.count(3) === 0, 'upstream closed after socket loss');
    assert.ok(Date.now() - started < 1000);
    await metricsReach((m) => m.clients === 0, 'no client subscriptions left');
    assert.equal(gateway.subscriptionMetrics().upstream.feed, 0);
  });

  it('passes upstream errors with their code, at subscribe time and mid-stream', async () => {
    const client = await clientFor('alice');
    const refused = collect(client, `subscription { ticks(n: -1) { seq } }`);
    const first = await refused.nth(0);
    assert.equal(first.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    assert.equal(first.errors?.[0].message, 'n must not be negative.');
    assert.deepEqual(await within(refused.ended, 5000, 'complete'), { complete: true });

    const sub = collect(client, `subscription { t: ticks(n: 4) { s: seq } }`);
    await feed.until(() => feed.count(4) === 1, 'upstream open');
    feed.publish(4, { id: 'e', seq: 1, fail: 'FORBIDDEN' });
    feed.publish(4, { id: 'f', seq: 2 });
    const failed = await sub.nth(0);
    assert.equal(failed.data, null);
    assert.deepEqual(failed.errors, [
      { message: 'Not yours.', path: ['t', 's'], extensions: { code: 'FORBIDDEN' } },
    ]);
    assert.deepEqual(await sub.nth(1), { data: { t: { s: 2 } } });
    sub.dispose();
  });

  it('gives a partial result with the _entities error at the client path', async () => {
    const sub = collect(
      await clientFor('alice'),
      `subscription { t: ticks(n: 5) { s: seq owner: user { id who: name } } }`,
    );
    await feed.until(() => feed.count(5) === 1, 'upstream open');
    feed.publish(5, { id: 'h', seq: 1, userId: 'hidden' });
    const event = await sub.nth(0);
    assert.deepEqual(event.data, { t: { s: 1, owner: { id: 'hidden', who: null } } });
    assert.deepEqual(event.errors, [
      { message: 'Hidden.', path: ['t', 'owner', 'who'], extensions: { code: 'FORBIDDEN' } },
    ]);
    sub.dispose();
  });

  it('reports an unreachable entity service at the client path without internals', async () => {
    const sub = collect(
      await clientFor('alice'),
      `subscription { ticks(n: 6) { seq user { name } } }`,
    );
    await feed.until(() => feed.count(6) === 1, 'upstream open');
    feed.publish(6, { id: 'k', seq: 1, userId: 'crash' });
    feed.publish(6, { id: 'l', seq: 2, userId: 'bob' });
    const failed = await sub.nth(0);
    assert.deepEqual(failed.data, { ticks: { seq: 1, user: { name: null } } });
    assert.deepEqual(failed.errors, [
      {
        message: 'Part of this event could not be fetched.',
        path: ['ticks', 'user'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    assert.deepEqual(await sub.nth(1), {
      data: { ticks: { seq: 2, user: { name: 'Bob Dobbs' } } },
    });
    sub.dispose();
  });

  it('refuses invalid operations and runs queries over the socket through the HTTP path', async () => {
    const client = await clientFor('alice');
    const invalid = collect(client, `subscription { ticks(n: 1) { nope } }`);
    const ended = await within(invalid.ended, 5000, 'error');
    assert.ok('error' in ended);
    const errors = ended.error as { extensions?: { code?: string } }[];
    assert.equal(errors[0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED');

    const query = collect(client, `query { __typename }`);
    assert.deepEqual(await query.nth(0), { data: { __typename: 'Query' } });
  });

  it('limits subscriptions per socket and per user with RATE_LIMITED', async () => {
    const query = `subscription { ticks(n: 11) { seq } }`;
    const dave = await clientFor('dave');
    const open = [collect(dave, query), collect(dave, query), collect(dave, query)];
    await metricsReach((m) => m.clients >= 3, 'three subscriptions');
    const fourth = collect(dave, query);
    const refused = await within(fourth.ended, 5000, 'refused');
    assert.ok('error' in refused);
    const [error] = refused.error as { message: string; extensions?: { code?: string } }[];
    assert.equal(error.extensions?.code, 'RATE_LIMITED');
    assert.match(error.message, /at most 3/);
    // A place given back is a place to take again.
    open[0].dispose();
    await metricsReach((m) => m.clients === 2, 'one completed');
    open.push(collect(dave, query));
    await metricsReach((m) => m.clients === 3, 'taken again');
    for (const sub of open) sub.dispose();
    await metricsReach((m) => m.clients === 0, 'all completed');

    // Per user, across sockets.
    const sockets = [await clientFor('erin'), await clientFor('erin'), await clientFor('erin')];
    const erin = sockets.flatMap((c) => [collect(c, query), collect(c, query)]);
    await metricsReach((m) => m.clients === 6, 'six for erin');
    const seventh = collect(await clientFor('erin'), query);
    const over = await within(seventh.ended, 5000, 'refused');
    assert.ok('error' in over);
    const [userError] = over.error as { message: string; extensions?: { code?: string } }[];
    assert.equal(userError.extensions?.code, 'RATE_LIMITED');
    assert.match(userError.message, /at most 6/);
    const frank = collect(await clientFor('frank'), query);
    await metricsReach((m) => m.clients === 7, 'another user is not limited by erin');
    for (const sub of [...erin, frank]) sub.dispose();
    await metricsReach((m) => m.clients === 0, 'all completed');
  });

  it('holds subscriptions to the static limits of HTTP (checkOperation)', async () => {
    const client = await clientFor('alice');
    const aliases = Array.from({ length: 6 }, (_, i) => `a${i}: seq`).join(' ');
    const refused = collect(client, `subscription { ticks(n: 12) { ${aliases} } }`);
    const ended = await within(refused.ended, 5000, 'refused');
    assert.ok('error' in ended);
    const [error] = ended.error as { extensions?: { code?: string } }[];
    assert.equal(error.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(feed.count(12), 0, 'nothing was subscribed upstream');
  });

  it('closes a socket with 4403 when its session token expires', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const { socket, closed, waitFor } = await rawSocket(
      `Bearer ${await tokenFor('gina', expiresAt)}`,
    );
    await waitFor((m) => m.type === 'connection_ack', 'ack');
    socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription { ticks(n: 13) { seq } }' },
      }),
    );
    await feed.until(() => feed.count(13) === 1, 'upstream open');
    const close = await within(closed, 10_000, 'closed at expiry');
    assert.equal(close.code, 4403);
    assert.match(close.reason, /expired/);
    await feed.until(() => feed.count(13) === 0, 'upstream closed with the socket');
  });

  it('does not let a consumer that stops reading delay the others', async () => {
    const query = `subscription { ticks(n: 7) { seq note } }`;
    const token = `Bearer ${await tokenFor('carol')}`;
    const fast = collect(await clientFor('carol'), query);
    const slow = await rawSocket(token);
    await slow.waitFor((m) => m.type === 'connection_ack', 'ack');
    slow.socket.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query } }));
    await feed.until(() => feed.count(7) === 1, 'upstream open');
    // Both are in the one shared group once both have seen a first event.
    feed.publish(7, { id: 'p0', seq: 0, note: 'small' });
    await Promise.all([fast.nth(0), slow.waitFor((m) => m.type === 'next', 'first event')]);
    assert.equal(feed.count(7), 1);

    slow.socket.pause(); // stops reading: the gateway's buffer for it grows
    const note = 'x'.repeat(128 * 1024);
    let seq = 0;
    let slowest = 0;
    while (gateway.subscriptionMetrics().slowConsumersClosed === 0 && seq < 600) {
      seq++;
      const sent = Date.now();
      feed.publish(7, { id: `p${seq}`, seq, note });
      await fast.nth(seq);
      slowest = Math.max(slowest, Date.now() - sent);
    }
    assert.equal(gateway.subscriptionMetrics().slowConsumersClosed, 1, 'the slow socket is closed');
    assert.ok(slowest < 2000, `the fast subscriber waited ${slowest} ms for an event`);
    // Events keep flowing to the fast one after the slow one is gone.
    feed.publish(7, { id: 'last', seq: seq + 1, note: 'after' });
    assert.deepEqual(await fast.nth(seq + 1), { data: { ticks: { seq: seq + 1, note: 'after' } } });
    assert.deepEqual(
      fast.events.map((e) => (e.data as { ticks: { seq: number } }).ticks.seq),
      Array.from({ length: seq + 2 }, (_, i) => i),
    );

    slow.socket.resume();
    const closed = await within(slow.closed, 15_000, 'slow socket closed');
    assert.equal(closed.code, 1013);
    assert.equal(feed.count(7), 1, 'the shared upstream stays for the fast subscriber');
    fast.dispose();
    await feed.until(() => feed.count(7) === 0, 'upstream closed');
  });
});
