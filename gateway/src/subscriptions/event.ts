import {
  execute,
  type DocumentNode,
  type FormattedExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
} from 'graphql';
import type { SubscriptionNode } from '@apollo/query-planner';
import { runPlanNode, type EntityContext } from './entities';
import { isPathPrefix, publicError } from './errors';

/** One subscription operation, planned and ready to turn upstream events into client results. */
export interface EventContext extends EntityContext {
  plan: SubscriptionNode;
  document: DocumentNode;
  operationName?: string | null;
  /** The variables as the client sent them (graphql-js coerces them again while shaping). */
  rawVariables?: Record<string, unknown> | null;
}

/**
 * Reads every field from the merged data by its response key, so aliases resolve to what the
 * subgraph fetches (which keep the client's aliases) returned.
 */
const byResponseKey: GraphQLFieldResolver<unknown, unknown> = (source, _args, _ctx, info) =>
  source && typeof source === 'object'
    ? (source as Record<string, unknown>)[info.path.key as string]
    : undefined;

/**
 * Turns one upstream event into the client's result: completes it with the entity fetches of the
 * plan's `rest`, then shapes it with graphql-js over the API schema (the client's selection,
 * aliases, `__typename`, null propagation). Subgraph errors keep their code and get client paths.
 */
export async function resolveEvent(
  event: FormattedExecutionResult,
  ctx: EventContext,
): Promise<FormattedExecutionResult> {
  const errors: GraphQLFormattedError[] = (event.errors ?? []).map((e) =>
    publicError(e, ctx.log, undefined, true),
  );
  if (!event.data) return { data: null, errors };
  const data = event.data as Record<string, unknown>;
  if (ctx.plan.rest) await runPlanNode(ctx.plan.rest, data, errors, ctx);

  const shaped = await execute({
    schema: ctx.schema,
    document: ctx.document,
    operationName: ctx.operationName,
    variableValues: ctx.rawVariables,
    rootValue: data,
    fieldResolver: byResponseKey,
  });
  for (const error of shaped.errors ?? []) {
    // A null a subgraph already explained (at this path or above) needs no second error.
    if (errors.some((known) => isPathPrefix(known.path, error.path))) continue;
    errors.push(publicError(error.toJSON(), ctx.log));
  }
  return errors.length ? { data: shaped.data ?? null, errors } : { data: shaped.data ?? null };
}
