import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { ServiceMetrics } from './service-metrics';

/**
 * Times every operation an Apollo Server answers and counts its errors by code. The outcome is
 * `refused` when the operation never ran (unparsable, invalid, over a limit, unauthenticated),
 * `error` when it ran and produced no data, `partial` when data came with errors, else `ok`.
 */
export function metricsPlugin<C extends BaseContext>(
  metrics: ServiceMetrics,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let executed = false;
      return {
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ response, operation, operationName, request }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const errors = result?.errors ?? [];
          const hasData = result?.data != null;
          const outcome = !executed
            ? 'refused'
            : !errors.length
              ? 'ok'
              : hasData
                ? 'partial'
                : 'error';
          metrics.recordOperation({
            name: operationName ?? request.operationName,
            type: operation?.operation,
            outcome,
            seconds: Number(process.hrtime.bigint() - started) / 1e9,
            errorCodes: errors.map((e) => e.extensions?.code),
          });
        },
      };
    },
  };
}
