import type { EntityManager } from 'typeorm';
import { forbidden, notFound } from '@agentry/core';
import { isAdmin, type SubgraphContext } from '@agentry/subgraph-kit';
import type { Actor } from '../shared/actor';
import type { Tool } from './tool.entity';
import type { ToolServer } from './tool-server.entity';
import { toolByIdLoader, toolServerLoader, viewerGrantLoader } from './tool-server.loader';
import { lockServer } from './tool-server.store';

/** What the caller may call on a server: every tool, some by name, or nothing. */
export type ToolAccess = { all: true } | { all: false; names: Set<string> };
const NOTHING: ToolAccess = { all: false, names: new Set() };

/**
 * The owner and admins may call every tool; any signed-in user every tool of a public server;
 * others what they were granted.
 */
export async function toolAccess(ctx: SubgraphContext, server: ToolServer): Promise<ToolAccess> {
  const viewer = ctx.identity.userId;
  if (!viewer) return NOTHING;
  if (server.ownerId === viewer || isAdmin(ctx) || server.public) return { all: true };
  const grant = await viewerGrantLoader(ctx).load(server.id);
  if (!grant) return NOTHING;
  return grant.tools === null ? { all: true } : { all: false, names: new Set(grant.tools) };
}

export const mayCall = (access: ToolAccess, name: string) => access.all || access.names.has(name);
export const mayCallAny = (access: ToolAccess) => access.all || access.names.size > 0;

/** Whether the caller sees the server at all: its owner, admins, anyone if public, grantees. */
async function canSeeToolServer(ctx: SubgraphContext, server: ToolServer) {
  const viewer = ctx.identity.userId;
  if (server.public || isAdmin(ctx) || (viewer && server.ownerId === viewer)) return true;
  return (await viewerGrantLoader(ctx).load(server.id)) !== null;
}

/** Whether the caller manages the server (its url and grants): the owner and admins. */
export const managesToolServer = (ctx: SubgraphContext, server: ToolServer) =>
  server.ownerId === ctx.identity.userId || isAdmin(ctx);

/** A server the caller may see, else null (a private server without a grant does not exist for them). */
export async function visibleServer(ctx: SubgraphContext, id: string): Promise<ToolServer | null> {
  const server = await toolServerLoader(ctx).load(id);
  return server && (await canSeeToolServer(ctx, server)) ? server : null;
}

/** A tool, if the caller may call it (a tool is shown exactly where it is callable). */
export async function callableTool(ctx: SubgraphContext, id: string): Promise<Tool | null> {
  const tool = await toolByIdLoader(ctx).load(id);
  if (!tool) return null;
  const server = await toolServerLoader(ctx).load(tool.serverId);
  if (!server) return null;
  return mayCall(await toolAccess(ctx, server), tool.name) ? tool : null;
}

/** Locks a server for a change by its owner (or, with `admins`, an admin). */
export async function lockForOwner(
  m: EntityManager,
  actor: Actor,
  id: string,
  { admins }: { admins: boolean },
): Promise<ToolServer> {
  const server = await lockServer(m, id);
  if (!server) throw notFound('Tool server', id);
  if (server.ownerId !== actor.userId && !(admins && actor.admin)) {
    throw forbidden(
      admins
        ? 'Only the owner of this tool server or an admin may do this.'
        : 'Only the owner of this tool server may change it.',
    );
  }
  return server;
}
