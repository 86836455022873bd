import { Ctx, Query, Resolver } from 'type-graphql';
import type { SubgraphContext } from '@agentry/subgraph-kit';
import { AgentFacets } from './agent-facets.type';
import { catalogueFacets } from './agent.store';

@Resolver()
export class AgentFacetsResolver {
  @Query(() => AgentFacets, {
    description: 'Categories and tags of the published agents, with counts (for filters).',
  })
  agentFacets(@Ctx() ctx: SubgraphContext): Promise<AgentFacets> {
    return catalogueFacets(ctx.db.manager);
  }
}
