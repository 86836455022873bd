import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { idArgument } from '@agentry/core';
import { isAdmin, Scope } from '@agentry/subgraph-kit';
import type { KnowledgeContext } from '../context';
import { KnowledgeGraphArgs } from './knowledge-graph.args';
import { knowledgeGraph } from './knowledge-graph.store';
import { KnowledgeGraph } from './knowledge-graph.type';

@Resolver(() => KnowledgeGraph)
export class KnowledgeGraphResolver {
  @Scope('agents:read')
  @Query(() => KnowledgeGraph, {
    // Nullable: when the graph store is down, the error leaves the other root fields intact.
    nullable: true,
    description:
      'The knowledge graph around a published agent, up to `depth` hops (1 to 3): related agents, skills, tags and categories, and your own hires and reviews of them.',
  })
  knowledgeGraph(@Args() { agentId, depth }: KnowledgeGraphArgs, @Ctx() ctx: KnowledgeContext) {
    const id = idArgument(agentId, 'agentId', 'an agent');
    return knowledgeGraph(ctx.graph, id, depth ?? 2, {
      userId: ctx.identity.userId,
      admin: isAdmin(ctx),
    });
  }
}
