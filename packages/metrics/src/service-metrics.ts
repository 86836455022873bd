import client from 'prom-client';

/** Seconds; from a cached single-subgraph read (~1 ms) to a long tool call (minutes). */
const DURATION_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];

/**
 * Label values a client chooses (operation names) could otherwise grow a series per request:
 * names that are not plain GraphQL names, and any name beyond the first `MAX_OPERATION_NAMES`
 * seen, are counted as `other`.
 */
export const MAX_OPERATION_NAMES = 200;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

/**
 * The metrics registry of one service, with the series every service has: process and Node
 * metrics (prom-client's defaults), GraphQL operations by name, type and outcome, and GraphQL
 * errors by `extensions.code`. A service adds its own with `gauge`, `counter` and `histogram`,
 * registered here so that `/metrics` serves them all.
 */
export function createServiceMetrics(service: string) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry, prefix: 'agentry_' });

  const operations = new client.Histogram({
    name: 'agentry_graphql_operation_duration_seconds',
    help: 'GraphQL operations served, by operation name, type and outcome (ok, partial, error, refused).',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const errors = new client.Counter({
    name: 'agentry_graphql_errors_total',
    help: 'GraphQL errors answered, by extensions.code and operation name.',
    labelNames: ['code', 'operation'] as const,
    registers: [registry],
  });

  const names = new Set<string>();
  /** The label of an operation name: bounded in shape and in number (see MAX_OPERATION_NAMES). */
  function operationLabel(name: string | null | undefined): string {
    if (!name) return '(anonymous)';
    if (!NAME.test(name)) return 'other';
    if (names.has(name)) return name;
    if (names.size >= MAX_OPERATION_NAMES) return 'other';
    names.add(name);
    return name;
  }
  const codeLabel = (code: unknown) =>
    typeof code === 'string' && CODE.test(code) ? code : 'INTERNAL_SERVER_ERROR';

  return {
    service,
    registry,
    operationLabel,
    /** Records one answered operation and its errors. */
    recordOperation(o: {
      name: string | null | undefined;
      type: string | undefined;
      outcome: 'ok' | 'partial' | 'error' | 'refused';
      seconds: number;
      errorCodes: readonly unknown[];
    }) {
      const operation = operationLabel(o.name);
      operations.observe({ operation, type: o.type ?? 'unknown', outcome: o.outcome }, o.seconds);
      for (const code of o.errorCodes) errors.inc({ code: codeLabel(code), operation });
    },
    gauge<L extends string>(options: client.GaugeConfiguration<L>) {
      return new client.Gauge<L>({ ...options, registers: [registry] });
    },
    counter<L extends string>(options: client.CounterConfiguration<L>) {
      return new client.Counter<L>({ ...options, registers: [registry] });
    },
    histogram<L extends string>(options: client.HistogramConfiguration<L>) {
      return new client.Histogram<L>({
        buckets: DURATION_BUCKETS,
        ...options,
        registers: [registry],
      });
    },
  };
}
export type ServiceMetrics = ReturnType<typeof createServiceMetrics>;
