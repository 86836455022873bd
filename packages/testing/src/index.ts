export * from './database';
export * from './events';
export * from './graphql';
export * from './identity';
export * from './subgraph';
export * from './wait';
export * from './neo4j';
export * from './tcp-proxy';
