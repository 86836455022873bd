import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DefinitionNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { DEFAULT_OPERATION_LIMITS } from './options';

export { MAX_TOKENS } from './options';

/** Deepest selection nesting a client may ask for (the deepest real query is about 8). */
export const MAX_DEPTH = DEFAULT_OPERATION_LIMITS.maxDepth;

/** Root fields of introspection: bounded by their own rule, not by the depth limit. */
export const isIntrospectionField = (name: string) => name === '__schema' || name === '__type';

/**
 * How deep a selection set nests (fragments followed), leaving out introspection subtrees. Each
 * fragment's depth is computed once, so a "fragment bomb" (fragments spreading each other many
 * times) costs time linear in the document, not exponential.
 */
export function selectionDepth(
  set: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  memo: Map<string, number> = new Map(),
): number {
  if (!set) return 0;
  let deepest = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (isIntrospectionField(sel.name.value)) continue;
      deepest = Math.max(deepest, 1 + selectionDepth(sel.selectionSet, fragments, memo));
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(sel.selectionSet, fragments, memo));
    } else {
      const name = sel.name.value;
      let depth = memo.get(name);
      if (depth === undefined) {
        memo.set(name, 0); // a cycle (refused by validation anyway) must not loop
        depth = selectionDepth(fragments.get(name)?.selectionSet, fragments, memo);
        memo.set(name, depth);
      }
      deepest = Math.max(deepest, depth);
    }
  }
  return deepest;
}

/** The fragments of a document by name. */
export function fragmentsOf(
  definitions: readonly DefinitionNode[],
): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  return fragments;
}

export const depthError = (depth: number, max: number) =>
  new GraphQLError(`The query is nested ${depth} levels deep; at most ${max} are allowed.`, {
    extensions: { code: 'BAD_USER_INPUT', depth, limit: max },
  });

/**
 * A validation rule refusing operations nested deeper than `max` (fragments included,
 * introspection exempt: see INTROSPECTION_LIMITS). `checkOperation` applies the same bound with
 * the gateway's configured limit; this rule is for validators that take rules.
 */
export function depthLimit(max = MAX_DEPTH) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context.getDocument().definitions);
    return {
      OperationDefinition(node) {
        const depth = selectionDepth(node.selectionSet, fragments);
        if (depth > max) {
          const error = depthError(depth, max);
          context.reportError(
            new GraphQLError(error.message, { nodes: [node], extensions: error.extensions }),
          );
        }
      },
    };
  };
}
