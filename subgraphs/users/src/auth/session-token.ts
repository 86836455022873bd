import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';

/** Session tokens are verified by the gateway (gateway/src/authenticate.ts) with the same secret. */
export const SESSION_ISSUER = 'agentry-users';
export const SESSION_AUDIENCE = 'agentry';

export async function signSessionToken(
  secret: string,
  ttl: string,
  userId: string,
  roles: string[],
) {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer(SESSION_ISSUER)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(secret));
}

/** API keys look like `agy_<8 lowercase chars>_<43 chars>`; the first part is the display prefix. */
export const API_KEY_PATTERN = /^agy_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/;

export function newApiKeySecret() {
  const prefix = `agy_${randomBytes(6).toString('hex').slice(0, 8)}`;
  const secret = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { prefix, secret, secretHash: hashApiKey(secret) };
}

export const hashApiKey = (secret: string) => createHash('sha256').update(secret).digest('hex');
