/**
 * The static limits every operation is checked against before it runs, over HTTP and over the
 * WebSocket alike (see `checkOperation`). Configured by the gateway's env (docs/OPERATIONS.md).
 */
export interface OperationLimits {
  /**
   * Highest estimated cost of one operation. Every field returning an object costs 1 per object
   * it may return; a field with a `first` argument multiplies what is under it by `first` (its
   * default when absent), a list without one by `assumedListSize`.
   * @default 10000
   */
  maxCost: number;
  /** Deepest selection nesting (introspection has its own bound). @default 12 */
  maxDepth: number;
  /** Most aliases in one operation (`__typename` aliases are free). @default 15 */
  maxAliases: number;
  /** Most directives (`@include`, `@skip`, ...) in one operation. @default 20 */
  maxDirectives: number;
  /** Most root fields in one operation, aliases and fragments counted. @default 10 */
  maxRootFields: number;
  /** Size assumed for a list field without a `first` argument. @default 10 */
  assumedListSize: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxCost: 10_000,
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 20,
  maxRootFields: 10,
  assumedListSize: 10,
};

/** Page size of a `first` argument the client leaves out (the subgraphs' default). */
export const DEFAULT_PAGE_SIZE = 20;

/** Largest document, in lexical tokens, the parser accepts (guards against huge queries). */
export const MAX_TOKENS = 10_000;

/**
 * Root fields that may appear at most once per operation whatever their aliases: each costs a
 * password hash, and several in one request would multiply accounts (free credits) or
 * password guesses past the per-request throttles.
 */
export const ONCE_PER_OPERATION: readonly string[] = ['Mutation.signUp', 'Mutation.signIn'];

/**
 * Bounds of introspection, which is exempt from `maxDepth` and `maxCost` (graphql-js's
 * `getIntrospectionQuery()`, sent by GraphiQL, Sandbox and codegen, nests 15 levels):
 * - at most `fields` `__schema`/`__type` fields per operation,
 * - at most `depth` levels below them (the `ofType` chain is what makes it deep; it is cheap),
 * - at most `lists` nested list fields (`types { fields { args } }` is 3; each further level
 *   multiplies the answer by the size of a schema).
 */
export const INTROSPECTION_LIMITS = { fields: 2, depth: 20, lists: 3 } as const;
