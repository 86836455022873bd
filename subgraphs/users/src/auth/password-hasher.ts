import argon2 from 'argon2';
import { serviceUnavailable } from '@agentry/core';

export interface PasswordHasherOptions {
  /**
   * Hashes and verifications running at once. argon2 runs on libuv's thread pool (4 threads
   * unless UV_THREADPOOL_SIZE says otherwise), where this process's identity checks (WebCrypto)
   * also run: staying below its size leaves them a free thread however many sign-ins arrive.
   * @default 2
   */
  concurrency?: number;
  /**
   * Calls waiting for a slot beyond the running ones. One more is refused at once with
   * SERVICE_UNAVAILABLE (`retryAfter` 1 s) rather than queued without bound.
   * @default 32
   */
  maxQueue?: number;
}

/** argon2id with the library's defaults (m=64 MiB, t=3, p=4). */
const ARGON2 = { type: argon2.argon2id } as const;

/**
 * The one way this subgraph hashes and checks passwords: argon2id through a bounded queue, so a
 * burst of sign-ins (or of sign-ins for unknown e-mails, which cost a verification too) waits
 * its turn or is refused, and never takes the thread pool from identity checks.
 */
export function createPasswordHasher(options: PasswordHasherOptions = {}) {
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const maxQueue = Math.max(0, options.maxQueue ?? 32);
  let running = 0;
  const waiting: (() => void)[] = [];
  let dummyHash: Promise<string> | undefined;

  async function slot<T>(work: () => Promise<T>): Promise<T> {
    if (running >= concurrency) {
      if (waiting.length >= maxQueue) throw serviceUnavailable('Signing in', 1);
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else running++;
    try {
      return await work();
    } finally {
      // Hand the slot to the next caller directly, so `running` never dips while some wait.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }

  return {
    /** An argon2id hash of `password`, for storing. */
    hash: (password: string) => slot(() => argon2.hash(password, ARGON2)),
    /** Whether `password` matches `hash` (false for a malformed hash). */
    verify: (hash: string, password: string) =>
      slot(() => argon2.verify(hash, password).catch(() => false)),
    /**
     * Costs what `verify` costs and is always false: for an unknown e-mail, so that a wrong
     * e-mail and a wrong password take the same time.
     */
    async verifyUnknown(password: string): Promise<false> {
      dummyHash ??= slot(() => argon2.hash('not-a-real-password', ARGON2)).catch((err) => {
        dummyHash = undefined; // refused while busy: the next call makes it
        throw err;
      });
      const hash = await dummyHash;
      await slot(() => argon2.verify(hash, password).catch(() => false));
      return false;
    },
    /** Work in hand: running and waiting calls. */
    load: () => ({ running, waiting: waiting.length }),
  };
}
export type PasswordHasher = ReturnType<typeof createPasswordHasher>;
