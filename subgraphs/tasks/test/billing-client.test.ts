import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createLogger } from '@agentry/core';
import { freePort } from '@agentry/devstack';
import { createBillingClient } from '../src/billing/billing.client';

describe('billing client', () => {
  it('reports billing that cannot be reached as SERVICE_UNAVAILABLE, not as a bug', async () => {
    const billing = createBillingClient(`http://127.0.0.1:${await freePort()}`, createLogger('t'));
    await assert.rejects(billing.hold('token', '00000000-0000-4000-8000-000000000001', 5), {
      message: 'Billing is unavailable; try again shortly.',
      extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: 5 },
    });
  });

  it('reports billing that answers 5xx (its database is down) as SERVICE_UNAVAILABLE', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'Internal server error.' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const billing = createBillingClient(`http://127.0.0.1:${port}`, createLogger('t'));
      await assert.rejects(billing.hold('token', '00000000-0000-4000-8000-000000000002', 5), {
        extensions: { code: 'SERVICE_UNAVAILABLE', retryAfter: 5 },
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
