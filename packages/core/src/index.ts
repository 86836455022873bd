export * from './config';
export * from './errors';
export * from './identity';
export * from './ids';
export * from './logger';
export * from './scopes';
export * from './services';
export * from './time';
