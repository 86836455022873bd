import { IDENTITY_HEADER, createIdentitySigner, type Identity, type Role } from '@agentry/core';
import { generateSecrets, type PlatformSecrets } from '@agentry/devstack';

let secrets: Promise<PlatformSecrets> | undefined;
/** Keys for this test process (generated once). */
export const testSecrets = () => (secrets ??= generateSecrets());

let signer: Promise<(identity: Identity) => Promise<string>> | undefined;

/** Headers a subgraph accepts: the identity signed as the gateway would sign it. */
export async function identityHeaders(identity: Partial<Identity> & { userId: string | null }) {
  signer ??= testSecrets().then((s) => createIdentitySigner(s.identity.privateKeyPem));
  const full: Identity = {
    roles: identity.userId ? ['USER'] : [],
    via: identity.userId ? 'session' : 'anonymous',
    scopes: null,
    apiKeyId: null,
    ...identity,
  };
  return { [IDENTITY_HEADER]: await (await signer)(full) };
}

export const asUser = (userId: string, roles: Role[] = ['USER'], extra: Partial<Identity> = {}) =>
  identityHeaders({ userId, roles, ...extra });
export const asAnonymous = () => identityHeaders({ userId: null });
