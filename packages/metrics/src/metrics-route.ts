import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ServiceMetrics } from './service-metrics';

export interface MetricsRouteOptions {
  /**
   * When set, `/metrics` answers only requests with `Authorization: Bearer <token>` (401
   * otherwise). The gateway requires one in production, where its port faces the internet.
   */
  token?: string;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** `GET /metrics` in Prometheus's text format. */
export function metricsRoute(
  metrics: ServiceMetrics,
  options: MetricsRouteOptions = {},
): RequestHandler {
  return async (req, res) => {
    if (options.token) {
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!sameSecret(given, options.token)) {
        res.setHeader('www-authenticate', 'Bearer realm="metrics"');
        res.status(401).json({ code: 'UNAUTHENTICATED', message: 'A metrics token is required.' });
        return;
      }
    }
    try {
      const text = await metrics.registry.metrics();
      res.setHeader('content-type', metrics.registry.contentType);
      res.setHeader('cache-control', 'no-store');
      res.send(text);
    } catch {
      res
        .status(503)
        .json({ code: 'SERVICE_UNAVAILABLE', message: 'Metrics could not be collected.' });
    }
  };
}
