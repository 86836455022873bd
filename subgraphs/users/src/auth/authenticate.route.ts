import express from 'express';
import { IDENTITY_HEADER } from '@agentry/core';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import { API_KEY_PATTERN, hashApiKey } from '../api-key/api-key-secret';
import { authenticateApiKey } from '../api-key/api-key.store';

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
      const identity = await authenticateApiKey(deps.dataSource, hashApiKey(apiKey));
      if (!identity) {
        res.status(404).json({ error: 'unknown key' });
        return;
      }
      res.json(identity);
    } catch (err) {
      deps.log.error({ err }, 'api key lookup failed');
      res.status(500).json({ error: 'internal error' });
    }
  });
}
