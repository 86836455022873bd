import type { EntityManager } from 'typeorm';
import { selectColumns } from '@agentry/subgraph-kit';
import { ToolGrant } from './tool-grant.entity';

// The only code that runs SQL on agents.tool_grants; columns and rows come from its entity.

const columns = (m: EntityManager) => selectColumns(m, ToolGrant, 'g');

/** Every grant of each server, oldest first (what its owner manages). */
export async function grantsOfServers(
  m: EntityManager,
  serverIds: readonly string[],
): Promise<ToolGrant[]> {
  const rows: object[] = await m.query(
    `SELECT ${columns(m)} FROM agents.tool_grants g WHERE g.server_id = ANY($1::uuid[])
      ORDER BY g.server_id, g.created_at, g.user_id`,
    [serverIds],
  );
  return m.create(ToolGrant, rows);
}

/** One user's grants on these servers. */
export async function grantsOfUser(
  m: EntityManager,
  userId: string,
  serverIds: readonly string[],
): Promise<ToolGrant[]> {
  const rows: object[] = await m.query(
    `SELECT ${columns(m)} FROM agents.tool_grants g
      WHERE g.server_id = ANY($1::uuid[]) AND g.user_id = $2`,
    [serverIds, userId],
  );
  return m.create(ToolGrant, rows);
}

/** Locks a user's grant on a server for a change; null when there is none. */
export async function lockGrant(
  m: EntityManager,
  serverId: string,
  userId: string,
): Promise<ToolGrant | null> {
  const [row] = await m.query(
    `SELECT ${columns(m)} FROM agents.tool_grants g
      WHERE g.server_id = $1 AND g.user_id = $2 FOR UPDATE`,
    [serverId, userId],
  );
  return row ? m.create(ToolGrant, row) : null;
}

/**
 * Adds tools to a user's grant, creating it if need be. A NULL on either side means every tool,
 * and stays so.
 */
export async function addToGrant(
  m: EntityManager,
  serverId: string,
  userId: string,
  tools: string[] | null,
): Promise<void> {
  await m.query(
    `INSERT INTO agents.tool_grants AS g (server_id, user_id, tools)
     VALUES ($1, $2, $3::text[])
     ON CONFLICT (server_id, user_id) DO UPDATE SET tools =
       CASE WHEN g.tools IS NULL OR excluded.tools IS NULL THEN NULL
            ELSE ARRAY(SELECT DISTINCT unnest(g.tools || excluded.tools) ORDER BY 1) END`,
    [serverId, userId, tools ? [...new Set(tools)].sort() : null],
  );
}

export async function setGrantTools(
  m: EntityManager,
  serverId: string,
  userId: string,
  tools: string[],
): Promise<void> {
  await m.query(
    'UPDATE agents.tool_grants SET tools = $3::text[] WHERE server_id = $1 AND user_id = $2',
    [serverId, userId, tools],
  );
}

export async function deleteGrant(m: EntityManager, serverId: string, userId: string) {
  await m.query('DELETE FROM agents.tool_grants WHERE server_id = $1 AND user_id = $2', [
    serverId,
    userId,
  ]);
}
