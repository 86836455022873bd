import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { forbidden } from '@agentry/core';
import { requireUser, Scope } from '@agentry/subgraph-kit';
import type { KnowledgeContext } from '../../context';
import { AgentRecommendation } from '../../recommendations/agent-recommendation.type';
import { FirstArgs } from '../../recommendations/first.args';
import { recommendedAgents } from '../../recommendations/recommendation.store';
import { toAgentRecommendation } from '../../recommendations/recommendation.view';
import { UserStub } from './user.stub';

@Resolver(() => UserStub)
export class UserKnowledgeResolver {
  @Scope('tasks:read')
  @FieldResolver(() => [AgentRecommendation], {
    nullable: true,
    description:
      'Agents to try next, from what users with similar hires hired and rated well, excluding those already hired; the most hired agents for a new user. Only for the signed-in user (`me`). Null when the knowledge subgraph cannot answer right now (an error says so).',
  })
  async recommendedAgents(
    @Root() user: UserStub,
    @Args() { first }: FirstArgs,
    @Ctx() ctx: KnowledgeContext,
  ) {
    const userId = requireUser(ctx, 'tasks:read');
    if (userId !== user.id)
      throw forbidden('Recommendations are only shown to the user they are for.');
    const recs = await recommendedAgents(ctx.graph, userId, first ?? 10);
    return recs.map(toAgentRecommendation);
  }
}
