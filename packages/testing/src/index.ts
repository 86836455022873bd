export * from './database';
export * from './graphql';
export * from './identity';
export * from './subgraph';
export * from './wait';
export * from './tcp-proxy';
