export * from './context';
export * from './datasource';
export * from './federation';
export * from './pagination';
export * from './server';
export * from './sql';
export * from './subgraph-env';
export * from './main';
