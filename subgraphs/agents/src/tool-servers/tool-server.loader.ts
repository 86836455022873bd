import { byKeys, groupByKeys, type SubgraphContext } from '@agentry/subgraph-kit';
import type { Tool } from './tool.entity';
import { grantsOfServers, grantsOfUser } from './tool-grant.store';
import type { ToolGrant } from './tool-grant.entity';
import type { ToolServer } from './tool-server.entity';
import { serversById } from './tool-server.store';
import { toolsById, toolsOfServers } from './tool.store';

/** Servers by id, batched per request (callers decide visibility). */
export const toolServerLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, ToolServer | null>('toolServerById', async (ids) =>
    byKeys(ids, await serversById(ctx.db.manager, ids), (s) => s.id),
  );

/** Every tool of each server, by name. */
export const toolsByServerLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, Tool[]>('toolsByServer', async (serverIds) =>
    groupByKeys(serverIds, await toolsOfServers(ctx.db.manager, serverIds), (t) => t.serverId),
  );

/** Tools by id (`<serverId>:<name>`); a malformed id is simply not found. */
export const toolByIdLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, Tool | null>('toolById', async (ids) =>
    byKeys(ids, await toolsById(ctx.db.manager, ids), (t) => t.id),
  );

/** The caller's own grant on each server (null: none). */
export const viewerGrantLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, ToolGrant | null>('viewerToolGrant', async (serverIds) => {
    const viewer = ctx.identity.userId;
    if (!viewer) return serverIds.map(() => null);
    return byKeys(
      serverIds,
      await grantsOfUser(ctx.db.manager, viewer, serverIds),
      (g) => g.serverId,
    );
  });

/** Every grant of each server, oldest first (what its owner manages). */
export const grantsByServerLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, ToolGrant[]>('toolGrantsByServer', async (serverIds) =>
    groupByKeys(serverIds, await grantsOfServers(ctx.db.manager, serverIds), (g) => g.serverId),
  );
