import assert from 'node:assert/strict';
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
});
