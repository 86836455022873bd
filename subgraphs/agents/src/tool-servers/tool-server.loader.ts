import {
  byKeys,
  decodeTimeCursor,
  groupByKeys,
  isAdmin,
  isUuid,
  pageSize,
  toPage,
  type CursorKey,
  type Page,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import type { Tool, ToolServer } from './tool-server.entity';
import {
  parseToolId,
  SERVER_COLUMNS,
  SERVER_CREATED_KEY,
  TOOL_COLUMNS,
  toTool,
  toToolServer,
} from './tool-server.sql';

/** A grant as stored: `tools` null is every tool. */
export interface ToolGrantRow {
  serverId: string;
  userId: string;
  tools: string[] | null;
  createdAt: Date;
}

/** Servers by id, batched per request (callers decide visibility). */
export const toolServerLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, ToolServer | null>('toolServerById', async (ids) => {
    const rows = await ctx.db.query(
      `SELECT ${SERVER_COLUMNS} FROM agents.tool_servers s WHERE s.id = ANY($1::uuid[])`,
      [ids.filter(isUuid)],
    );
    return byKeys<string, ToolServer>(ids, rows.map(toToolServer), (s) => s.id);
  });

/** Every tool of each server, by name. */
export const toolsByServerLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, Tool[]>('toolsByServer', async (serverIds) => {
    const rows = await ctx.db.query(
      `SELECT ${TOOL_COLUMNS} FROM agents.tools t WHERE t.server_id = ANY($1::uuid[])
        ORDER BY t.server_id, t.name`,
      [serverIds],
    );
    return groupByKeys<string, Tool>(serverIds, rows.map(toTool), (t) => t.serverId);
  });

/** Tools by id (`<serverId>:<name>`); a malformed id is simply not found. */
export const toolByIdLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, Tool | null>('toolById', async (ids) => {
    const keys = ids.map(parseToolId).filter((k) => k !== null && isUuid(k.serverId));
    const rows = await ctx.db.query(
      `SELECT ${TOOL_COLUMNS} FROM agents.tools t
         JOIN unnest($1::uuid[], $2::text[]) AS k(server_id, name)
           ON t.server_id = k.server_id AND t.name = k.name`,
      [keys.map((k) => k!.serverId), keys.map((k) => k!.name)],
    );
    return byKeys<string, Tool>(ids, rows.map(toTool), (t) => t.id);
  });

/** The caller's own grant on each server (null: none). */
export const viewerGrantLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, ToolGrantRow | null>('viewerToolGrant', async (serverIds) => {
    const viewer = ctx.identity.userId;
    if (!viewer) return serverIds.map(() => null);
    const rows: ToolGrantRow[] = await ctx.db.query(
      `SELECT g.server_id AS "serverId", g.user_id AS "userId", g.tools, g.created_at AS "createdAt"
         FROM agents.tool_grants g WHERE g.server_id = ANY($1::uuid[]) AND g.user_id = $2`,
      [serverIds, viewer],
    );
    return byKeys(serverIds, rows, (g) => g.serverId);
  });

/** Every grant of each server, oldest first (what its owner manages). */
export const grantsByServerLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, ToolGrantRow[]>('toolGrantsByServer', async (serverIds) => {
    const rows: ToolGrantRow[] = await ctx.db.query(
      `SELECT g.server_id AS "serverId", g.user_id AS "userId", g.tools, g.created_at AS "createdAt"
         FROM agents.tool_grants g WHERE g.server_id = ANY($1::uuid[])
        ORDER BY g.server_id, g.created_at, g.user_id`,
      [serverIds],
    );
    return groupByKeys(serverIds, rows, (g) => g.serverId);
  });

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
export async function canSeeToolServer(ctx: SubgraphContext, server: ToolServer) {
  const viewer = ctx.identity.userId;
  if (server.public || isAdmin(ctx) || (viewer && server.ownerId === viewer)) return true;
  return (await viewerGrantLoader(ctx).load(server.id)) !== null;
}

/** Whether the caller manages the server (its url and grants): the owner and admins. */
export const managesToolServer = (ctx: SubgraphContext, server: ToolServer) =>
  server.ownerId === ctx.identity.userId || isAdmin(ctx);

/**
 * `toolServers`: what the caller owns, public servers and servers granted to the caller, newest
 * first. Two statements: the page (limit + 1 rows) and the count.
 */
export async function listToolServers(
  ctx: SubgraphContext,
  args: { first?: number; after?: string | null },
): Promise<Page<ToolServer>> {
  const limit = pageSize(args.first);
  const after = decodeTimeCursor(args.after);
  const viewer = ctx.identity.userId;
  const visible = `(s.public OR s.owner_id = $1::uuid OR EXISTS (
      SELECT 1 FROM agents.tool_grants g WHERE g.server_id = s.id AND g.user_id = $1::uuid))`;
  const cursor = after ? 'AND (s.created_at, s.id) < ($3::timestamptz, $4::uuid)' : '';
  const [rows, [{ count }]] = await Promise.all([
    ctx.db.query(
      `SELECT ${SERVER_COLUMNS}, ${SERVER_CREATED_KEY} AS "sortKey"
         FROM agents.tool_servers s
        WHERE ${visible} ${cursor}
        ORDER BY s.created_at DESC, s.id DESC
        LIMIT $2`,
      [viewer, limit + 1, ...(after ?? [])],
    ),
    ctx.db.query(`SELECT count(*)::int AS count FROM agents.tool_servers s WHERE ${visible}`, [
      viewer,
    ]),
  ]);
  const keyed = (rows as Record<string, unknown>[]).map((row) => ({
    server: toToolServer(row),
    key: [String(row.sortKey), String(row.id)] as CursorKey,
  }));
  const page = toPage(keyed, limit, (k) => k.key, count as number, after !== null);
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: e.node.server })) };
}
