import {
  importPKCS8,
  importSPKI,
  jwtVerify,
  SignJWT,
  generateKeyPair,
  exportPKCS8,
  exportSPKI,
} from 'jose';

/** HTTP header carrying the identity token the gateway signs for each subgraph request. */
export const IDENTITY_HEADER = 'x-agentry-identity';
const ISSUER = 'agentry-gateway';
const AUDIENCE = 'agentry-subgraphs';
const ALG = 'EdDSA';

export type Role = 'USER' | 'PUBLISHER' | 'ADMIN';

/** Who is calling, as established by the gateway. */
export interface Identity {
  /** The user, or null for an anonymous caller. */
  userId: string | null;
  roles: Role[];
  /** How the caller authenticated. `service` is the gateway itself. */
  via: 'session' | 'apiKey' | 'anonymous' | 'service';
  /** API-key scopes; null means unrestricted (a signed-in session). */
  scopes: string[] | null;
  apiKeyId: string | null;
}

export const ANONYMOUS: Identity = {
  userId: null,
  roles: [],
  via: 'anonymous',
  scopes: null,
  apiKeyId: null,
};
export const GATEWAY_SERVICE: Identity = {
  userId: null,
  roles: [],
  via: 'service',
  scopes: null,
  apiKeyId: null,
};

export interface IdentityKeys {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A fresh Ed25519 key pair for the gateway's identity tokens (used by `npm start` and tests). */
export async function generateIdentityKeys(): Promise<IdentityKeys> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, {
    crv: 'Ed25519',
    extractable: true,
  });
  return {
    privateKeyPem: await exportPKCS8(privateKey),
    publicKeyPem: await exportSPKI(publicKey),
  };
}

/**
 * Signs identities on the gateway. Tokens live `ttlSeconds` (default 60): long enough for one
 * federated request, short enough that a leaked one is soon useless.
 */
export async function createIdentitySigner(privateKeyPem: string, ttlSeconds = 60) {
  const key = await importPKCS8(privateKeyPem, ALG);
  return (identity: Identity): Promise<string> => {
    const jwt = new SignJWT({
      roles: identity.roles,
      via: identity.via,
      scopes: identity.scopes,
      akid: identity.apiKeyId,
    })
      .setProtectedHeader({ alg: ALG })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`);
    if (identity.userId) jwt.setSubject(identity.userId);
    return jwt.sign(key);
  };
}

/** Verifies gateway identity tokens in a subgraph; returns null for a missing or bad token. */
export async function createIdentityVerifier(publicKeyPem: string) {
  const key = await importSPKI(publicKeyPem, ALG);
  return async (token: string | undefined): Promise<Identity | null> => {
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: [ALG],
      });
      const via = payload.via as Identity['via'];
      if (!['session', 'apiKey', 'anonymous', 'service'].includes(via)) return null;
      return {
        userId: typeof payload.sub === 'string' ? payload.sub : null,
        roles: Array.isArray(payload.roles) ? (payload.roles as Role[]) : [],
        via,
        scopes: Array.isArray(payload.scopes) ? (payload.scopes as string[]) : null,
        apiKeyId: typeof payload.akid === 'string' ? payload.akid : null,
      };
    } catch {
      return null;
    }
  };
}
