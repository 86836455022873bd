export * from './service-metrics';
export * from './apollo-plugin';
export * from './metrics-route';
export * from './database';
