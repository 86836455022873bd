export * from './registry';
export * from './server';
export { createCalculatorServer } from './calculator.server';
export { createDocstoreServer, DOCUMENTS, docUri, type ExampleDocument } from './docstore.server';
export { createSlowServer } from './slow.server';
export { createFlakyServer, FLAKY_FAIL_MESSAGE, FLAKY_OOPS_MESSAGE } from './flaky.server';
