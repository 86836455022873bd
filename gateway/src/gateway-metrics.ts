import { createServiceMetrics } from '@agentry/metrics';
import type { SubscriptionMetrics } from './subscriptions';
import type { createUpstreamFetcher } from './upstream';

type UpstreamFetcher = ReturnType<typeof createUpstreamFetcher>['fetcher'];

/**
 * The gateway's Prometheus series beyond every service's own (operations, errors, process):
 * subgraph fetch latency per subgraph, open WebSockets, client and shared subscriptions, and
 * upstream subscriptions per subgraph.
 */
export function createGatewayMetrics() {
  const service = createServiceMetrics('gateway');
  const fetches = service.histogram({
    name: 'agentry_subgraph_fetch_duration_seconds',
    help: 'Requests from the gateway to each subgraph until the response headers, by outcome (HTTP status class, or error).',
    labelNames: ['subgraph', 'outcome'] as const,
  });
  return {
    service,
    /** Wraps the upstream fetcher of one subgraph so each request is timed. */
    timedFetcher(subgraph: string, fetcher: UpstreamFetcher): UpstreamFetcher {
      return async (url, init) => {
        const started = process.hrtime.bigint();
        const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
        try {
          const response = await fetcher(url, init);
          const outcome = `${Math.floor(response.status / 100)}xx`;
          fetches.observe({ subgraph, outcome }, seconds());
          return response;
        } catch (err) {
          fetches.observe({ subgraph, outcome: 'error' }, seconds());
          throw err;
        }
      };
    },
    /** Gauges read from the subscription server at each scrape. */
    watchSubscriptions(subscriptions: {
      metrics: () => SubscriptionMetrics;
      openSockets: () => number;
    }) {
      service.gauge({
        name: 'agentry_websockets_open',
        help: 'Client WebSockets (graphql-ws) open on this gateway.',
        collect() {
          this.set(subscriptions.openSockets());
        },
      });
      service.gauge({
        name: 'agentry_subscriptions_active',
        help: 'Subscriptions being served: client subscriptions, and shared executions (each with one upstream).',
        labelNames: ['kind'] as const,
        collect() {
          const m = subscriptions.metrics();
          this.set({ kind: 'client' }, m.clients);
          this.set({ kind: 'shared' }, m.shared);
        },
      });
      service.gauge({
        name: 'agentry_upstream_subscriptions_active',
        help: 'Subscriptions from this gateway to each subgraph.',
        labelNames: ['subgraph'] as const,
        collect() {
          this.reset();
          for (const [subgraph, n] of Object.entries(subscriptions.metrics().upstream))
            this.set({ subgraph }, n);
        },
      });
    },
  };
}
