import { SignJWT } from 'jose';

/** Session tokens are verified by the gateway (gateway/src/authenticate.ts) with the same secret. */
const SESSION_ISSUER = 'agentry-users';
const SESSION_AUDIENCE = 'agentry';

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
