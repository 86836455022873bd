import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Scope } from '@agentry/subgraph-kit';
import { notFound } from '@agentry/core';
import type { SubgraphContext } from '@agentry/subgraph-kit';
import { Tool } from './tool.entity';
import { ToolServer } from './tool-server.entity';
import { toolServerLoader } from './tool-server.loader';

@Resolver(() => Tool)
export class ToolResolver {
  @Scope('agents:read')
  @FieldResolver(() => ToolServer, { description: 'The server the tool belongs to.' })
  async server(@Root() tool: Tool, @Ctx() ctx: SubgraphContext): Promise<ToolServer> {
    const server = await toolServerLoader(ctx).load(tool.serverId);
    if (!server) throw notFound('Tool server', tool.serverId);
    return server;
  }
}
