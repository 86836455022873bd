import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { KnowledgeContext } from '../../context';
import { AgentRecommendation } from '../../recommendations/agent-recommendation.type';
import { FirstArgs } from '../../recommendations/first.args';
import { recommendationLoader } from '../../recommendations/recommendation.loader';
import { toAgentRecommendation } from '../../recommendations/recommendation.view';
import { AgentStub } from './agent.stub';

@Resolver(() => AgentStub)
export class AgentKnowledgeResolver {
  @FieldResolver(() => [AgentRecommendation], {
    nullable: true,
    description:
      'Published agents most like this one, by shared skills, tags and category, best first. Null when the knowledge subgraph cannot answer right now (an error says so).',
  })
  async similarAgents(
    @Root() agent: AgentStub,
    @Args() { first }: FirstArgs,
    @Ctx() ctx: KnowledgeContext,
  ) {
    const recs = await recommendationLoader(ctx, 'similar', first ?? 10).load(agent.id);
    return recs.map(toAgentRecommendation);
  }

  @FieldResolver(() => [AgentRecommendation], {
    nullable: true,
    description:
      'Published agents that the users who hired this one also hired (shown once at least two users did), by co-occurrence. Null when the knowledge subgraph cannot answer right now (an error says so).',
  })
  async hiredTogetherWith(
    @Root() agent: AgentStub,
    @Args() { first }: FirstArgs,
    @Ctx() ctx: KnowledgeContext,
  ) {
    const recs = await recommendationLoader(ctx, 'hiredTogether', first ?? 10).load(agent.id);
    return recs.map(toAgentRecommendation);
  }

  @FieldResolver(() => [AgentRecommendation], {
    nullable: true,
    description:
      'Published agents this one delegates work to or receives work from (workflow steps), most tasks first. Null when the knowledge subgraph cannot answer right now (an error says so).',
  })
  async collaborators(
    @Root() agent: AgentStub,
    @Args() { first }: FirstArgs,
    @Ctx() ctx: KnowledgeContext,
  ) {
    const recs = await recommendationLoader(ctx, 'collaborators', first ?? 10).load(agent.id);
    return recs.map(toAgentRecommendation);
  }
}
