import type { EntityManager } from 'typeorm';
import { isUuid, selectColumns } from '@agentry/subgraph-kit';
import { parseToolId, Tool } from './tool.entity';
import type { CataloguedTool } from './tool-server.describe';

// The only code that runs SQL on agents.tools; columns and rows come from tool.entity.ts.

const columns = (m: EntityManager) => selectColumns(m, Tool, 't');

/** Every tool of each server, by server then name. */
export async function toolsOfServers(
  m: EntityManager,
  serverIds: readonly string[],
): Promise<Tool[]> {
  const rows: object[] = await m.query(
    `SELECT ${columns(m)} FROM agents.tools t WHERE t.server_id = ANY($1::uuid[])
      ORDER BY t.server_id, t.name`,
    [serverIds],
  );
  return m.create(Tool, rows);
}

/** Tools by id (`<serverId>:<name>`); a malformed id matches none. */
export async function toolsById(m: EntityManager, ids: readonly string[]): Promise<Tool[]> {
  const keys = ids
    .map(parseToolId)
    .filter((k): k is { serverId: string; name: string } => k !== null && isUuid(k.serverId));
  const rows: object[] = await m.query(
    `SELECT ${columns(m)} FROM agents.tools t
       JOIN unnest($1::uuid[], $2::text[]) AS k(server_id, name)
         ON t.server_id = k.server_id AND t.name = k.name`,
    [keys.map((k) => k.serverId), keys.map((k) => k.name)],
  );
  return m.create(Tool, rows);
}

/** The names of a server's tools, sorted. */
export async function toolNames(m: EntityManager, serverId: string): Promise<string[]> {
  const rows: { name: string }[] = await m.query(
    'SELECT name FROM agents.tools WHERE server_id = $1 ORDER BY name',
    [serverId],
  );
  return rows.map((r) => r.name);
}

/**
 * Makes the stored tools equal the catalogue's: new tools get `defaultPrice`, tools still listed
 * keep their price, tools the server dropped go (grants keep naming them, in case they return).
 */
export async function writeTools(
  m: EntityManager,
  serverId: string,
  tools: CataloguedTool[],
  defaultPrice: number,
): Promise<void> {
  await m.query('DELETE FROM agents.tools WHERE server_id = $1 AND NOT (name = ANY($2::text[]))', [
    serverId,
    tools.map((t) => t.name),
  ]);
  if (!tools.length) return;
  await m.query(
    `INSERT INTO agents.tools AS t (server_id, name, title, description, input_schema,
       output_schema, annotations, price_credits)
     SELECT $1, x.name, x.title, x.description, x."inputSchema", nullif(x."outputSchema", 'null'),
            nullif(x.annotations, 'null'), $3
       FROM jsonb_to_recordset($2::jsonb) AS x(name text, title text, description text,
            "inputSchema" jsonb, "outputSchema" jsonb, annotations jsonb)
     ON CONFLICT (server_id, name) DO UPDATE SET title = excluded.title,
       description = excluded.description, input_schema = excluded.input_schema,
       output_schema = excluded.output_schema, annotations = excluded.annotations`,
    [serverId, JSON.stringify(tools), defaultPrice],
  );
}

/** Sets the price of every tool of a server. */
export async function setEveryToolPrice(m: EntityManager, serverId: string, price: number) {
  await m.query('UPDATE agents.tools SET price_credits = $2 WHERE server_id = $1', [
    serverId,
    price,
  ]);
}

/** Sets single tools' prices (names the server does not have change nothing). */
export async function setToolPrices(
  m: EntityManager,
  serverId: string,
  prices: { name: string; priceCredits: number }[],
) {
  await m.query(
    `UPDATE agents.tools t SET price_credits = x.price
       FROM unnest($2::text[], $3::int[]) AS x(name, price)
      WHERE t.server_id = $1 AND t.name = x.name`,
    [serverId, prices.map((p) => p.name), prices.map((p) => p.priceCredits)],
  );
}
