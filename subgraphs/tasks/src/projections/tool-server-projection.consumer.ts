import type { EntityManager } from 'typeorm';
import { startConsumer, type StoredEvent } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';

/**
 * Keeps tasks.tool_servers/tools/tool_grants equal to the agents subgraph's latest snapshot of
 * each server (`tool_server.updated` carries all of it), which callTool authorizes against.
 */
async function applyToolServerEvent(event: StoredEvent<'tool_server.updated'>, m: EntityManager) {
  const p = event.payload;
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

export async function startToolServerProjection(deps: SubgraphDeps) {
  const consumer = await startConsumer({
    name: 'tasks.tool-servers',
    topics: ['tool_server.updated'],
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: applyToolServerEvent,
  });
  return () => consumer.stop();
}
