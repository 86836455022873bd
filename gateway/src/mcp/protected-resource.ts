import type { Request } from 'express';
import { API_KEY_SCOPES } from '@agentry/core';

/*
 * How /mcp tells a client what credential it wants (the MCP authorization spec, 2025-06-18 and
 * later): RFC 9728 protected-resource metadata at the gateway's origin, and a `WWW-Authenticate`
 * challenge on every 401 that points at it. Agentry runs no OAuth authorization server yet, so
 * the metadata lists none and says that an API key (or a session token from signIn) goes in as
 * a bearer token: clients then show the server's reason instead of starting an OAuth login.
 */

/** Where the metadata is served: the RFC 9728 path, and its form suffixed with the resource's path. */
export const PROTECTED_RESOURCE_PATHS = [
  '/.well-known/oauth-protected-resource',
  '/.well-known/oauth-protected-resource/mcp',
] as const;

/** The gateway's origin as the client reached it (behind a trusted proxy: as the proxy says). */
export const originOf = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

/** The URL a challenge names in `resource_metadata`. */
export const resourceMetadataUrl = (req: Request) =>
  `${originOf(req)}${PROTECTED_RESOURCE_PATHS[1]}`;

/** The RFC 9728 document for `/mcp` on this origin. */
export function protectedResourceMetadata(req: Request) {
  const origin = originOf(req);
  return {
    resource: `${origin}/mcp`,
    resource_name: 'Agentry marketplace (MCP)',
    // No OAuth authorization server yet: credentials are API keys and session tokens.
    authorization_servers: [],
    bearer_methods_supported: ['header'],
    scopes_supported: [...API_KEY_SCOPES],
    // Not an RFC 9728 field (extensions are allowed): how to get a credential without OAuth.
    agentry_bearer_tokens: {
      api_keys_accepted: true,
      api_key_prefix: 'agy_',
      session_tokens_accepted: true,
      how_to_get:
        'Create an API key with the createApiKey mutation on /graphql (or in the web client), or sign in with signIn; send it as "Authorization: Bearer <key>".',
    },
  };
}

/** RFC 6750 quoted-string values may not hold quotes, backslashes or control characters. */
const quoted = (text: string) =>
  `"${text
    .replace(/["\\]/g, "'")
    .replace(/[^\x20-\x7e]/g, ' ')
    .slice(0, 300)}"`;

/**
 * The `WWW-Authenticate` value of a 401 from /mcp. `error` is left out when no credential was
 * sent at all (RFC 6750 §3.1: the client just has to authenticate); `invalid_token` for a bearer
 * credential that was refused, `invalid_request` for another scheme.
 */
export function bearerChallenge(
  req: Request,
  error?: { code: 'invalid_token' | 'invalid_request'; description: string },
): string {
  const params = [
    ...(error
      ? [`error=${quoted(error.code)}`, `error_description=${quoted(error.description)}`]
      : []),
    `resource_metadata=${quoted(resourceMetadataUrl(req))}`,
  ];
  return `Bearer ${params.join(', ')}`;
}
