import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput } from '@agentry/core';
import {
  isAdmin,
  isUuid,
  requireRole,
  requireUser,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import { Agent, AgentConnection, AgentStatus } from './agent.entity';
import { agentBySlugLoader, agentLoader, listAgents } from './agent.loader';
import {
  createAgent,
  fieldsFromCreateInput,
  patchFromUpdateInput,
  updateAgent,
} from './agent.service';
import { AgentLookupArgs, AgentsArgs } from './agents.args';
import { CreateAgentInput } from './create-agent.input';
import { UpdateAgentArgs } from './update-agent.input';
import { UserRef } from './user-ref';

/** DRAFT and SUSPENDED agents are for their provider and admins only. */
export const canSee = (ctx: SubgraphContext, agent: Agent) =>
  agent.status === AgentStatus.PUBLISHED ||
  agent.providerId === ctx.identity.userId ||
  isAdmin(ctx);

@Resolver(() => Agent)
export class AgentResolver {
  @Query(() => AgentConnection, {
    description:
      'Published agents: by relevance when searching, else newest first; totalCount counts all matches.',
  })
  agents(@Args() args: AgentsArgs, @Ctx() ctx: SubgraphContext) {
    return listAgents(ctx, args);
  }

  @Query(() => Agent, {
    nullable: true,
    description: 'One agent by id or by slug (exactly one of them); null when not found.',
  })
  async agent(@Args() { id, slug }: AgentLookupArgs, @Ctx() ctx: SubgraphContext) {
    if ((id == null) === (slug == null)) throw badInput('Pass exactly one of id and slug.');
    let agent: Agent | null;
    if (id != null) {
      if (!isUuid(id)) throw badInput('id must be an agent id.', { argument: 'id' });
      agent = await agentLoader(ctx).load(id);
    } else {
      agent = await agentBySlugLoader(ctx).load(slug!);
    }
    return agent && canSee(ctx, agent) ? agent : null;
  }

  @FieldResolver(() => UserRef, { description: 'The user who publishes this agent.' })
  provider(@Root() agent: Agent): UserRef {
    return { id: agent.providerId };
  }

  @Mutation(() => Agent, { description: 'Publishes an agent described by hand (PUBLISHER role).' })
  async createAgent(@Arg('input') input: CreateAgentInput, @Ctx() ctx: SubgraphContext) {
    const providerId = requireRole(ctx, 'PUBLISHER', 'agents:write');
    const fields = fieldsFromCreateInput(input);
    const agent = await ctx.db.transaction((m) => createAgent(m, providerId, fields));
    ctx.log.info({ agentId: agent.id, slug: agent.slug }, 'agent created');
    return agent;
  }

  @Mutation(() => Agent, {
    description:
      'Changes an agent (its provider), or its status (an admin). The slug stays as it was.',
  })
  async updateAgent(@Args() { id, input }: UpdateAgentArgs, @Ctx() ctx: SubgraphContext) {
    const userId = requireUser(ctx, 'agents:write');
    if (!isUuid(id)) throw badInput('id must be an agent id.', { argument: 'id' });
    const patch = patchFromUpdateInput(input);
    return ctx.db.transaction((m) => updateAgent(m, { userId, admin: isAdmin(ctx) }, id, patch));
  }
}
