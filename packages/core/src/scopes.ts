/**
 * What an API key may be limited to. A signed-in session has every scope; an API key only those
 * it was created with. Subgraphs check the scope of each operation where the data lives.
 */
export const API_KEY_SCOPES = [
  'agents:read',
  'agents:write',
  'tasks:read',
  'tasks:write',
  'reviews:write',
  'billing:read',
  'tools:call',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const isApiKeyScope = (s: string): s is ApiKeyScope =>
  (API_KEY_SCOPES as readonly string[]).includes(s);
