import { forbidden, notFound, idArgument } from '@agentry/core';
import { isAdmin, requireUser } from '@agentry/subgraph-kit';
import type { TasksContext } from '../context';
import { findToolGrant, findToolServer } from '../projections/tool-server-projection.store';

/**
 * The server, if the caller may use `tool` on it (any tool when `tool` is null): its owner,
 * anyone on a public server, admins, and users with a grant that covers the tool.
 */
export async function usableServer(ctx: TasksContext, id: string, tool: string | null) {
  const userId = requireUser(ctx, 'tools:call');
  const serverId = idArgument(id, 'serverId', 'a tool server');
  const server = await findToolServer(ctx.db, serverId);
  if (!server) throw notFound('Tool server', serverId);
  if (server.ownerId === userId || server.public || isAdmin(ctx)) return { server, userId };
  const grant = await findToolGrant(ctx.db, serverId, userId);
  const allowed =
    grant && (grant.tools === null || tool === null ? true : grant.tools.includes(tool));
  if (!allowed) throw forbidden('You have no access to this tool; ask its owner for a grant.');
  return { server, userId };
}

/**
 * How errors name a server for this caller: undefined (its URL) for its owner and admins, who
 * may read `ToolServer.url`; its name for everyone else, so no error shows them the URL.
 */
export const urlLabel = (ctx: TasksContext, server: { ownerId: string; name: string }) =>
  server.ownerId === ctx.identity.userId || isAdmin(ctx) ? undefined : JSON.stringify(server.name);
