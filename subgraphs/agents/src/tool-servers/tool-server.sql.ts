import { timeKey } from '@agentry/subgraph-kit';
import { Tool, ToolServer, type ToolServerStatus } from './tool-server.entity';

/** The columns of a ToolServer under alias `s`, named as the class's properties. */
export const SERVER_COLUMNS = `s.id, s.owner_id AS "ownerId", s.name, s.url, s.public,
  s.price_credits AS "priceCredits", s.status, s.server_name AS "serverName",
  s.server_version AS "serverVersion", s.instructions, s.resources,
  s.resource_templates AS "resourceTemplates", s.prompts, s.last_seen_at AS "lastSeenAt",
  s.checked_at AS "checkedAt", s.check_error AS "checkError", s.created_at AS "createdAt",
  s.updated_at AS "updatedAt"`;

/** The columns of a Tool under alias `t`. */
export const TOOL_COLUMNS = `t.server_id AS "serverId", t.name, t.title, t.description,
  t.input_schema AS "inputSchema", t.output_schema AS "outputSchema", t.annotations,
  t.price_credits AS "priceCredits"`;

/** A cursor position in newest-first order. */
export const SERVER_CREATED_KEY = timeKey('s.created_at');

type Row = Record<string, unknown>;

export function toToolServer(row: Row): ToolServer {
  return Object.assign(new ToolServer(), {
    id: row.id,
    ownerId: row.ownerId,
    name: row.name,
    url: row.url,
    public: row.public,
    priceCredits: row.priceCredits,
    status: row.status as ToolServerStatus,
    serverName: row.serverName ?? null,
    serverVersion: row.serverVersion ?? null,
    instructions: row.instructions ?? null,
    resources: row.resources ?? [],
    resourceTemplates: row.resourceTemplates ?? [],
    prompts: row.prompts ?? [],
    lastSeenAt: row.lastSeenAt ?? null,
    checkedAt: row.checkedAt ?? null,
    checkError: row.checkError ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });
}

/** Tool ids are `<serverId>:<name>`; a uuid has no colon, so the first one splits. */
export const toolId = (serverId: string, name: string) => `${serverId}:${name}`;

export function parseToolId(id: string): { serverId: string; name: string } | null {
  const at = id.indexOf(':');
  if (at < 0) return null;
  return { serverId: id.slice(0, at), name: id.slice(at + 1) };
}

export function toTool(row: Row): Tool {
  return Object.assign(new Tool(), {
    id: toolId(String(row.serverId), String(row.name)),
    serverId: row.serverId,
    name: row.name,
    title: row.title ?? null,
    description: row.description,
    inputSchema: row.inputSchema,
    outputSchema: row.outputSchema ?? null,
    annotations: row.annotations ?? null,
    priceCredits: row.priceCredits,
  });
}
