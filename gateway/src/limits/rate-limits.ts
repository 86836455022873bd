import { HeaderMap } from '@apollo/server';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimited, type Identity } from '@agentry/core';

/**
 * Per-identity budgets, counted in this gateway process (per replica: N replicas allow N times
 * as much; see docs/OPERATIONS.md). Identity = API key, else user, else client address.
 */
export interface RateLimitOptions {
  /** Window of the operation and cost budgets, in seconds. @default 60 */
  windowSeconds: number;
  /** Operations one identity may run per window. @default 3000 */
  operations: number;
  /** Total estimated cost one identity may spend per window. @default 1000000 */
  cost: number;
  /** `signIn` attempts per account (e-mail) per `signInWindowSeconds`. @default 10 */
  signInPerAccount: number;
  /** `signIn` attempts per client address per `signInWindowSeconds`. @default 30 */
  signInPerAddress: number;
  /** @default 900 */
  signInWindowSeconds: number;
  /** `signUp` calls per client address per `signUpWindowSeconds`. @default 20 */
  signUpPerAddress: number;
  /** @default 3600 */
  signUpWindowSeconds: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  windowSeconds: 60,
  operations: 3000,
  cost: 1_000_000,
  signInPerAccount: 10,
  signInPerAddress: 30,
  signInWindowSeconds: 900,
  signUpPerAddress: 20,
  signUpWindowSeconds: 3600,
};

/** Who is charged: the API key, else the user, else the client's address. */
export function rateLimitKey(identity: Identity | undefined, clientAddress: string | undefined) {
  if (identity?.apiKeyId) return `key:${identity.apiKeyId}`;
  if (identity?.userId) return `user:${identity.userId}`;
  return `addr:${clientAddress ?? 'unknown'}`;
}

export type RateLimits = ReturnType<typeof createRateLimits>;

export function createRateLimits(options: RateLimitOptions) {
  const limiter = (points: number, duration: number) =>
    new RateLimiterMemory({ points: Math.max(1, points), duration });
  const operations = limiter(options.operations, options.windowSeconds);
  const cost = limiter(options.cost, options.windowSeconds);
  const signInAccount = limiter(options.signInPerAccount, options.signInWindowSeconds);
  const signInAddress = limiter(options.signInPerAddress, options.signInWindowSeconds);
  const signUpAddress = limiter(options.signUpPerAddress, options.signUpWindowSeconds);

  /** Takes `points` from `key`'s budget, or throws RATE_LIMITED (429, Retry-After). */
  async function take(l: RateLimiterMemory, key: string, points: number, message: string) {
    if (points <= 0) return;
    try {
      await l.consume(key, points);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw tooMany(`${message} Try again in ${seconds} s.`, seconds);
    }
  }

  return {
    /** One operation of `estimatedCost` by `key` (see `rateLimitKey`). */
    async operation(key: string, estimatedCost: number) {
      await take(operations, key, 1, 'Too many operations.');
      await take(cost, key, estimatedCost, 'Too much query cost spent in a short time.');
    },
    /** One sign-in attempt for `email` from `address`. */
    async signIn(email: string, address: string) {
      await take(signInAddress, address, 1, 'Too many sign-in attempts from this address.');
      await take(
        signInAccount,
        email.trim().toLowerCase(),
        1,
        'Too many sign-in attempts for this account.',
      );
    },
    /** One sign-up from `address`. */
    async signUp(address: string) {
      await take(signUpAddress, address, 1, 'Too many accounts created from this address.');
    },
  };
}

/** RATE_LIMITED with `extensions.retryAfter`, answered over HTTP as 429 with `Retry-After`. */
function tooMany(message: string, seconds: number) {
  const error = rateLimited(message, seconds);
  Object.assign(error.extensions, {
    http: { status: 429, headers: new HeaderMap([['retry-after', String(seconds)]]) },
  });
  return error;
}
