import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  valueFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { isIntrospectionField } from './depth';
import { DEFAULT_PAGE_SIZE } from './options';

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Record<string, unknown> | undefined;
  /** Size assumed for a list without a `first` argument. */
  assumedListSize: number;
}

/**
 * The estimated cost of an operation before it runs: every field that returns an object costs 1
 * for each object it may return, so a page multiplies everything below it. `first` (or `last`)
 * sets a page's size, with its schema default or DEFAULT_PAGE_SIZE when left out; a list without
 * it counts `assumedListSize`, except `edges`/`nodes` of a connection (already counted by the
 * connection's `first`). Scalars are free; so are `__typename` and introspection (bounded apart).
 * Each fragment is costed once (cost is linear in the multiplier), so fragment bombs are cheap
 * to check.
 */
export function operationCost(input: CostInput): number {
  const root = rootType(input.schema, input.operation);
  if (!root) return 0;
  const memo = new Map<string, number>();
  const setCost = (set: SelectionSetNode, parent: GraphQLCompositeType): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const field = fieldOf(parent, sel.name.value);
        if (!field || isIntrospectionField(sel.name.value)) continue;
        const type = getNamedType(field.type);
        if (!isCompositeType(type)) continue;
        const below = sel.selectionSet ? setCost(sel.selectionSet, type) : 0;
        const size = sizeOf(field, sel, parent, input);
        // A list returns `size` objects; a connection returns one, whose edges are the page.
        const returned = isListType(getNullableType(field.type)) ? size : 1;
        total += returned + size * below;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const on = sel.typeCondition
          ? (input.schema.getType(sel.typeCondition.name.value) as GraphQLCompositeType)
          : parent;
        if (on) total += setCost(sel.selectionSet, on);
      } else {
        const name = sel.name.value;
        let cost = memo.get(name);
        if (cost === undefined) {
          memo.set(name, 0); // a cycle (refused by validation anyway) must not loop
          const fragment = input.fragments.get(name);
          const on = fragment && input.schema.getType(fragment.typeCondition.name.value);
          cost = fragment && on ? setCost(fragment.selectionSet, on as GraphQLCompositeType) : 0;
          memo.set(name, cost);
        }
        total += cost;
      }
    }
    return total;
  };
  return setCost(input.operation.selectionSet, root);
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode) {
  if (operation.operation === 'mutation') return schema.getMutationType();
  if (operation.operation === 'subscription') return schema.getSubscriptionType();
  return schema.getQueryType();
}

function fieldOf(
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/** How many objects a field may return per parent object. */
function sizeOf(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  parent: GraphQLCompositeType,
  input: CostInput,
): number {
  const pageArg = field.args.find((a) => a.name === 'first' || a.name === 'last');
  if (pageArg) {
    const given = node.arguments?.find((a) => a.name.value === pageArg.name);
    const value = given ? valueFromAST(given.value, pageArg.type, input.variables) : undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value);
    // A variable left out, or no argument: the variable's default is already applied by
    // valueFromAST when present; otherwise the schema default, else the subgraphs' default.
    return typeof pageArg.defaultValue === 'number' ? pageArg.defaultValue : DEFAULT_PAGE_SIZE;
  }
  if (!isListType(getNullableType(field.type))) return 1;
  const inConnection =
    (field.name === 'edges' || field.name === 'nodes') && fieldOf(parent, 'pageInfo') !== undefined;
  return inConnection ? 1 : input.assumedListSize;
}
