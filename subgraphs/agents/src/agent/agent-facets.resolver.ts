import { Ctx, Query, Resolver } from 'type-graphql';
import { Scope } from '@agentry/subgraph-kit';
import type { SubgraphContext } from '@agentry/subgraph-kit';
import { AgentFacets } from './agent-facets.type';
import { catalogueFacets } from './agent.store';

@Resolver()
export class AgentFacetsResolver {
  @Scope('agents:read')
  @Query(() => AgentFacets, {
    nullable: true,
    description:
      'Categories and tags of the published agents, with counts (for filters). Null when the agents subgraph cannot answer right now (an error says so), so the other root fields of the operation still answer.',
  })
  agentFacets(@Ctx() ctx: SubgraphContext): Promise<AgentFacets> {
    return catalogueFacets(ctx.db.manager);
  }
}
