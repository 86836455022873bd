export * from './children';
export * from './platform';
export * from './ports';
export * from './postgres';
export * from './process';
export * from './example-cli';
export * from './neo4j';
export * from './neo4j-launcher';
