import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { forbidden, idArgument, notFound } from '@agentry/core';
import {
  PageArgs,
  pageSize,
  requireRole,
  requireUser,
  Scope,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import type { AgentsContext } from '../context';
import { UserStub } from '../federated/user/user.stub';
import { isKnownUser } from '../projections/known-user.store';
import { actorOf } from '../shared/actor';
import { ToolPrompt, ToolResource, ToolResourceTemplate } from './catalogue.type';
import { RegisterToolServerInput } from './register-tool-server.input';
import { registerToolServer } from './register-tool-server';
import { Tool } from './tool.entity';
import { ToolAccessArgs } from './tool-access.args';
import { ToolGrant } from './tool-grant.entity';
import { grantToolAccess, revokeToolAccess } from './tool-grants';
import {
  managesToolServer,
  mayCall,
  mayCallAny,
  toolAccess,
  visibleServer,
} from './tool-server.access';
import { recordToolServerCheck } from './tool-server-check';
import { checkToolServer } from './tool-server.describe';
import { ToolServer, ToolServerConnection } from './tool-server.entity';
import { ToolServerIdArgs } from './tool-server-id.args';
import { grantsByServerLoader, toolsByServerLoader, toolServerLoader } from './tool-server.loader';
import { visibleServers } from './tool-server.store';
import { updateToolServer } from './update-tool-server';
import { UpdateToolServerArgs } from './update-tool-server.input';

const serverId = (id: string, argument = 'id') => idArgument(id, argument, 'a tool server');

@Resolver(() => ToolServer)
export class ToolServerResolver {
  @Scope('agents:read')
  @Query(() => ToolServer, {
    nullable: true,
    description:
      'One tool server; null when not found or when it is private and you neither own it nor hold a grant on it.',
  })
  toolServer(@Args() { id }: ToolServerIdArgs, @Ctx() ctx: SubgraphContext) {
    return visibleServer(ctx, serverId(id));
  }

  @Scope('agents:read')
  @Query(() => ToolServerConnection, {
    nullable: true,
    description:
      'Tool servers you own, public ones and ones granted to you, newest first. Null when the agents subgraph cannot answer right now (an error says so), so the other root fields of the operation still answer.',
  })
  toolServers(@Args() args: PageArgs, @Ctx() ctx: SubgraphContext) {
    return visibleServers(ctx.db.manager, ctx.identity.userId, {
      limit: pageSize(args.first),
      after: args.after,
    });
  }

  @Scope('agents:read')
  @FieldResolver(() => String, {
    nullable: true,
    description: 'The MCP endpoint: for its owner and admins only (null for others).',
  })
  url(@Root() server: ToolServer, @Ctx() ctx: SubgraphContext): string | null {
    return managesToolServer(ctx, server) ? server.url : null;
  }

  @Scope('agents:read')
  @FieldResolver(() => UserStub, {
    nullable: true,
    description:
      'The user who listed this server. Null when the users subgraph cannot answer right now (an error says so).',
  })
  owner(@Root() server: ToolServer): UserStub {
    return { id: server.ownerId };
  }

  @Scope('agents:read')
  @FieldResolver(() => [Tool], {
    description:
      'The tools you may call: all for the owner and admins, all of a public server for any signed-in user, else those granted to you.',
  })
  async tools(@Root() server: ToolServer, @Ctx() ctx: SubgraphContext): Promise<Tool[]> {
    const [access, tools] = await Promise.all([
      toolAccess(ctx, server),
      toolsByServerLoader(ctx).load(server.id),
    ]);
    return tools.filter((t) => mayCall(access, t.name));
  }

  @Scope('agents:read')
  @FieldResolver(() => [ToolResource], {
    description: 'Resources of the server, for those who may call at least one of its tools.',
  })
  async resources(@Root() server: ToolServer, @Ctx() ctx: SubgraphContext) {
    return mayCallAny(await toolAccess(ctx, server)) ? server.resources : [];
  }

  @Scope('agents:read')
  @FieldResolver(() => [ToolResourceTemplate], {
    description: 'Resource templates, for those who may call at least one tool.',
  })
  async resourceTemplates(@Root() server: ToolServer, @Ctx() ctx: SubgraphContext) {
    return mayCallAny(await toolAccess(ctx, server)) ? server.resourceTemplates : [];
  }

  @Scope('agents:read')
  @FieldResolver(() => [ToolPrompt], {
    description: 'Prompts, for those who may call at least one tool.',
  })
  async prompts(@Root() server: ToolServer, @Ctx() ctx: SubgraphContext) {
    return mayCallAny(await toolAccess(ctx, server)) ? server.prompts : [];
  }

  @Scope('agents:read')
  @FieldResolver(() => [ToolGrant], {
    description: 'Who may call which tools: for the owner and admins (empty for others).',
  })
  async grants(@Root() server: ToolServer, @Ctx() ctx: SubgraphContext): Promise<ToolGrant[]> {
    if (!managesToolServer(ctx, server)) return [];
    return grantsByServerLoader(ctx).load(server.id);
  }

  @Scope('agents:write')
  @Mutation(() => ToolServer, {
    description:
      'Lists an MCP server (PUBLISHER role) after connecting to it and cataloguing what it offers; one listing per URL. TOOL_UNREACHABLE when it does not answer, BAD_USER_INPUT for a URL that may not be called.',
  })
  registerToolServer(
    @Arg('input') input: RegisterToolServerInput,
    @Ctx() ctx: AgentsContext,
  ): Promise<ToolServer> {
    const ownerId = requireRole(ctx, 'PUBLISHER', 'agents:write');
    return registerToolServer(ctx, ownerId, input);
  }

  @Scope('agents:write')
  @Mutation(() => ToolServer, {
    description:
      "Changes a listing (its owner): name, visibility, every tool's price or single tools' prices.",
  })
  updateToolServer(@Args() { id, input }: UpdateToolServerArgs, @Ctx() ctx: SubgraphContext) {
    const userId = requireUser(ctx, 'agents:write');
    serverId(id);
    return ctx.db.transaction((m) =>
      updateToolServer(m, actorOf(ctx, userId), id, {
        name: input.name?.trim() ?? undefined,
        public: input.public ?? undefined,
        priceCredits: input.priceCredits ?? undefined,
        toolPrices: input.toolPrices ?? undefined,
      }),
    );
  }

  @Scope('agents:write')
  @Mutation(() => ToolServer, {
    description:
      'Describes the server again (its owner or an admin) and updates the catalogue; prices and grants stay. A server that does not answer becomes UNAVAILABLE (no error).',
  })
  async refreshToolServer(@Args() { id }: ToolServerIdArgs, @Ctx() ctx: AgentsContext) {
    requireUser(ctx, 'agents:write');
    const server = await toolServerLoader(ctx).load(serverId(id));
    if (!server) throw notFound('Tool server', id);
    if (!managesToolServer(ctx, server)) {
      throw forbidden('Only the owner of this tool server or an admin may refresh it.');
    }
    const check = await checkToolServer(server.url, ctx.tools);
    const refreshed = await ctx.db.transaction((m) =>
      recordToolServerCheck(m, id, check, { publish: 'always' }),
    );
    if (!refreshed) throw notFound('Tool server', id);
    return refreshed;
  }

  @Scope('agents:write')
  @Mutation(() => ToolServer, {
    description:
      "Lets a user call tools of a server (its owner or an admin): the tools named are added to the user's grant; without tools, every tool (also those added later). BAD_USER_INPUT for a tool the server does not have.",
  })
  async grantToolAccess(@Args() args: ToolAccessArgs, @Ctx() ctx: AgentsContext) {
    const userId = requireUser(ctx, 'agents:write');
    const server = serverId(args.serverId, 'serverId');
    const grantee = idArgument(args.userId, 'userId', 'a user');
    // A user who signed up a moment ago may not be in the projection yet.
    if (!(await isKnownUser(ctx.db, grantee))) await ctx.users.catchUp();
    return ctx.db.transaction((m) =>
      grantToolAccess(m, actorOf(ctx, userId), server, grantee, args.tools ?? null),
    );
  }

  @Scope('agents:write')
  @Mutation(() => ToolServer, {
    description:
      "Takes access back (the owner or an admin): the tools named, or without tools the user's whole grant.",
  })
  revokeToolAccess(@Args() args: ToolAccessArgs, @Ctx() ctx: SubgraphContext) {
    const userId = requireUser(ctx, 'agents:write');
    const server = serverId(args.serverId, 'serverId');
    const grantee = idArgument(args.userId, 'userId', 'a user');
    return ctx.db.transaction((m) =>
      revokeToolAccess(m, actorOf(ctx, userId), server, grantee, args.tools ?? null),
    );
  }
}
