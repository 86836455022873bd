/**
 * What an API key may be limited to. A signed-in session has every scope; an API key only those
 * it was created with. Subgraphs check the scope of each operation where the data lives.
 *
 * `admin` lets an admin's key act as an admin (grantCredits, changing others' agents, seeing
 * private listings); without it an admin's key is an ordinary user's. `profile:write` changes the
 * key owner's own profile (updateProfile).
 */
export const API_KEY_SCOPES = [
  'agents:read',
  'agents:write',
  'tasks:read',
  'tasks:write',
  'reviews:write',
  'billing:read',
  'tools:call',
  'profile:write',
  'admin',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const isApiKeyScope = (s: string): s is ApiKeyScope =>
  (API_KEY_SCOPES as readonly string[]).includes(s);

/**
 * What an operation or an owned field declares (`@Scope` of the subgraph kit): an API-key scope
 * the key must carry, `session` (never over an API key, e.g. managing API keys) or `none` (any
 * caller; the resolver still applies its own rules, e.g. `signIn`, `me`).
 */
export type DeclaredScope = ApiKeyScope | 'session' | 'none';
export const DECLARED_SCOPES: readonly DeclaredScope[] = [...API_KEY_SCOPES, 'session', 'none'];
