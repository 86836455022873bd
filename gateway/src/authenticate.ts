import { decodeJwt, jwtVerify } from 'jose';
import {
  ANONYMOUS,
  GATEWAY_SERVICE,
  IDENTITY_HEADER,
  serviceUnavailable,
  unauthenticated,
  type Identity,
  type Role,
} from '@agentry/core';

export interface Authenticator {
  /**
   * Turns an `Authorization` header value into an identity; throws UNAUTHENTICATED for a bad
   * one, SERVICE_UNAVAILABLE when API keys cannot be checked (the users subgraph is down).
   */
  (authorization: string | undefined): Promise<Identity>;
}

const API_KEY_PREFIX = 'agy_';

/**
 * Session JWTs are checked here with the secret shared with the users subgraph; API keys are
 * looked up in the users subgraph (which owns them) on every request, so a revoked key stops
 * working at once.
 */
export function createAuthenticator(options: {
  sessionSecret: string;
  usersUrl: () => string;
  signIdentity: (identity: Identity) => Promise<string>;
}): Authenticator {
  const secret = new TextEncoder().encode(options.sessionSecret);
  return async (authorization) => {
    if (!authorization) return ANONYMOUS;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match)
      throw unauthenticated('The Authorization header must be "Bearer <token or API key>".');
    const credential = match[1];
    if (credential.startsWith(API_KEY_PREFIX)) return authenticateApiKey(credential);
    try {
      const { payload } = await jwtVerify(credential, secret, {
        issuer: 'agentry-users',
        audience: 'agentry',
        algorithms: ['HS256'],
      });
      if (typeof payload.sub !== 'string') throw new Error('no subject');
      return {
        userId: payload.sub,
        roles: (payload.roles as Role[]) ?? [],
        via: 'session',
        scopes: null,
        apiKeyId: null,
      };
    } catch {
      throw unauthenticated('The session token is invalid or expired; sign in again.');
    }
  };

  async function authenticateApiKey(apiKey: string): Promise<Identity> {
    const base = options.usersUrl().replace(/\/graphql\/?$/, '');
    let res: Response;
    try {
      res = await fetch(`${base}/internal/authenticate`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDENTITY_HEADER]: await options.signIdentity(GATEWAY_SERVICE),
        },
        body: JSON.stringify({ apiKey }),
        signal: AbortSignal.timeout(5000),
      });
    } catch {
      // An outage, not a bad key: the caller may retry the same key (503, SERVICE_UNAVAILABLE).
      throw serviceUnavailable('Checking API keys', 2);
    }
    if (res.status === 404) throw unauthenticated('The API key is invalid or revoked.');
    if (!res.ok) throw serviceUnavailable('Checking API keys', 2);
    const body = (await res.json()) as {
      userId: string;
      roles: Role[];
      scopes: string[];
      apiKeyId: string;
    };
    return {
      userId: body.userId,
      roles: body.roles,
      via: 'apiKey',
      scopes: body.scopes,
      apiKeyId: body.apiKeyId,
    };
  }
}

/** When a session token stops being valid (ms since the epoch); null for API keys and anonymous. */
export function sessionExpiry(authorization: string | undefined): number | null {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '');
  if (!match || match[1].startsWith(API_KEY_PREFIX)) return null;
  try {
    const { exp } = decodeJwt(match[1]);
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** What the users subgraph says now about credentials the gateway holds open. */
export interface CredentialStatus {
  /** Live keys by id, with their owner's current roles (a missing id: revoked). */
  apiKeys: Record<string, { userId: string; roles: Role[]; scopes: string[] }>;
  /** Current roles of users by id (a missing id: no such user any more). */
  users: Record<string, { roles: Role[] }>;
}

export type CredentialChecker = (ids: {
  apiKeyIds: string[];
  userIds: string[];
}) => Promise<CredentialStatus>;

/**
 * Asks the users subgraph (`POST /internal/credentials`) which API keys are still live and what
 * roles users hold now: the WebSocket server re-checks open sockets with it, so a revocation or
 * a removed role reaches sockets opened on any gateway replica. Throws when it cannot tell.
 */
export function createCredentialChecker(options: {
  usersUrl: () => string;
  signIdentity: (identity: Identity) => Promise<string>;
}): CredentialChecker {
  return async (ids) => {
    const base = options.usersUrl().replace(/\/graphql\/?$/, '');
    const res = await fetch(`${base}/internal/credentials`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: await options.signIdentity(GATEWAY_SERVICE),
      },
      body: JSON.stringify(ids),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`credential check answered ${res.status}`);
    return (await res.json()) as CredentialStatus;
  };
}
