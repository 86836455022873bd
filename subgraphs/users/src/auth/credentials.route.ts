import express from 'express';
import { IDENTITY_HEADER } from '@agentry/core';
import { isUuid, type SubgraphDeps } from '@agentry/subgraph-kit';
import { liveApiKeys } from '../api-key/api-key.store';
import { usersByIds } from '../user/user.store';

/** Ids per request; the gateway sends its open sockets' credentials in batches this size. */
export const MAX_CREDENTIAL_IDS = 1000;

/**
 * `POST /internal/credentials {apiKeyIds, userIds}` — the gateway re-checks the credentials of
 * its open WebSockets here every few seconds: which keys are still live (with their owner's
 * roles now) and the current roles of session users. An id missing from the answer is revoked
 * (key) or gone (user). Only the gateway's signed service identity may call it.
 */
export function credentialsRoute(app: express.Express, deps: SubgraphDeps) {
  app.post('/internal/credentials', async (req, res, next) => {
    const header = req.headers[IDENTITY_HEADER];
    const caller = await deps.verifyIdentity(Array.isArray(header) ? header[0] : header);
    if (caller?.via !== 'service') {
      res.status(401).json({ error: 'gateway identity required' });
      return;
    }
    next();
  });
  app.post('/internal/credentials', express.json({ limit: '128kb' }), async (req, res) => {
    const ids = (value: unknown) =>
      Array.isArray(value) ? [...new Set(value.filter(isUuid).map((id) => id.toLowerCase()))] : [];
    const apiKeyIds = ids(req.body?.apiKeyIds);
    const userIds = ids(req.body?.userIds);
    if (apiKeyIds.length + userIds.length > MAX_CREDENTIAL_IDS) {
      res.status(413).json({ error: `at most ${MAX_CREDENTIAL_IDS} ids per request` });
      return;
    }
    try {
      const [keys, users] = await Promise.all([
        liveApiKeys(deps.dataSource, apiKeyIds),
        userIds.length ? usersByIds(deps.dataSource, userIds) : [],
      ]);
      res.json({
        apiKeys: Object.fromEntries(keys.map((k) => [k.apiKeyId, k])),
        users: Object.fromEntries(users.map((u) => [u.id, { roles: u.roles }])),
      });
    } catch (err) {
      deps.log.error({ err }, 'credential re-check failed');
      res.status(500).json({ error: 'internal error' });
    }
  });
}
