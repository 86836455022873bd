import { byKeys, isAdmin, pageSize, type Page, type SubgraphContext } from '@agentry/subgraph-kit';
import type { Agent } from './agent.entity';
import { agentsById, agentsBySlug, agentsOfProviders } from './agent.store';

/** Agents by id, batched per request (any status: callers decide visibility). */
export const agentLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, Agent | null>('agentById', async (ids) =>
    byKeys(ids, await agentsById(ctx.db.manager, ids), (a) => a.id),
  );

export const agentBySlugLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, Agent | null>('agentBySlug', async (slugs) =>
    byKeys(slugs, await agentsBySlug(ctx.db.manager, slugs), (a) => a.slug),
  );

/** `User.publishedAgents` for every user in the request at once (see agentsOfProviders). */
export function publishedAgentsLoader(
  ctx: SubgraphContext,
  args: { first?: number; after?: string | null },
) {
  const limit = pageSize(args.first);
  const viewer = ctx.identity.userId;
  const admin = isAdmin(ctx);
  const name = `publishedAgents:${limit}:${args.after ?? ''}:${viewer ?? ''}:${admin}`;
  return ctx.loader<string, Page<Agent>>(name, (userIds) =>
    agentsOfProviders(ctx.db.manager, userIds, { limit, after: args.after, viewer, admin }),
  );
}
