export * from './catalogue';
export * from './consumer';
export * from './publish';
export * from './schema';
export * from './listener';
