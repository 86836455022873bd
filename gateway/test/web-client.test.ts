import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, startService, type ServiceProcess } from '@agentry/devstack';
import { gql, testSecrets } from '@agentry/testing';

/** The gateway serving a built web client at `/` beside the API, with no subgraph running. */
describe('gateway serves the web client', { timeout: 120_000 }, () => {
  const started: ServiceProcess[] = [];
  let base: string;
  const INDEX = '<!doctype html><title>Agentry</title><div id="root"></div>';

  async function startGateway(webClientDir: string) {
    const secrets = await testSecrets();
    const gw = await startService({
      name: 'gateway',
      entry: 'gateway/src/index.ts',
      port: await freePort(),
      env: {
        ...process.env,
        NODE_ENV: 'test',
        SESSION_TOKEN_SECRET: secrets.sessionTokenSecret,
        GATEWAY_IDENTITY_PRIVATE_KEY: secrets.identity.privateKeyPem,
        WEB_CLIENT_DIR: webClientDir,
      },
      readyPath: '/ready',
    });
    started.push(gw);
    return gw.baseUrl;
  }

  before(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'agentry-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
    base = await startGateway(dir);
  });
  after(() => Promise.all(started.map((s) => s.stop())));

  it('answers / and every app route with index.html, never cached, under a strict CSP', async () => {
    for (const route of ['/', '/agents/research-scout', '/tasks/5b0c']) {
      const res = await fetch(base + route);
      assert.equal(res.status, 200, route);
      assert.equal(await res.text(), INDEX);
      assert.match(res.headers.get('content-type')!, /text\/html/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
    }
    const res = await fetch(base + '/');
    const csp = res.headers.get('content-security-policy')!;
    const host = new URL(base).host;
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, new RegExp(`connect-src 'self' ws://${host} wss://${host}(;|$)`));
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  });

  it('does not reflect a forged Host header into the CSP', async () => {
    const { request } = await import('node:http');
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const u = new URL(base);
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          path: '/',
          headers: { host: 'evil.example;script-src *' },
        },
        (res) => {
          res.resume();
          resolve(res.headers);
        },
      );
      req.on('error', reject);
      req.end();
    });
    const csp = String(headers['content-security-policy']);
    assert.ok(!csp.includes('evil'), csp);
    assert.match(csp, /connect-src 'self' 'self'(;|$)/);
  });

  it('caches hashed assets for a year and 404s a missing one', async () => {
    const res = await fetch(base + '/assets/index-AbC123.js');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'console.log(1)');
    assert.match(
      res.headers.get('cache-control')!,
      /max-age=31536000.*immutable|immutable.*max-age=31536000/,
    );
    const missing = await fetch(base + '/assets/index-gone.js');
    assert.equal(missing.status, 404);
    assert.notEqual(await missing.text(), INDEX);
  });

  it('never shadows the API and operations endpoints', async () => {
    assert.deepEqual(await (await fetch(base + '/health')).json(), {
      status: 'ok',
      service: 'gateway',
    });
    const r = await gql(`${base}/graphql`, '{ __typename }');
    assert.equal(r.data?.__typename, 'Query');
    for (const p of [
      '/debug/nothing',
      '/mcp/nothing',
      '/metrics',
      '/.well-known/x',
      '/a2a/agents/x',
    ]) {
      const res = await fetch(base + p);
      assert.ok(!(await res.text()).includes('<div id="root">'), `${p} is not the app`);
    }
  });

  it('says how to build the app when it is missing', async () => {
    const empty = await startGateway(mkdtempSync(path.join(os.tmpdir(), 'agentry-noweb-')));
    const res = await fetch(empty + '/');
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build:web/);
  });
});
