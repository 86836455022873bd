import { Ctx, Query, Resolver } from 'type-graphql';
import { Scope } from '@agentry/subgraph-kit';
import type { SubgraphContext } from '@agentry/subgraph-kit';
import { AgentFacets } from './agent-facets.type';
import { catalogueFacets } from './agent.store';

@Resolver()
export class AgentFacetsResolver {
  @Scope('agents:read')
  @Query(() => AgentFacets, {
    description: 'Categories and tags of the published agents, with counts (for filters).',
  })
  agentFacets(@Ctx() ctx: SubgraphContext): Promise<AgentFacets> {
    return catalogueFacets(ctx.db.manager);
  }
}
