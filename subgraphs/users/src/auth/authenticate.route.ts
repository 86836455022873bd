import express from 'express';
import { IDENTITY_HEADER } from '@agentry/core';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import { API_KEY_PATTERN, hashApiKey } from './session';

/**
 * `POST /internal/authenticate {apiKey}` — the gateway turns an API key into an identity here,
 * where the keys live. Only the gateway's signed service identity may call it.
 */
export function authenticateRoute(app: express.Express, deps: SubgraphDeps) {
  app.post('/internal/authenticate', express.json({ limit: '4kb' }), async (req, res) => {
    const header = req.headers[IDENTITY_HEADER];
    const caller = await deps.verifyIdentity(Array.isArray(header) ? header[0] : header);
    if (caller?.via !== 'service') {
      res.status(401).json({ error: 'gateway identity required' });
      return;
    }
    const apiKey = typeof req.body?.apiKey === 'string' ? req.body.apiKey : '';
    if (!API_KEY_PATTERN.test(apiKey)) {
      res.status(404).json({ error: 'unknown key' });
      return;
    }
    try {
      // Marks use at most every 30 s per key, so a busy key does not write on every request.
      const rows = await deps.dataSource.query(
        `WITH k AS (
           SELECT k.id, k.user_id, k.scopes, u.roles, k.last_used_at
             FROM users.api_keys k JOIN users.users u ON u.id = k.user_id
            WHERE k.secret_hash = $1 AND k.revoked_at IS NULL
         ), touched AS (
           UPDATE users.api_keys SET last_used_at = now()
            WHERE id IN (SELECT id FROM k WHERE last_used_at IS NULL OR last_used_at < now() - interval '30 seconds')
         )
         SELECT id, user_id, scopes, roles FROM k`,
        [hashApiKey(apiKey)],
      );
      if (!rows.length) {
        res.status(404).json({ error: 'unknown key' });
        return;
      }
      const [k] = rows;
      res.json({ apiKeyId: k.id, userId: k.user_id, roles: k.roles, scopes: k.scopes });
    } catch (err) {
      deps.log.error({ err }, 'api key lookup failed');
      res.status(500).json({ error: 'internal error' });
    }
  });
}
