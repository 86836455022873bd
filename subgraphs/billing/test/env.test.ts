import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadBillingEnv } from '../src/env';

describe('billing settings', () => {
  it('grants no welcome credits in production unless the operator sets an amount', () => {
    assert.equal(loadBillingEnv({ NODE_ENV: 'production' }).WELCOME_GRANT_CREDITS, 0);
    assert.equal(loadBillingEnv({ NODE_ENV: 'development' }).WELCOME_GRANT_CREDITS, 1000);
    assert.equal(loadBillingEnv({}).WELCOME_GRANT_CREDITS, 1000, 'demos keep their grant');
    const set = loadBillingEnv({ NODE_ENV: 'production', WELCOME_GRANT_CREDITS: '50' });
    assert.equal(set.WELCOME_GRANT_CREDITS, 50);
  });
});
