import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Scope } from '@agentry/subgraph-kit';
import { badInput } from '@agentry/core';
import { connectToolServer } from '@agentry/mcp-adapter';
import type { TasksContext } from '../context';
import { ResourceContentItem } from './resource-content.type';
import { urlLabel, usableServer } from './tool.access';

@Resolver()
export class ResourceResolver {
  @Scope('tools:call')
  @Query(() => [ResourceContentItem], {
    description: 'Reads a resource of an MCP tool server you may use.',
  })
  async readResource(
    @Arg('serverId', () => ID) serverId: string,
    @Arg('uri') uri: string,
    @Ctx() ctx: TasksContext,
  ): Promise<ResourceContentItem[]> {
    if (uri.length > 2048) throw badInput('uri is too long.', { argument: 'uri' });
    const { server } = await usableServer(ctx, serverId, null);
    const { services } = ctx;
    const connection = await connectToolServer(server.url, {
      allowPrivate: services.env.allowPrivateUrls,
      label: urlLabel(ctx, server),
    });
    try {
      return await connection.readResource(uri, { timeoutMs: services.env.TOOL_CALL_TIMEOUT_MS });
    } finally {
      await connection.close().catch(() => {});
    }
  }
}
