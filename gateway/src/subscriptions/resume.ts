import {
  getNamedType,
  getNullableType,
  GraphQLString,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** The variable the gateway passes as the root field's `after` (the client's, then its own). */
export const RESUME_VARIABLE = 'agentryResumeAfter';
/** The alias under which the gateway reads each event's cursor (shaping drops it). */
export const CURSOR_ALIAS = 'agentryResumeCursor';

/**
 * A subscription that can be resumed by cursor: its root field takes `after: String` and its
 * events carry `cursor: String` (taskEvents, myTaskEvents, workflowRunEvents, ...).
 */
export interface Resumable {
  /** The client's document with `after: $agentryResumeAfter` and `agentryResumeCursor: cursor`. */
  document: DocumentNode;
  /** The root field's response key in each upstream event. */
  responseKey: string;
  /** The client's own `after` (null: none). */
  after: string | null;
}

/**
 * Rewrites a resumable subscription so the gateway learns every event's cursor and can resume
 * its upstream from the last one it received (a reconnect then repeats nothing); null for any
 * other subscription, which is run as the client wrote it.
 */
export function resumable(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Resumable | null {
  // Thousands of sockets send the same parsed document: rewrite it once (per schema).
  let bySchema = rewrites.get(document);
  if (!bySchema) rewrites.set(document, (bySchema = new WeakMap()));
  let byOperation = bySchema.get(schema);
  if (!byOperation) bySchema.set(schema, (byOperation = new Map()));
  let rewrite = byOperation.get(operation);
  if (rewrite === undefined)
    byOperation.set(operation, (rewrite = rewriteOf(schema, document, operation)));
  if (!rewrite) return null;
  const value = rewrite.after ? valueFromASTUntyped(rewrite.after.value, variables) : null;
  return {
    document: rewrite.document,
    responseKey: rewrite.responseKey,
    after: typeof value === 'string' ? value : null,
  };
}

interface Rewrite {
  document: DocumentNode;
  responseKey: string;
  /** The client's own `after` argument, if it passes one. */
  after?: ArgumentNode;
}

const rewrites = new WeakMap<
  DocumentNode,
  WeakMap<GraphQLSchema, Map<OperationDefinitionNode, Rewrite | null>>
>();

function rewriteOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): Rewrite | null {
  if (operation.operation !== 'subscription') return null;
  const [root, ...others] = operation.selectionSet.selections;
  if (!root || others.length || root.kind !== Kind.FIELD) return null;
  if (operation.variableDefinitions?.some((v) => v.variable.name.value === RESUME_VARIABLE))
    return null;
  const field = schema.getSubscriptionType()?.getFields()[root.name.value];
  if (!field) return null;
  const afterArg = field.args.find((a) => a.name === 'after');
  const eventType = getNamedType(field.type);
  if (!afterArg || getNullableType(afterArg.type) !== GraphQLString) return null;
  if (!isObjectType(eventType)) return null;
  const cursor = eventType.getFields().cursor;
  if (!cursor || getNullableType(cursor.type) !== GraphQLString) return null;

  const given = root.arguments?.find((a) => a.name.value === 'after');

  const rewritten: FieldNode = {
    ...root,
    arguments: [
      ...(root.arguments ?? []).filter((a) => a.name.value !== 'after'),
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: 'after' },
        value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: RESUME_VARIABLE } },
      },
    ],
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [
        ...(root.selectionSet?.selections ?? []),
        {
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: CURSOR_ALIAS },
          name: { kind: Kind.NAME, value: 'cursor' },
        },
      ],
    },
  };
  const resumableOperation: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: [
      ...(operation.variableDefinitions ?? []),
      {
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: RESUME_VARIABLE } },
        type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'String' } },
      },
    ],
    selectionSet: { ...operation.selectionSet, selections: [rewritten] },
  };
  return {
    document: {
      ...document,
      definitions: document.definitions.map((d) => (d === operation ? resumableOperation : d)),
    },
    responseKey: root.alias?.value ?? root.name.value,
    after: given,
  };
}

/** The cursor of one upstream event of a resumable subscription, if it carries one. */
export function cursorOf(
  data: Record<string, unknown> | null | undefined,
  responseKey: string,
): string | undefined {
  const event = data?.[responseKey] as Record<string, unknown> | null | undefined;
  const cursor = event?.[CURSOR_ALIAS];
  return typeof cursor === 'string' ? cursor : undefined;
}
