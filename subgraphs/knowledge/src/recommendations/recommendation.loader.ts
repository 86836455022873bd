import { isAdmin } from '@agentry/subgraph-kit';
import type { KnowledgeContext } from '../context';
import {
  collaborators,
  hiredTogetherWith,
  similarAgents,
  type Recommendation,
  type Viewer,
} from './recommendation.store';

const viewerOf = (ctx: KnowledgeContext): Viewer => ({
  userId: ctx.identity.userId,
  admin: isAdmin(ctx),
});

const STORES = { similar: similarAgents, hiredTogether: hiredTogetherWith, collaborators };

/**
 * One Cypher query per request, kind and page size for every agent asking (no N+1 when a list
 * of agents selects these fields).
 */
export function recommendationLoader(
  ctx: KnowledgeContext,
  kind: keyof typeof STORES,
  first: number,
) {
  return ctx.loader<string, Recommendation[]>(`knowledge.${kind}:${first}`, async (ids) => {
    const byAgent = await STORES[kind](ctx.graph, ids, first, viewerOf(ctx));
    return ids.map((id) => byAgent.get(id) ?? []);
  });
}
