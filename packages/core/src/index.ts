export * from './config';
export * from './errors';
export * from './identity';
export * from './logger';
export * from './scopes';
