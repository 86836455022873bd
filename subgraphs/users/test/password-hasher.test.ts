import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIdentityVerifier, createIdentitySigner, generateIdentityKeys } from '@agentry/core';
import { createPasswordHasher } from '../src/auth/password-hasher';

describe('password hasher', { timeout: 300_000 }, () => {
  it('hashes with argon2id and verifies', async () => {
    const hasher = createPasswordHasher();
    const hash = await hasher.hash('a long passphrase');
    assert.match(hash, /^\$argon2id\$/);
    assert.equal(await hasher.verify(hash, 'a long passphrase'), true);
    assert.equal(await hasher.verify(hash, 'wrong'), false);
    assert.equal(await hasher.verify('not a hash', 'x'), false);
    assert.equal(await hasher.verifyUnknown('anything'), false);
  });

  it('leaves identity checks a thread while a flood of sign-ins for unknown e-mails is hashed', async () => {
    const keys = await generateIdentityKeys();
    const sign = await createIdentitySigner(keys.privateKeyPem);
    const verifyIdentity = await createIdentityVerifier(keys.publicKeyPem);
    const token = await sign({
      userId: '00000000-0000-4000-8000-000000000001',
      roles: ['USER'],
      via: 'apiKey',
      scopes: [],
      apiKeyId: '00000000-0000-4000-8000-000000000002',
    });
    const hasher = createPasswordHasher({ concurrency: 2, maxQueue: 500 });
    await hasher.verifyUnknown('warm up'); // the dummy hash exists before the flood
    // 40 at once is a flood for argon2 (64 MiB and ~0.5-1 s of CPU each on these machines);
    // without the bound they would all sit in the thread pool's queue ahead of the checks.
    const FLOOD = 40;
    let done = 0;
    const flood = Array.from({ length: FLOOD }, (_, i) =>
      hasher.verifyUnknown(`guess ${i}`).finally(() => done++),
    );
    // Identity checks (WebCrypto, on the same thread pool) while the flood is in hand: each
    // must finish long before the flood does, not queue behind it.
    const pendingWhenChecked: number[] = [];
    for (let i = 0; i < 12; i++) {
      const identity = await verifyIdentity(token);
      assert.equal(identity?.apiKeyId, '00000000-0000-4000-8000-000000000002');
      pendingWhenChecked.push(FLOOD - done);
    }
    await Promise.all(flood);
    assert.ok(
      pendingWhenChecked.every((p) => p > FLOOD - 10),
      `hashes still pending at each identity check: ${pendingWhenChecked.join(', ')}`,
    );
  });

  it('refuses work beyond its queue with SERVICE_UNAVAILABLE instead of piling it up', async () => {
    const hasher = createPasswordHasher({ concurrency: 1, maxQueue: 2 });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => hasher.hash(`password ${i}`)),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 3, '1 running + 2 queued');
    for (const r of results.filter((r) => r.status === 'rejected')) {
      const err = (r as PromiseRejectedResult).reason;
      assert.equal(err.extensions.code, 'SERVICE_UNAVAILABLE');
      assert.equal(err.extensions.retryAfter, 1);
    }
    assert.deepEqual(hasher.load(), { running: 0, waiting: 0 }, 'every slot is given back');
  });
});
