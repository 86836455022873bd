import type { EntityManager } from 'typeorm';
import type { PayloadOf } from '@agentry/events';
import { selectColumns, type Db } from '@agentry/subgraph-kit';
import {
  ToolGrantProjection,
  ToolProjection,
  ToolServerProjection,
} from './tool-server-projection.entity';

/** Replaces what is known of a server (its row, tools and grants) with the event's snapshot. */
export async function applyToolServerSnapshot(
  m: EntityManager,
  p: PayloadOf<'tool_server.updated'>,
) {
  await m.query(
    `INSERT INTO tasks.tool_servers (id, owner_id, name, url, public, status)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, name = excluded.name,
         url = excluded.url, public = excluded.public, status = excluded.status, updated_at = now()`,
    [p.serverId, p.ownerId, p.name, p.url, p.public, p.status],
  );
  await m.query('DELETE FROM tasks.tools WHERE server_id = $1', [p.serverId]);
  await m.query('DELETE FROM tasks.tool_grants WHERE server_id = $1', [p.serverId]);
  for (const t of p.tools) {
    await m.query(
      'INSERT INTO tasks.tools (server_id, name, input_schema, price_credits) VALUES ($1, $2, $3::jsonb, $4)',
      [p.serverId, t.name, JSON.stringify(t.inputSchema), t.priceCredits],
    );
  }
  for (const g of p.grants) {
    await m.query('INSERT INTO tasks.tool_grants (server_id, user_id, tools) VALUES ($1, $2, $3)', [
      p.serverId,
      g.userId,
      Array.isArray(g.tools) ? g.tools : null,
    ]);
  }
}

export async function findToolServer(db: Db, id: string): Promise<ToolServerProjection | null> {
  const [server]: ToolServerProjection[] = await db.query(
    `SELECT ${selectColumns(db, ToolServerProjection, 's')} FROM tasks.tool_servers s WHERE s.id = $1`,
    [id],
  );
  return server ?? null;
}

export async function findToolGrant(
  db: Db,
  serverId: string,
  userId: string,
): Promise<ToolGrantProjection | null> {
  const [grant]: ToolGrantProjection[] = await db.query(
    `SELECT ${selectColumns(db, ToolGrantProjection, 'g')} FROM tasks.tool_grants g
      WHERE g.server_id = $1 AND g.user_id = $2`,
    [serverId, userId],
  );
  return grant ?? null;
}

export async function findTool(
  db: Db,
  serverId: string,
  name: string,
): Promise<ToolProjection | null> {
  const [tool]: ToolProjection[] = await db.query(
    `SELECT ${selectColumns(db, ToolProjection, 't')} FROM tasks.tools t
      WHERE t.server_id = $1 AND t.name = $2`,
    [serverId, name],
  );
  return tool ?? null;
}
