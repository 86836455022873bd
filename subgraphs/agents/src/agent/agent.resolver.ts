import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, forbidden, idArgument, notFound } from '@agentry/core';
import {
  isAdmin,
  pageSize,
  requireRole,
  requireUser,
  Scope,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import { refreshAgentCard } from '../cards/refresh-agent-card';
import { registerAgent } from '../cards/register-agent';
import { RefreshAgentCardArgs } from '../cards/refresh-agent-card.args';
import { RegisterAgentInput } from '../cards/register-agent.input';
import type { AgentsContext } from '../context';
import { UserStub } from '../federated/user/user.stub';
import { actorOf } from '../shared/actor';
import { canSeeAgent } from './agent.access';
import { AgentLookupArgs } from './agent.args';
import { Agent, AgentConnection } from './agent.entity';
import { fieldsFromCreateInput, patchFromUpdateInput } from './agent-fields';
import { agentBySlugLoader, agentLoader } from './agent.loader';
import { publishedAgents } from './agent.store';
import { AgentsArgs } from './agents.args';
import { createAgent } from './create-agent';
import { CreateAgentInput } from './create-agent.input';
import { updateAgent } from './update-agent';
import { UpdateAgentArgs } from './update-agent.input';

const agentId = (id: string) => idArgument(id, 'id', 'an agent');

@Resolver(() => Agent)
export class AgentResolver {
  @Scope('agents:read')
  @Query(() => AgentConnection, {
    nullable: true,
    description:
      'Published agents: by relevance when searching, else newest first; totalCount counts all matches. Null when the agents subgraph cannot answer right now (an error says so), so the other root fields of the operation still answer.',
  })
  agents(@Args() args: AgentsArgs, @Ctx() ctx: SubgraphContext) {
    return publishedAgents(ctx.db.manager, { ...args, limit: pageSize(args.first) });
  }

  @Scope('agents:read')
  @Query(() => Agent, {
    nullable: true,
    description: 'One agent by id or by slug (exactly one of them); null when not found.',
  })
  async agent(@Args() { id, slug }: AgentLookupArgs, @Ctx() ctx: SubgraphContext) {
    if ((id == null) === (slug == null)) throw badInput('Pass exactly one of id and slug.');
    const agent =
      id != null
        ? await agentLoader(ctx).load(agentId(id))
        : await agentBySlugLoader(ctx).load(slug!);
    return agent && canSeeAgent(ctx, agent) ? agent : null;
  }

  @FieldResolver(() => UserStub, {
    nullable: true,
    description:
      'The user who publishes this agent. Null when the users subgraph cannot answer right now (an error says so).',
  })
  provider(@Root() agent: Agent): UserStub {
    return { id: agent.providerId };
  }

  @Scope('agents:write')
  @Mutation(() => Agent, { description: 'Publishes an agent described by hand (PUBLISHER role).' })
  async createAgent(@Arg('input') input: CreateAgentInput, @Ctx() ctx: SubgraphContext) {
    const providerId = requireRole(ctx, 'PUBLISHER', 'agents:write');
    const fields = fieldsFromCreateInput(input);
    const agent = await ctx.db.transaction((m) => createAgent(m, providerId, fields));
    ctx.log.info({ agentId: agent.id, slug: agent.slug }, 'agent created');
    return agent;
  }

  @Scope('agents:write')
  @Mutation(() => Agent, {
    description:
      'Publishes an A2A agent from its live agent card (PUBLISHER role); one listing per card. AGENT_UNREACHABLE when the card cannot be fetched, BAD_USER_INPUT when it is invalid.',
  })
  registerAgent(@Arg('input') input: RegisterAgentInput, @Ctx() ctx: AgentsContext) {
    const providerId = requireRole(ctx, 'PUBLISHER', 'agents:write');
    return registerAgent(ctx, providerId, input);
  }

  @Scope('agents:write')
  @Mutation(() => Agent, {
    description:
      "Re-reads an agent's card (its provider or an admin) and updates what the card describes; price, category, tags and status stay. A card that no longer answers makes the agent unavailable (no error); only agents registered from a card can be refreshed.",
  })
  async refreshAgentCard(@Args() { id }: RefreshAgentCardArgs, @Ctx() ctx: AgentsContext) {
    const userId = requireUser(ctx, 'agents:write');
    const agent = await agentLoader(ctx).load(agentId(id));
    if (!agent) throw notFound('Agent', id);
    if (agent.providerId !== userId && !isAdmin(ctx)) {
      throw forbidden('Only the provider of this agent or an admin may refresh its card.');
    }
    if (!agent.cardUrl) {
      throw badInput(
        'This agent was described by hand, not registered from a card; use updateAgent.',
        { argument: 'id' },
      );
    }
    const refreshed = await refreshAgentCard(ctx, agent, agent.cardUrl);
    if (!refreshed) throw notFound('Agent', id);
    return refreshed;
  }

  @Scope('agents:write')
  @Mutation(() => Agent, {
    description:
      'Changes an agent (its provider), or its status (an admin). The slug stays as it was.',
  })
  updateAgent(@Args() { id, input }: UpdateAgentArgs, @Ctx() ctx: SubgraphContext) {
    const userId = requireUser(ctx, 'agents:write');
    const target = agentId(id);
    const patch = patchFromUpdateInput(input);
    return ctx.db.transaction((m) => updateAgent(m, actorOf(ctx, userId), target, patch));
  }
}
