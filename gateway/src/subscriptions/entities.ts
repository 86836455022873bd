import {
  isAbstractType,
  isObjectType,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { FetchNode, PlanNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import { IDENTITY_HEADER, type Identity, type Logger } from '@agentry/core';
import { gatewayError, publicError } from './errors';

type Json = Record<string, unknown>;
type Path = (string | number)[];

/** Everything one event's entity fetches need; shared by all subscribers of a group. */
export interface EntityContext {
  schema: GraphQLSchema;
  /** The caller, signed into `x-agentry-identity` on every `_entities` request. */
  identity: Identity;
  /** Coerced operation variables (fetches pick the ones they use). */
  variables: Record<string, unknown>;
  urlOf: (subgraph: string) => string | undefined;
  sign: (identity: Identity) => Promise<string>;
  log: Logger;
  /** Timeout of one `_entities` request, in ms. */
  timeoutMs: number;
}

/**
 * Runs the `rest` of a subscription plan over one event's data: every Fetch under a Flatten
 * builds representations from its `requires`, POSTs its `_entities` operation to the owning
 * subgraph and merges the answers into `data` in place. Errors are pushed with client paths.
 */
export async function runPlanNode(
  node: PlanNode,
  data: Json,
  errors: GraphQLFormattedError[],
  ctx: EntityContext,
): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await runPlanNode(child, data, errors, ctx);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => runPlanNode(child, data, errors, ctx)));
      return;
    case 'Flatten':
      if (node.node.kind !== 'Fetch') {
        // The planner only puts fetches under Flatten; anything else is a plan we do not know.
        errors.push(gatewayError('This subscription cannot be executed by the gateway.'));
        ctx.log.error({ kind: node.node.kind }, 'unsupported node under Flatten');
        return;
      }
      return fetchEntities(node.node, targetsAt(data, node.path, ctx.schema), errors, ctx);
    case 'Condition': {
      const branch = ctx.variables[node.condition] ? node.ifClause : node.elseClause;
      if (branch) await runPlanNode(branch, data, errors, ctx);
      return;
    }
    default:
      // A root Fetch or @defer after the primary fetch: not produced for subscriptions today.
      errors.push(gatewayError('This subscription cannot be executed by the gateway.'));
      ctx.log.error({ kind: node.kind }, 'unsupported plan node in subscription');
  }
}

interface Target {
  object: Json;
  path: Path;
}

/**
 * The objects a Flatten path points at, with their client paths. `@` walks every list element;
 * a `field|[A,B]` segment (type-conditioned fetching) keeps only objects of those types.
 */
function targetsAt(data: Json, flattenPath: readonly (string | number)[], schema: GraphQLSchema) {
  let values: { value: unknown; path: Path }[] = [{ value: data, path: [] }];
  for (const raw of flattenPath) {
    const segment = String(raw);
    const next: { value: unknown; path: Path }[] = [];
    if (segment === '@') {
      for (const v of values)
        if (Array.isArray(v.value))
          v.value.forEach((item, i) => next.push({ value: item, path: [...v.path, i] }));
    } else {
      const [key, conditions] = segment.split('|');
      const types = conditions ? conditions.slice(1, -1).split(',') : null;
      for (const v of values) {
        if (!isObject(v.value)) continue;
        const child = key ? v.value[key] : v.value;
        if (types && !matchesAny(child, types, schema)) continue;
        next.push({ value: child, path: key ? [...v.path, key] : v.path });
      }
    }
    values = next;
  }
  const targets: Target[] = [];
  const collect = (value: unknown, path: Path) => {
    // A Flatten path ending on a list field has no trailing `@`: entities are its elements.
    if (Array.isArray(value)) value.forEach((item, i) => collect(item, [...path, i]));
    else if (isObject(value)) targets.push({ object: value, path });
  };
  for (const v of values) collect(v.value, v.path);
  return targets;
}

function matchesAny(value: unknown, types: string[], schema: GraphQLSchema): boolean {
  if (Array.isArray(value)) return true; // filtered again per element below the list
  return isObject(value) && types.some((t) => typeMatches(value.__typename, t, schema));
}

function typeMatches(typename: unknown, condition: string, schema: GraphQLSchema): boolean {
  if (typename === condition) return true;
  if (typeof typename !== 'string') return false;
  const abstract = schema.getType(condition);
  const concrete = schema.getType(typename);
  return !!abstract && isAbstractType(abstract) && isObjectType(concrete)
    ? schema.isSubType(abstract, concrete)
    : false;
}

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The representation `requires` asks for, or undefined when the object lacks what is needed. */
function representation(
  object: Json,
  selections: readonly QueryPlanSelectionNode[],
  schema: GraphQLSchema,
): Json | undefined {
  const out: Json = {};
  for (const sel of selections) {
    if (sel.kind === 'InlineFragment') {
      if (sel.typeCondition && !typeMatches(object.__typename, sel.typeCondition, schema)) continue;
      const inner = representation(object, sel.selections, schema);
      if (!inner) return undefined;
      Object.assign(out, inner);
      continue;
    }
    const key = sel.alias ?? sel.name;
    const value = object[key];
    if (value === undefined) return undefined;
    out[key] = sel.selections ? selectValue(value, sel.selections, schema) : value;
    if (out[key] === undefined) return undefined;
  }
  return Object.keys(out).length ? out : undefined;
}

function selectValue(
  value: unknown,
  selections: readonly QueryPlanSelectionNode[],
  schema: GraphQLSchema,
): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map((v) => selectValue(v, selections, schema));
  return isObject(value) ? representation(value, selections, schema) : value;
}

/** Deep-merges an entity's fields into the object already in the event data. */
function mergeInto(target: Json, source: Json) {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isObject(existing) && isObject(value)) mergeInto(existing, value);
    else if (Array.isArray(existing) && Array.isArray(value) && existing.length === value.length)
      existing.forEach((item, i) => {
        if (isObject(item) && isObject(value[i])) mergeInto(item, value[i] as Json);
        else existing[i] = value[i];
      });
    else target[key] = value;
  }
}

async function fetchEntities(
  fetch: FetchNode,
  targets: Target[],
  errors: GraphQLFormattedError[],
  ctx: EntityContext,
) {
  // Identical representations are fetched once and merged into every place they came from.
  const unique = new Map<string, { representation: Json; targets: Target[] }>();
  for (const target of targets) {
    const rep = representation(target.object, fetch.requires ?? [], ctx.schema);
    if (!rep) continue;
    const key = JSON.stringify(rep);
    const entry = unique.get(key) ?? { representation: rep, targets: [] };
    entry.targets.push(target);
    unique.set(key, entry);
  }
  if (!unique.size) return;
  const entries = [...unique.values()];
  const variables: Json = { representations: entries.map((e) => e.representation) };
  for (const name of fetch.variableUsages ?? [])
    if (name in ctx.variables) variables[name] = ctx.variables[name];

  const failedAt = entries[0].targets[0].path;
  const url = ctx.urlOf(fetch.serviceName);
  let body: { data?: { _entities?: unknown[] } | null; errors?: GraphQLFormattedError[] };
  try {
    if (!url) throw new Error(`no URL for subgraph "${fetch.serviceName}"`);
    const res = await globalThis.fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: await ctx.sign(ctx.identity),
      },
      body: JSON.stringify({
        query: fetch.operation,
        operationName: fetch.operationName,
        variables,
      }),
      signal: AbortSignal.timeout(ctx.timeoutMs),
    });
    // A GraphQL answer (even a 4xx one) is JSON with data/errors; anything else is a failure.
    body = (await res.json()) as typeof body;
    if (!body || typeof body !== 'object') throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    ctx.log.error({ err, subgraph: fetch.serviceName }, '_entities fetch failed');
    errors.push(gatewayError('Part of this event could not be fetched.', undefined, failedAt));
    return;
  }

  const entities = body.data?._entities;
  if (Array.isArray(entities))
    entities.forEach((entity, i) => {
      if (isObject(entity)) for (const t of entries[i]?.targets ?? []) mergeInto(t.object, entity);
    });
  for (const error of body.errors ?? []) {
    const [root, index, ...rest] = error.path ?? [];
    const entry = root === '_entities' && typeof index === 'number' ? entries[index] : undefined;
    if (!entry) errors.push(publicError(error, ctx.log, failedAt, true));
    else
      for (const t of entry.targets)
        errors.push(publicError(error, ctx.log, [...t.path, ...rest], true));
  }
}
