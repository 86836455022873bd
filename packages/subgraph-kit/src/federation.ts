import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLDateTime, GraphQLJSON } from 'graphql-scalars';
import { parse, type GraphQLSchema } from 'graphql';
import { guardTextInputs, type TextRules } from './text-input';
import { buildSchema, createResolversMap, type NonEmptyArray, type PubSub } from 'type-graphql';
import { guardResolvers, readScopeDeclarations, type ScopeDeclarations } from './scope';

/** Federation directives any subgraph may use. */
const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@override"])';

/** `__resolveReference` per entity type (method syntax: each resolver types its own arguments). */
export type ReferenceResolvers = Record<
  string,
  { __resolveReference(ref: unknown, ctx: unknown, info: unknown): unknown }
>;

export interface FederatedSchemaOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: Function[];
  /** `__resolveReference` per entity type name, batched through DataLoaders by the caller. */
  referenceResolvers?: ReferenceResolvers;
  /**
   * Text arguments and input fields that may hold more than one line of text, by schema
   * coordinate (`CreateAgentInput.description`, `Mutation.reviewAgent(body)`); every other
   * `String`/`ID` input is `line`. See `guardTextInputs`.
   * @default {}
   */
  textRules?: TextRules;
}

/**
 * Subscriptions bring their own `subscribe` (read from the events log, never an in-process bus);
 * type-graphql insists on a PubSub all the same, so this one refuses to be used.
 */
const NO_PUBSUB: PubSub = {
  publish() {
    throw new Error('Agentry has no in-process pub/sub: publish to the events log');
  },
  subscribe() {
    throw new Error('Agentry has no in-process pub/sub: give @Subscription a subscribe function');
  },
};

/**
 * The one federation helper: type-graphql classes -> SDL with directives -> buildSubgraphSchema.
 * Text inputs are checked by `guardTextInputs`, inputs by class-validator; `DateTime` and `JSON` are the contract's scalars.
 */
export async function buildFederatedSchema(
  options: FederatedSchemaOptions,
): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    validate: { forbidUnknownValues: false, stopAtFirstError: false },
    pubSub: NO_PUBSUB,
    // The federation directives are only defined once buildSubgraphSchema adds them.
    skipCheck: true,
  });
  // Every operation declares its API-key scope; the check wraps the resolvers once, here.
  const declarations = readScopeDeclarations(schema);
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`);
  const resolvers: Record<string, object> = { ...createResolversMap(schema) };
  for (const [typeName, reference] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], ...reference };
  }
  guardResolvers(resolvers, declarations);
  resolvers.JSON = GraphQLJSON;
  resolvers.DateTime = GraphQLDateTime;
  // type-graphql's resolver map and Apollo's describe the same shape with different types.
  const built = buildSubgraphSchema({
    typeDefs,
    resolvers: resolvers as GraphQLResolverMap<unknown>,
  });
  // Every text input is checked once here, before any resolver (and any write) runs.
  const guarded = guardTextInputs(built, options.textRules);
  DECLARATIONS.set(guarded, declarations);
  return guarded;
}

const DECLARATIONS = new WeakMap<GraphQLSchema, ScopeDeclarations>();

/** The `@Scope` declarations of a schema built by `buildFederatedSchema` (codegen's table). */
export function scopeDeclarationsOf(schema: GraphQLSchema): ScopeDeclarations {
  const found = DECLARATIONS.get(schema);
  if (!found) throw new Error('not a schema of buildFederatedSchema');
  return found;
}
