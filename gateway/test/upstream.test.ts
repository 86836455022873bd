import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { freePort, startService, type ServiceProcess } from '@agentry/devstack';
import { testDatabase, testSecrets } from '@agentry/testing';
import { createLogger } from '@agentry/core';
import { createUpstreamFetcher, DEFAULT_UPSTREAM_OPTIONS, safeToRetry } from '../src/upstream';
import { postQuery, startGateway } from './helpers';

/** What the test proxy does to the next request it forwards. */
type Fault = 'pass' | 'reset-before-read' | 'close-after-running';

/**
 * A TCP proxy in front of a subgraph that can break one request the way networks and dying
 * processes do: reset the connection as the request arrives (the subgraph never sees it), or
 * forward it, let the subgraph run it, and close without answering. With `idleResetMs` it acts
 * as a server with that keep-alive timeout whose timer fires just as a request comes in on an
 * idle connection: the request is reset, unread — the keep-alive race, made deterministic.
 * (Requests are told apart by turns: one starts with the first bytes after the last answer.)
 */
async function faultyProxy(target: number, options: { idleResetMs?: number } = {}) {
  const faults: Fault[] = [];
  let requests = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    let fault: Fault | null = null;
    let lastActive = Date.now();
    client.on('data', (chunk) => {
      if (fault === null) {
        requests++;
        fault = faults.shift() ?? 'pass';
        // A server whose idle timer fired as this request arrived closes with it unread (RST).
        const idle = Date.now() - lastActive;
        if (options.idleResetMs !== undefined && idle > options.idleResetMs)
          fault = 'reset-before-read';
        if (fault === 'reset-before-read') return client.resetAndDestroy();
      }
      lastActive = Date.now();
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      lastActive = Date.now();
      if (fault === 'close-after-running') {
        client.end(); // the answer is lost: EOF, no response
        return upstream.destroy();
      }
      client.write(chunk);
      fault = null;
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`,
    breakNext: (...next: Fault[]) => faults.push(...next),
    requests: () => requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('gateway -> subgraph connections', { timeout: 180_000 }, () => {
  let users: ServiceProcess;
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let proxy: Awaited<ReturnType<typeof faultyProxy>>;
  let viaProxy: Awaited<ReturnType<typeof startGateway>>;
  let racy: Awaited<ReturnType<typeof faultyProxy>>;
  let viaRacy: Awaited<ReturnType<typeof startGateway>>;
  /** The racy server's keep-alive timeout: below the gateway pool's 4 s idle timeout. */
  const KEEP_ALIVE_MS = 3_000;

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
        DATABASE_URL: await testDatabase('gw_upstream'),
        GATEWAY_IDENTITY_PUBLIC_KEY: secrets.identity.publicKeyPem,
        SESSION_TOKEN_SECRET: secrets.sessionTokenSecret,
      },
      readyPath: '/ready',
    });
    gw = await startGateway({ SUBGRAPH_USERS_URL: `${users.baseUrl}/graphql` });
    proxy = await faultyProxy(users.port);
    viaProxy = await startGateway({ SUBGRAPH_USERS_URL: proxy.url });
    racy = await faultyProxy(users.port, { idleResetMs: KEEP_ALIVE_MS });
    viaRacy = await startGateway({ SUBGRAPH_USERS_URL: racy.url });
  });
  after(async () => {
    await gw?.stop();
    await viaProxy?.stop();
    await viaRacy?.stop();
    await proxy?.close();
    await racy?.close();
    await users?.stop();
  });

  const USER = '{ user(id: "00000000-0000-4000-8000-000000000000") { id name } }';
  const burst = async (url: string, n: number) => {
    const answers = await Promise.all(Array.from({ length: n }, () => postQuery(url, USER)));
    return answers.filter((a) => a.status !== 200 || a.json?.errors?.length);
  };

  it('survives the keep-alive race: bursts after idling just under and just over the timeout', async () => {
    const failed = [...(await burst(viaRacy.url, 100))];
    // The idle gaps ARE the scenario (pooled sockets reaching the server's keep-alive timeout),
    // not a wait for something to happen. Just over it, every reused socket is reset.
    for (const idle of [KEEP_ALIVE_MS - 100, KEEP_ALIVE_MS + 100, KEEP_ALIVE_MS + 300]) {
      await sleep(idle);
      failed.push(...(await burst(viaRacy.url, 100)));
    }
    assert.deepEqual(
      failed.map((f) => f.json?.errors?.[0]?.message ?? f.status),
      [],
      'no request failed',
    );
    // Against the subgraph itself (keep-alive 65 s, the gateway closes idle sockets at 4 s).
    await sleep(4_000);
    assert.deepEqual(await burst(gw.url, 100), []);
  });

  it('sends a mutation again only when the subgraph provably never read it', async () => {
    const signUp = (email: string) =>
      postQuery(
        viaProxy.url,
        'mutation($i: SignUpInput!) { signUp(input: $i) { user { email } } }',
        { i: { email, password: 'long enough!', name: 'R' } },
        { 'x-forwarded-for': email },
      );
    // Reset as the request arrives: retried once on a new connection, and it runs once.
    proxy.breakNext('reset-before-read');
    const reset = await signUp('reset@example.com');
    assert.equal(reset.json.data?.signUp.user.email, 'reset@example.com', reset.text);

    // The subgraph ran it but the answer was lost: NOT retried (a retry would answer CONFLICT,
    // "already exists"); the client is told to retry later, and the account exists once.
    proxy.breakNext('close-after-running');
    const before = proxy.requests();
    const lost = await signUp('lost@example.com');
    assert.equal(lost.json.errors?.[0]?.extensions?.code, 'SERVICE_UNAVAILABLE', lost.text);
    assert.equal(proxy.requests(), before + 1, 'sent once: no second attempt');
    const again = await signUp('lost@example.com');
    assert.equal(again.json.errors?.[0]?.extensions?.code, 'CONFLICT', 'it ran exactly once');
  });

  it('sends a query again after a lost connection (queries change nothing)', async () => {
    proxy.breakNext('close-after-running');
    const res = await postQuery(viaProxy.url, USER);
    assert.deepEqual(res.json, { data: { user: null } });
  });

  it('answers an API key it cannot check (users down) with 503 SERVICE_UNAVAILABLE, not 401', async () => {
    const down = await startGateway(); // every subgraph unreachable
    try {
      const res = await postQuery(
        down.url,
        '{ __typename }',
        {},
        { authorization: 'Bearer agy_x' },
      );
      assert.equal(res.status, 503);
      assert.deepEqual(res.json.errors[0].extensions, {
        code: 'SERVICE_UNAVAILABLE',
        retryAfter: 2,
      });
      assert.equal(res.headers.get('retry-after'), '2');
    } finally {
      await down.stop();
    }
  });

  it("turns @apollo/gateway's telemetry off (it would probe cloud metadata addresses)", () => {
    assert.equal(process.env.APOLLO_TELEMETRY_DISABLED, 'true');
  });

  it('decides retries from the error code and the kind of operation', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    for (const code of ['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNRESET', 'EPIPE']) {
      assert.equal(safeToRetry(err(code), true), true, `mutation after ${code}`);
      assert.equal(safeToRetry(err(code), false), true, `query after ${code}`);
    }
    assert.equal(safeToRetry(err('UND_ERR_SOCKET'), true), false, 'a mutation after EOF: no');
    assert.equal(safeToRetry(err('UND_ERR_SOCKET'), false), true);
    for (const code of ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED'])
      assert.equal(safeToRetry(err(code), false), false, `never after ${code}`);
    const wrapped = Object.assign(new TypeError('fetch failed'), { cause: err('ECONNRESET') });
    assert.equal(safeToRetry(wrapped, true), true, 'the code is read from the cause too');
  });

  it('answers SERVICE_UNAVAILABLE with retryAfter for the fields of a subgraph that is down', async () => {
    // The agents subgraph is not running (startGateway points it at a closed port).
    const res = await postQuery(gw.url, '{ me { id } agent(slug: "nope") { id } }');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.data, { me: null, agent: null }, 'users still answers');
    assert.equal(res.json.errors.length, 1);
    assert.deepEqual(res.json.errors[0].extensions, { code: 'SERVICE_UNAVAILABLE', retryAfter: 2 });
    assert.doesNotMatch(res.text, /ECONNREFUSED|127\.0\.0\.1|INTERNAL/);
  });
});

describe('the circuit breaker of the upstream fetcher', () => {
  /** A server that takes connections and answers only when told to (a hung subgraph). */
  async function hungServer() {
    let requests = 0;
    let answer = false;
    const server = net.createServer((socket) => {
      socket.on('data', () => {
        requests++;
        if (answer)
          socket.end(
            'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"data":{}}',
          );
      });
      socket.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`,
      requests: () => requests,
      recover: () => (answer = true),
      close: () => new Promise<void>((r) => server.close(() => r())),
    };
  }
  const post = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query":"{ __typename }"}',
  };

  it('opens after consecutive failures: fields fail at once, nothing more reaches the subgraph, then one probe closes it', async () => {
    const hung = await hungServer();
    const upstream = createUpstreamFetcher(
      { ...DEFAULT_UPSTREAM_OPTIONS, timeoutMs: 200, breakerFailures: 3, breakerOpenMs: 1_000 },
      createLogger('test'),
      async () => 'unused',
    );
    try {
      for (let i = 0; i < 3; i++)
        await assert.rejects(
          upstream.fetcher(hung.url, post),
          (err: { extensions: Record<string, unknown> }) =>
            err.extensions.code === 'SERVICE_UNAVAILABLE',
        );
      const reached = hung.requests();
      assert.equal(
        reached,
        3,
        'each of the first three reached the hung subgraph (timeouts are not retried)',
      );
      // Open: refused without touching the subgraph, however many ask.
      const refused = await Promise.allSettled(
        Array.from({ length: 20 }, () => upstream.fetcher(hung.url, post)),
      );
      assert.ok(refused.every((r) => r.status === 'rejected'));
      assert.ok(
        refused.every((r) => (r as PromiseRejectedResult).reason.extensions.retryAfter >= 1),
        'with a retry hint',
      );
      assert.equal(hung.requests(), reached, 'nothing reached the subgraph while open');
      // After the open period one request probes; the subgraph has recovered, so it closes.
      hung.recover();
      await sleep(1_100);
      const res = await upstream.fetcher(hung.url, post);
      assert.equal(res.status, 200);
      assert.equal((await upstream.fetcher(hung.url, post)).status, 200, 'closed again');
    } finally {
      await upstream.close();
      await hung.close();
    }
  });
});
