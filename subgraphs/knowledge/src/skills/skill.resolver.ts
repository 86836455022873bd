import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Scope } from '@agentry/subgraph-kit';
import type { KnowledgeContext } from '../context';
import { AgentStub } from '../federated/agent/agent.stub';
import { keyOf } from '../projection/projection.store';
import { agentsWithSkills, findSkills, relatedSkills } from './skill.store';
import { Skill } from './skill.type';
import { SkillListArgs, SkillsArgs } from './skills.args';

@Resolver(() => Skill)
export class SkillResolver {
  @Scope('agents:read')
  @Query(() => [Skill], {
    // Nullable: when the graph store is down, the error leaves the other root fields intact.
    nullable: true,
    description:
      'Skills that published agents have, the most common first; `search` matches part of the name.',
  })
  skills(@Args() { search, first }: SkillsArgs, @Ctx() ctx: KnowledgeContext) {
    const text = search ? keyOf(search) : '';
    return findSkills(ctx.graph, text || null, first ?? 20);
  }

  @FieldResolver(() => [AgentStub], {
    description: 'Published agents with this skill, the most hired first.',
  })
  async agents(
    @Root() skill: Skill,
    @Args() { first: requested }: SkillListArgs,
    @Ctx() ctx: KnowledgeContext,
  ) {
    const first = requested ?? 10;
    const ids = await ctx
      .loader<string, string[]>(`knowledge.skillAgents:${first}`, async (keys) => {
        const byKey = await agentsWithSkills(ctx.graph, keys, first);
        return keys.map((k) => byKey.get(k) ?? []);
      })
      .load(skill.id);
    return ids.map((id) => ({ id }));
  }

  @FieldResolver(() => [Skill], {
    description:
      'Skills that published agents often have together with this one, most shared first.',
  })
  relatedSkills(
    @Root() skill: Skill,
    @Args() { first: requested }: SkillListArgs,
    @Ctx() ctx: KnowledgeContext,
  ) {
    const first = requested ?? 10;
    return ctx
      .loader<string, Skill[]>(`knowledge.relatedSkills:${first}`, async (keys) => {
        const byKey = await relatedSkills(ctx.graph, keys, first);
        return keys.map((k) => byKey.get(k) ?? []);
      })
      .load(skill.id);
  }
}
