export { createSubscriptionServer, type SubscriptionServerOptions } from './ws-server';
export type { SubscriptionMetrics } from './metrics';
export { toWebSocketUrl } from './upstream';
