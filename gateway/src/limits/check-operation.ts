import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { badInput } from '@agentry/core';
import { operationCost } from './cost';
import { fragmentsOf, isIntrospectionField, selectionDepth } from './depth';
import { INTROSPECTION_LIMITS, ONCE_PER_OPERATION, type OperationLimits } from './options';

export interface OperationToCheck {
  /** The API schema clients validate against. */
  schema: GraphQLSchema;
  /** A document that passed validation. */
  document: DocumentNode;
  /** The operation to run (already resolved by the caller). */
  operation: OperationDefinitionNode;
  variables?: Record<string, unknown> | null;
}

/**
 * Every static limit of an operation, checked before it runs: depth, aliases, directives, root
 * fields, fields allowed once (`signUp`, `signIn`), introspection's own bounds, and the cost.
 * Throws BAD_USER_INPUT naming the limit (and, for cost, `extensions.cost` and `limit`);
 * returns the cost, which the rate limits charge. The HTTP pipeline (limits plugin) and the
 * WebSocket server both call this, so a document is held to the same rules on either transport.
 */
export function checkOperation(input: OperationToCheck, limits: OperationLimits): number {
  const structural = structuralCheck(input, limits);
  if (structural) throw structural;
  const cost = operationCost({
    schema: input.schema,
    operation: input.operation,
    fragments: fragmentsFor(input.document),
    variables: input.variables ?? undefined,
    assumedListSize: limits.assumedListSize,
  });
  if (cost > limits.maxCost) {
    const shown = Number.isSafeInteger(cost) ? cost : Number.MAX_SAFE_INTEGER;
    throw badInput(
      `The operation's estimated cost is ${shown}; at most ${limits.maxCost} is allowed. Ask for smaller pages (first) or fewer nested lists.`,
      { cost: shown, limit: limits.maxCost },
    );
  }
  return cost;
}

/**
 * Variable-independent verdicts, kept per set of limits and parsed document (Apollo Server
 * reuses the parsed document of a query it has seen, so each is checked once).
 */
const verdicts = new WeakMap<
  OperationLimits,
  WeakMap<DocumentNode, Map<OperationDefinitionNode, GraphQLError | null>>
>();
const fragmentCache = new WeakMap<DocumentNode, Map<string, FragmentDefinitionNode>>();

/** The fragments of a document by name (kept per parsed document). */
export function fragmentsFor(document: DocumentNode) {
  let fragments = fragmentCache.get(document);
  if (!fragments) fragmentCache.set(document, (fragments = fragmentsOf(document.definitions)));
  return fragments;
}

function structuralCheck(input: OperationToCheck, limits: OperationLimits): GraphQLError | null {
  let byDocument = verdicts.get(limits);
  if (!byDocument) verdicts.set(limits, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(input.document);
  if (!byOperation) byDocument.set(input.document, (byOperation = new Map()));
  const known = byOperation.get(input.operation);
  if (known !== undefined) return known;
  const verdict = findViolation(input, limits);
  byOperation.set(input.operation, verdict);
  return verdict;
}

function findViolation(input: OperationToCheck, limits: OperationLimits): GraphQLError | null {
  const { document, operation, schema } = input;
  const fragments = fragmentsFor(document);

  const depth = selectionDepth(operation.selectionSet, fragments);
  if (depth > limits.maxDepth)
    return badInput(
      `The query is nested ${depth} levels deep; at most ${limits.maxDepth} are allowed.`,
      { depth, limit: limits.maxDepth },
    );

  // GraphQL Armor's counters (they follow fragments), run on this document alone.
  let armor: string | undefined;
  const onReject = [(_ctx: unknown, err: GraphQLError) => (armor ??= err.message)];
  const single: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...fragments.values()],
  };
  validate(schema, single, [
    maxAliasesRule({ n: limits.maxAliases, onReject, propagateOnRejection: false }),
    maxDirectivesRule({ n: limits.maxDirectives, onReject, propagateOnRejection: false }),
  ]);
  if (armor) return badInput(armor.replace(/^Syntax Error: /, ''));

  const roots = rootFieldNodes(operation.selectionSet, fragments).map((f) => f.name.value);
  const counted = roots.filter((name) => name !== '__typename');
  if (counted.length > limits.maxRootFields)
    return badInput(
      `The operation selects ${counted.length} root fields; at most ${limits.maxRootFields} are allowed. Split it into several operations.`,
      { limit: limits.maxRootFields },
    );
  const rootTypeName = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' }[
    operation.operation
  ];
  for (const qualified of ONCE_PER_OPERATION) {
    const [typeName, field] = qualified.split('.');
    if (typeName !== rootTypeName) continue;
    const times = roots.filter((name) => name === field).length;
    if (times > 1)
      return badInput(`\`${field}\` may appear once per operation; this one asks ${times} times.`, {
        limit: 1,
      });
  }

  const introspection = roots.filter(isIntrospectionField).length;
  if (introspection > INTROSPECTION_LIMITS.fields)
    return badInput(
      `The operation asks for __schema/__type ${introspection} times; at most ${INTROSPECTION_LIMITS.fields} are allowed.`,
      { limit: INTROSPECTION_LIMITS.fields },
    );
  if (introspection) return introspectionViolation(input, fragments);
  return null;
}

/** Root fields as they will run (aliases and fragments expanded; one entry per response key). */
export function rootFieldNodes(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): FieldNode[] {
  const nodes: FieldNode[] = [];
  const keys = new Set<string>();
  // A fragment spread twice adds the same keys twice: walk each one once.
  const walked = new Set<string>();
  const walk = (s: SelectionSetNode) => {
    for (const sel of s.selections) {
      if (sel.kind === Kind.FIELD) {
        // Same response key = one field (graphql merges them): count it once.
        const key = sel.alias?.value ?? sel.name.value;
        if (!keys.has(key)) {
          keys.add(key);
          nodes.push(sel);
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
      else if (!walked.has(sel.name.value)) {
        walked.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(set);
  return nodes;
}

/**
 * Introspection's own bounds (INTROSPECTION_LIMITS): depth below `__schema`/`__type`, and how
 * many list fields nest (`types { fields { type { fields ... } } }` grows with the schema's size
 * at each level; `getIntrospectionQuery()` nests three).
 */
function introspectionViolation(
  input: OperationToCheck,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): GraphQLError | null {
  const { schema } = input;
  // [depth, nested lists] below a selection set, per fragment computed once (both add up along
  // a path, so a fragment's bounds do not depend on where it is spread).
  const memo = new Map<string, [number, number]>();
  const measure = (set: SelectionSetNode, typeName: string): [number, number] => {
    let depth = 0;
    let lists = 0;
    const parent = schema.getType(typeName);
    for (const sel of set.selections) {
      let below: [number, number] = [0, 0];
      if (sel.kind === Kind.FIELD) {
        if (!sel.selectionSet || !isObjectType(parent)) continue;
        const field = parent.getFields()[sel.name.value];
        if (!field) continue;
        const [d, l] = measure(sel.selectionSet, getNamedType(field.type).name);
        below = [d + 1, l + (isListType(getNullableType(field.type)) ? 1 : 0)];
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        below = measure(sel.selectionSet, sel.typeCondition?.name.value ?? typeName);
      } else {
        const name = sel.name.value;
        const known = memo.get(name);
        if (known) below = known;
        else {
          memo.set(name, [0, 0]); // a cycle (refused by validation anyway) must not loop
          const fragment = fragments.get(name);
          if (fragment) below = measure(fragment.selectionSet, fragment.typeCondition.name.value);
          memo.set(name, below);
        }
      }
      depth = Math.max(depth, below[0]);
      lists = Math.max(lists, below[1]);
    }
    return [depth, lists];
  };
  let depth = 0;
  let lists = 0;
  const roots = (set: SelectionSetNode, walked: Set<string>) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!isIntrospectionField(sel.name.value) || !sel.selectionSet) continue;
        const [d, l] = measure(
          sel.selectionSet,
          sel.name.value === '__schema' ? '__Schema' : '__Type',
        );
        depth = Math.max(depth, d + 1);
        lists = Math.max(lists, l);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) roots(sel.selectionSet, walked);
      else if (!walked.has(sel.name.value)) {
        walked.add(sel.name.value);
        const fragment = fragments.get(sel.name.value);
        if (fragment) roots(fragment.selectionSet, walked);
      }
    }
  };
  roots(input.operation.selectionSet, new Set());
  if (depth > INTROSPECTION_LIMITS.depth)
    return badInput(
      `Introspection is nested ${depth} levels deep; at most ${INTROSPECTION_LIMITS.depth} are allowed.`,
      { depth, limit: INTROSPECTION_LIMITS.depth },
    );
  if (lists > INTROSPECTION_LIMITS.lists)
    return badInput(
      `Introspection nests ${lists} lists in each other; at most ${INTROSPECTION_LIMITS.lists} are allowed (as in getIntrospectionQuery()).`,
      { limit: INTROSPECTION_LIMITS.lists },
    );
  return null;
}
