export * from './platform';
export * from './ports';
export * from './postgres';
export * from './process';
export * from './example-cli';
export * from './web-client';
