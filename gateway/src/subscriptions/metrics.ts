/** A snapshot of the live subscriptions of one gateway. */
export interface SubscriptionMetrics {
  /** Upstream (gateway -> subgraph) subscriptions open, by subgraph name. */
  upstream: Record<string, number>;
  /** Client subscriptions being served. */
  clients: number;
  /** Shared executions (groups of identical client subscriptions), each with one upstream. */
  shared: number;
  /** Client sockets closed because they did not read fast enough. */
  slowConsumersClosed: number;
}

/** Counters the subscription modules update; read them with `snapshot()`. */
export function createMetrics() {
  const upstream = new Map<string, number>();
  const counts = { clients: 0, shared: 0, slowConsumersClosed: 0 };
  return {
    counts,
    upstreamOpened(subgraph: string) {
      upstream.set(subgraph, (upstream.get(subgraph) ?? 0) + 1);
    },
    upstreamClosed(subgraph: string) {
      upstream.set(subgraph, (upstream.get(subgraph) ?? 1) - 1);
    },
    snapshot(): SubscriptionMetrics {
      return { upstream: Object.fromEntries(upstream), ...counts };
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
