export * from './options';
export { depthLimit, MAX_DEPTH, isIntrospectionField } from './depth';
export { checkOperation, type OperationToCheck } from './check-operation';
export { operationCost } from './cost';
export { limitsPlugin, type LimitsContext } from './limits-plugin';
export {
  createRateLimits,
  rateLimitKey,
  DEFAULT_RATE_LIMITS,
  type RateLimitOptions,
  type RateLimits,
} from './rate-limits';
