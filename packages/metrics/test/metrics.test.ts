import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import express from 'express';
import { createServiceMetrics, MAX_OPERATION_NAMES, metricsRoute } from '../src';

describe('service metrics', () => {
  it('bounds operation-name labels in shape and number, so clients cannot grow series', async () => {
    const m = createServiceMetrics('test');
    const record = (name: string) =>
      m.recordOperation({ name, type: 'query', outcome: 'ok', seconds: 0.01, errorCodes: [] });
    for (let i = 0; i < MAX_OPERATION_NAMES + 50; i++) record(`Op${i}`);
    record('not a name"} 1\nevil');
    const text = await m.registry.metrics();
    const names = new Set(
      [
        ...text.matchAll(
          /agentry_graphql_operation_duration_seconds_count\{[^}]*operation="([^"]*)"/g,
        ),
      ].map((x) => x[1]),
    );
    assert.equal(names.size, MAX_OPERATION_NAMES + 1, 'the first names, then "other"');
    assert.ok(names.has('other'));
    assert.ok(!text.includes('evil'));
  });

  it('counts errors by code, anything unrecognisable as INTERNAL_SERVER_ERROR', async () => {
    const m = createServiceMetrics('test');
    m.recordOperation({
      name: 'Q',
      type: 'query',
      outcome: 'partial',
      seconds: 0.1,
      errorCodes: ['NOT_FOUND', 'NOT_FOUND', undefined, 'bad code'],
    });
    const text = await m.registry.metrics();
    assert.match(
      text,
      /agentry_graphql_errors_total\{code="NOT_FOUND",operation="Q",service="test"\} 2/,
    );
    assert.match(
      text,
      /agentry_graphql_errors_total\{code="INTERNAL_SERVER_ERROR",operation="Q",service="test"\} 2/,
    );
  });

  it('serves /metrics only with the bearer token when one is set', async () => {
    const m = createServiceMetrics('test');
    const app = express();
    app.get('/metrics', metricsRoute(m, { token: 'a-token-of-16-chars+' }));
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      assert.equal((await fetch(url)).status, 401);
      assert.equal((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status, 401);
      const ok = await fetch(url, { headers: { authorization: 'Bearer a-token-of-16-chars+' } });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /agentry_process_cpu_seconds_total/);
    } finally {
      server.close();
    }
  });
});

describe('the Grafana dashboard (deploy/grafana/agentry-dashboard.json)', () => {
  it('queries only series that some service exports', () => {
    const root = path.join(__dirname, '..', '..', '..');
    const dashboard = JSON.parse(
      readFileSync(path.join(root, 'deploy', 'grafana', 'agentry-dashboard.json'), 'utf8'),
    ) as { panels: { title: string; targets: { expr: string }[] }[] };
    // Every series name declared in the services' code (prom-client `name:` options), plus the
    // process defaults prom-client adds under our prefix.
    const declared = new Set(['agentry_process_resident_memory_bytes']);
    for (const file of [
      'packages/metrics/src/service-metrics.ts',
      'packages/metrics/src/database.ts',
      'gateway/src/gateway-metrics.ts',
      'subgraphs/tasks/src/runner/runner.metrics.ts',
    ])
      for (const m of readFileSync(path.join(root, file), 'utf8').matchAll(
        /name: '(agentry_[a-z_]+)'/g,
      ))
        declared.add(m[1]);
    const used = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) =>
        [...t.expr.matchAll(/\bagentry_[a-z_]+/g)].map((m) =>
          m[0].replace(/_(bucket|count|sum)$/, ''),
        ),
      ),
    );
    assert.ok(used.length >= 12);
    for (const name of used) assert.ok(declared.has(name), `${name} is exported by a service`);
  });
});
