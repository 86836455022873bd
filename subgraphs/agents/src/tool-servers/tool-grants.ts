import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import { notFound } from '@agentry/core';
import { isKnownUser } from '../projections/known-user.store';
import type { Actor } from '../shared/actor';
import { addToGrant, deleteGrant, lockGrant, setGrantTools } from './tool-grant.store';
import { lockForOwner } from './tool-server.access';
import type { ToolServer } from './tool-server.entity';
import { publishToolServer } from './tool-server.events';
import { assertToolsKnown } from './tool-server.rules';
import { reloadServer } from './tool-server.store';
import { toolNames } from './tool.store';

/**
 * Lets a user call tools of a server (its owner or an admin). `tools` null grants every tool,
 * including ones the server adds later; a list adds those tools to what the user already has.
 */
export async function grantToolAccess(
  m: EntityManager,
  actor: Actor,
  serverId: string,
  userId: string,
  tools: string[] | null,
): Promise<ToolServer> {
  await lockForOwner(m, actor, serverId, { admins: true });
  if (!(await isKnownUser(m, userId))) throw notFound('User', userId);
  if (tools) assertToolsKnown(tools, await toolNames(m, serverId), 'tools');
  await addToGrant(m, serverId, userId, tools);
  await publishToolServer(m, serverId);
  return reloadServer(m, serverId);
}

/**
 * Takes tools back (the owner or an admin): `tools` null takes every tool (the grant goes); a
 * list removes those (from a grant of every tool: leaves the server's other tools). A grant left
 * with no tool goes. Revoking what was never granted changes nothing.
 */
export async function revokeToolAccess(
  m: EntityManager,
  actor: Actor,
  serverId: string,
  userId: string,
  tools: string[] | null,
): Promise<ToolServer> {
  await lockForOwner(m, actor, serverId, { admins: true });
  const grant = await lockGrant(m, serverId, userId);
  const listed = await toolNames(m, serverId);
  // A name the grant holds may be gone from the server; anything else is a typo.
  if (tools) assertToolsKnown(tools, [...listed, ...(grant?.tools ?? [])], 'tools');
  if (!grant) return reloadServer(m, serverId);
  const remove = new Set(tools ?? []);
  const left = tools ? (grant.tools ?? listed).filter((n) => !remove.has(n)) : [];
  if (left.length) {
    if (isDeepStrictEqual(left, grant.tools)) return reloadServer(m, serverId);
    await setGrantTools(m, serverId, userId, left);
  } else {
    await deleteGrant(m, serverId, userId);
  }
  await publishToolServer(m, serverId);
  return reloadServer(m, serverId);
}
