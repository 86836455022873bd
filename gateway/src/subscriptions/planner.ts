import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type SubscriptionNode } from '@apollo/query-planner';
import { print, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * What the subscription executor needs from one supergraph version: the public (API) schema
 * clients validate against, the planner, and the routing URL of each subgraph. Built again
 * whenever the gateway loads a new supergraph; running subscriptions keep the plan they started
 * with.
 */
export interface PlanningState {
  apiSchema: GraphQLSchema;
  /** Routing URLs as composed (`join__graph`), by subgraph name. */
  routingUrls: ReadonlyMap<string, string>;
  /** The plan of a validated subscription operation (cached per document and operation name). */
  planSubscription(document: DocumentNode, operationName?: string | null): SubscriptionNode;
}

/** Plans kept per supergraph version; a busy gateway sees far fewer distinct documents. */
const PLAN_CACHE_SIZE = 500;

export function createPlanningState(supergraphSdl: string): PlanningState {
  const supergraph = Supergraph.build(supergraphSdl);
  const api = supergraph.apiSchema();
  const apiSchema = api.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  const routingUrls = new Map(supergraph.subgraphsMetadata().map((s) => [s.name, s.url]));
  const cache = new Map<string, SubscriptionNode>();
  // The same parsed document comes back for every socket that sends it: skip printing it.
  const byDocument = new WeakMap<DocumentNode, Map<string, SubscriptionNode>>();

  return {
    apiSchema,
    routingUrls,
    planSubscription(document, operationName) {
      let plans = byDocument.get(document);
      if (!plans) byDocument.set(document, (plans = new Map()));
      const known = plans.get(operationName ?? '');
      if (known) return known;
      const key = `${operationName ?? ''}\n${print(document)}`;
      const cached = cache.get(key);
      if (cached) {
        plans.set(operationName ?? '', cached);
        return cached;
      }
      const operation = operationFromDocument(api, document, {
        operationName: operationName ?? undefined,
      });
      const node = planner.buildQueryPlan(operation).node;
      if (node?.kind !== 'Subscription')
        throw new Error(`expected a subscription plan, got ${node?.kind ?? 'an empty one'}`);
      if (cache.size >= PLAN_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(key, node);
      plans.set(operationName ?? '', node);
      return node;
    },
  };
}
