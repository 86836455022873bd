import type { EntityManager } from 'typeorm';
import type { Logger } from '@agentry/core';
import { startConsumer, type StoredEvent } from '@agentry/events';
import { isUuid, type SubgraphDeps } from '@agentry/subgraph-kit';

interface ToolServerSnapshot {
  serverId: string;
  ownerId: string;
  name: string;
  url: string;
  public: boolean;
  status: string;
  tools: { name: string; inputSchema: Record<string, unknown>; priceCredits: number }[];
  grants: { userId: string; tools: string[] | null }[];
}

const isSnapshot = (p: any): p is ToolServerSnapshot =>
  isUuid(p?.serverId) &&
  isUuid(p?.ownerId) &&
  typeof p.url === 'string' &&
  typeof p.name === 'string' &&
  Array.isArray(p.tools) &&
  Array.isArray(p.grants);

/**
 * Keeps tasks.tool_servers/tools/tool_grants equal to the agents subgraph's latest snapshot of
 * each server (`tool_server.updated` carries all of it), which callTool authorizes against.
 */
export function applyToolServerEvent(log: Logger) {
  return async (event: StoredEvent, m: EntityManager) => {
    const p = event.payload;
    if (!isSnapshot(p)) {
      log.warn({ eventId: event.id }, 'skipping malformed tool_server.updated');
      return;
    }
    await m.query(
      `INSERT INTO tasks.tool_servers (id, owner_id, name, url, public, status)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, name = excluded.name,
         url = excluded.url, public = excluded.public, status = excluded.status, updated_at = now()`,
      [p.serverId, p.ownerId, p.name, p.url, p.public === true, String(p.status ?? 'ONLINE')],
    );
    await m.query('DELETE FROM tasks.tools WHERE server_id = $1', [p.serverId]);
    await m.query('DELETE FROM tasks.tool_grants WHERE server_id = $1', [p.serverId]);
    for (const t of p.tools) {
      if (typeof t?.name !== 'string') continue;
      await m.query(
        'INSERT INTO tasks.tools (server_id, name, input_schema, price_credits) VALUES ($1, $2, $3::jsonb, $4)',
        [
          p.serverId,
          t.name,
          JSON.stringify(t.inputSchema ?? {}),
          Number.isSafeInteger(t.priceCredits) ? t.priceCredits : 0,
        ],
      );
    }
    for (const g of p.grants) {
      if (!isUuid(g?.userId)) continue;
      await m.query(
        'INSERT INTO tasks.tool_grants (server_id, user_id, tools) VALUES ($1, $2, $3)',
        [p.serverId, g.userId, Array.isArray(g.tools) ? g.tools : null],
      );
    }
  };
}

export async function startToolServerProjection(deps: SubgraphDeps) {
  const consumer = await startConsumer({
    name: 'tasks.tool-servers',
    topics: ['tool_server.updated'],
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: applyToolServerEvent(deps.log),
  });
  return () => consumer.stop();
}
