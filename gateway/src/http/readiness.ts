import type { RequestHandler } from 'express';
import { request } from 'undici';

/** How long one subgraph's readiness answer is reused (probes cost the subgraphs a query). */
const CACHE_MS = 1_000;
/** A subgraph that does not answer its `/ready` this fast counts as down. */
const PROBE_TIMEOUT_MS = 1_500;

/**
 * The gateway's `/ready`: 200 whenever the gateway itself can serve — a subgraph that is down
 * costs only its own fields (they answer SERVICE_UNAVAILABLE), so the gateway stays in
 * rotation — with `status: "degraded"` and each subgraph's state (`up` or `down`, from its own
 * `/ready`, which checks its database).
 */
export function readinessRoute(subgraphs: () => Record<string, string>): RequestHandler {
  const cache = new Map<string, { at: number; state: Promise<'up' | 'down'> }>();
  const probe = (graphqlUrl: string): Promise<'up' | 'down'> => {
    const hit = cache.get(graphqlUrl);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.state;
    const state = request(new URL('/ready', graphqlUrl), {
      headersTimeout: PROBE_TIMEOUT_MS,
      bodyTimeout: PROBE_TIMEOUT_MS,
    })
      .then(async (res) => {
        await res.body.dump();
        return res.statusCode === 200 ? ('up' as const) : ('down' as const);
      })
      .catch(() => 'down' as const);
    cache.set(graphqlUrl, { at: Date.now(), state });
    return state;
  };
  return async (_req, res) => {
    const entries = await Promise.all(
      Object.entries(subgraphs()).map(async ([name, url]) => [name, await probe(url)] as const),
    );
    const states = Object.fromEntries(entries);
    const degraded = entries.some(([, s]) => s === 'down');
    res.setHeader('cache-control', 'no-store');
    res.json({ status: degraded ? 'degraded' : 'ready', service: 'gateway', subgraphs: states });
  };
}
