import type { EntityManager } from 'typeorm';
import { notFound } from '@agentry/core';
import type { PayloadOf } from '@agentry/events';
import {
  assignments,
  bindColumns,
  decodeTimeCursor,
  isUuid,
  selectColumns,
  timeKey,
  toPage,
  type ColumnValues,
  type CursorKey,
  type Page,
} from '@agentry/subgraph-kit';
import { ToolServer } from './tool-server.entity';

// The only code that runs SQL on agents.tool_servers; columns and rows come from its entity.

/** The unique index that keeps one listing per endpoint. */
export const SERVER_URL_KEY = 'tool_servers_url_key';

const columns = (m: EntityManager) => selectColumns(m, ToolServer, 's');

/** A cursor position in newest-first order. */
const CREATED_KEY = timeKey('s.created_at');

/** Servers by id, in no particular order (callers decide visibility); malformed ids match none. */
export async function serversById(m: EntityManager, ids: readonly string[]): Promise<ToolServer[]> {
  const rows: object[] = await m.query(
    `SELECT ${columns(m)} FROM agents.tool_servers s WHERE s.id = ANY($1::uuid[])`,
    [ids.filter(isUuid)],
  );
  return m.create(ToolServer, rows);
}

/** A server as it is after a change in the caller's transaction (which holds its lock). */
export async function reloadServer(m: EntityManager, id: string): Promise<ToolServer> {
  const [server] = await serversById(m, [id]);
  if (!server) throw notFound('Tool server', id);
  return server;
}

/** Locks a server for a change in the caller's transaction. */
export async function lockServer(m: EntityManager, id: string): Promise<ToolServer | null> {
  const [row] = await m.query(
    `SELECT ${columns(m)} FROM agents.tool_servers s WHERE s.id = $1 FOR UPDATE`,
    [id],
  );
  return row ? m.create(ToolServer, row) : null;
}

/**
 * What `viewer` may see, newest first: what they own, public servers and servers granted to them.
 * Two statements: the page (limit + 1 rows) and the count.
 */
export async function visibleServers(
  m: EntityManager,
  viewer: string | null,
  { limit, after: afterCursor }: { limit: number; after: string | null | undefined },
): Promise<Page<ToolServer>> {
  const after = decodeTimeCursor(afterCursor);
  const visible = `(s.public OR s.owner_id = $1::uuid OR EXISTS (
      SELECT 1 FROM agents.tool_grants g WHERE g.server_id = s.id AND g.user_id = $1::uuid))`;
  const cursor = after ? 'AND (s.created_at, s.id) < ($3::timestamptz, $4::uuid)' : '';
  const [rows, [{ count }]] = await Promise.all([
    m.query(
      `SELECT ${columns(m)}, ${CREATED_KEY} AS "sortKey"
         FROM agents.tool_servers s
        WHERE ${visible} ${cursor}
        ORDER BY s.created_at DESC, s.id DESC
        LIMIT $2`,
      [viewer, limit + 1, ...(after ?? [])],
    ),
    m.query(`SELECT count(*)::int AS count FROM agents.tool_servers s WHERE ${visible}`, [viewer]),
  ]);
  const keyed = (rows as Record<string, unknown>[]).map((row) => ({
    server: m.create(ToolServer, row),
    key: [String(row.sortKey), String(row.id)] as CursorKey,
  }));
  const page = toPage(keyed, limit, (k) => k.key, count as number, after !== null);
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: e.node.server })) };
}

export async function isUrlListed(m: EntityManager, url: string): Promise<boolean> {
  const rows: object[] = await m.query('SELECT 1 FROM agents.tool_servers WHERE url = $1', [url]);
  return rows.length > 0;
}

/** Inserts a server; a second listing of its URL violates SERVER_URL_KEY (thrown). */
export async function insertServer(
  m: EntityManager,
  values: ColumnValues<ToolServer>,
): Promise<ToolServer> {
  const params: unknown[] = [];
  const bound = bindColumns(m, ToolServer, values, params);
  const [row] = await m.query(
    `INSERT INTO agents.tool_servers AS s (${bound.map((b) => b.column).join(', ')})
     VALUES (${bound.map((b) => b.placeholder).join(', ')})
     RETURNING ${columns(m)}`,
    params,
  );
  return m.create(ToolServer, row);
}

/** Writes `values` to a server. */
export async function updateServer(
  m: EntityManager,
  id: string,
  values: ColumnValues<ToolServer>,
): Promise<void> {
  const params: unknown[] = [id];
  const sets = assignments(bindColumns(m, ToolServer, values, params));
  if (sets.length) {
    await m.query(`UPDATE agents.tool_servers SET ${sets.join(', ')} WHERE id = $1`, params);
  }
}

/**
 * Claims the servers due for a check, least recently checked first, stamping checked_at; SKIP
 * LOCKED lets a round in another process take others meanwhile.
 */
export async function claimDueServers(m: EntityManager, limit: number): Promise<ToolServer[]> {
  const rows: object[] = await m.query(
    `WITH due AS (
         SELECT id FROM agents.tool_servers
          ORDER BY checked_at ASC NULLS FIRST, id
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       ), s AS (
         UPDATE agents.tool_servers s SET checked_at = now() FROM due WHERE s.id = due.id
         RETURNING s.*
       )
       SELECT ${columns(m)} FROM s`,
    [limit],
  );
  return m.create(ToolServer, rows);
}

/** The snapshot in `tool_server.updated`: all the tasks subgraph needs to authorize calls. */
export type ToolServerSnapshot = PayloadOf<'tool_server.updated'>;

/** The server, its tools and its grants as one snapshot, read in the caller's transaction. */
export async function serverSnapshot(
  m: EntityManager,
  serverId: string,
): Promise<ToolServerSnapshot> {
  const [row] = await m.query(
    `SELECT s.id AS "serverId", s.owner_id AS "ownerId", s.name, s.url, s.public, s.status,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('name', t.name,
                      'inputSchema', t.input_schema, 'priceCredits', t.price_credits)
                      ORDER BY t.name), '[]')
               FROM agents.tools t WHERE t.server_id = s.id) AS tools,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('userId', g.user_id,
                      'tools', to_jsonb(g.tools)) ORDER BY g.user_id), '[]')
               FROM agents.tool_grants g WHERE g.server_id = s.id) AS grants
       FROM agents.tool_servers s WHERE s.id = $1`,
    [serverId],
  );
  return row as ToolServerSnapshot;
}
