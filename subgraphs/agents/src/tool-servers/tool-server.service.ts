import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import { badInput, conflict, forbidden, notFound } from '@agentry/core';
import { publishEvents, type PayloadOf } from '@agentry/events';
import type { ToolCatalogue, ToolServerCheck } from './tool-server.describe';
import { ToolServerStatus, type Tool, type ToolServer } from './tool-server.entity';
import { CHECK_ERROR_MAX } from './tool-server.rules';
import { SERVER_COLUMNS, TOOL_COLUMNS, toTool, toToolServer } from './tool-server.sql';

/** What the owner decides about a listing; the catalogue comes from the server. */
export interface ToolServerListing {
  name: string;
  url: string;
  public: boolean;
  priceCredits: number;
}

/** Who changes a server. */
export interface Actor {
  userId: string;
  admin: boolean;
}

export interface ToolServerPatch {
  name?: string;
  public?: boolean;
  priceCredits?: number;
  toolPrices?: { name: string; priceCredits: number }[];
}

/** The snapshot in `tool_server.updated`: all the tasks subgraph needs to authorize calls. */
export type ToolServerSnapshot = PayloadOf<'tool_server.updated'>;

/** Reads the snapshot in the caller's transaction, after its change. */
export async function toolServerSnapshot(
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

/** Publishes the server's current snapshot in the caller's transaction. */
export async function publishToolServer(m: EntityManager, serverId: string): Promise<void> {
  const payload = await toolServerSnapshot(m, serverId);
  await publishEvents(m, [{ topic: 'tool_server.updated', key: serverId, payload }]);
}

const isUrlTaken = (err: unknown) => {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'tool_servers_url_key';
};

const urlConflict = () =>
  conflict('A tool server with this URL is already listed; refresh that one instead.');

/** Refuses a URL that is already listed (before connecting to it). */
export async function assertToolServerUrlFree(m: EntityManager, url: string): Promise<void> {
  const rows = await m.query('SELECT 1 FROM agents.tool_servers WHERE url = $1', [url]);
  if (rows.length) throw urlConflict();
}

/**
 * Makes the stored tools equal the catalogue's: new tools get `defaultPrice`, tools still listed
 * keep their price, tools the server dropped go (grants keep naming them, in case they return).
 */
async function writeTools(
  m: EntityManager,
  serverId: string,
  catalogue: ToolCatalogue,
  defaultPrice: number,
) {
  await m.query('DELETE FROM agents.tools WHERE server_id = $1 AND NOT (name = ANY($2::text[]))', [
    serverId,
    catalogue.tools.map((t) => t.name),
  ]);
  if (!catalogue.tools.length) return;
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
    [serverId, JSON.stringify(catalogue.tools), defaultPrice],
  );
}

const catalogueParams = (c: ToolCatalogue) => [
  c.serverName,
  c.serverVersion,
  c.instructions,
  JSON.stringify(c.resources),
  JSON.stringify(c.resourceTemplates),
  JSON.stringify(c.prompts),
];

/** Inserts a server described just now with its tools, and publishes it, in the caller's transaction. */
export async function createToolServer(
  m: EntityManager,
  ownerId: string,
  listing: ToolServerListing,
  catalogue: ToolCatalogue,
): Promise<ToolServer> {
  let rows: Record<string, unknown>[];
  try {
    rows = await m.query(
      `WITH s AS (
         INSERT INTO agents.tool_servers (owner_id, name, url, public, price_credits, status,
           server_name, server_version, instructions, resources, resource_templates, prompts,
           last_seen_at, checked_at)
         VALUES ($1, $2, $3, $4, $5, 'ONLINE', $6, $7, $8, $9::jsonb, $10::jsonb, $11::jsonb,
           now(), now())
         RETURNING *)
       SELECT ${SERVER_COLUMNS} FROM s`,
      [
        ownerId,
        listing.name,
        listing.url,
        listing.public,
        listing.priceCredits,
        ...catalogueParams(catalogue),
      ],
    );
  } catch (err) {
    // Two registrations of one URL racing: the unique index lets one through.
    if (isUrlTaken(err)) throw urlConflict();
    throw err;
  }
  const server = toToolServer(rows[0]);
  await writeTools(m, server.id, catalogue, listing.priceCredits);
  await publishToolServer(m, server.id);
  return server;
}

async function lockServer(m: EntityManager, id: string): Promise<ToolServer | null> {
  const [row] = await m.query(
    `SELECT ${SERVER_COLUMNS} FROM agents.tool_servers s WHERE s.id = $1 FOR UPDATE`,
    [id],
  );
  return row ? toToolServer(row) : null;
}

async function reload(m: EntityManager, id: string): Promise<ToolServer> {
  const [row] = await m.query(
    `SELECT ${SERVER_COLUMNS} FROM agents.tool_servers s WHERE s.id = $1`,
    [id],
  );
  return toToolServer(row);
}

async function toolNames(m: EntityManager, serverId: string): Promise<string[]> {
  const rows: { name: string }[] = await m.query(
    'SELECT name FROM agents.tools WHERE server_id = $1 ORDER BY name',
    [serverId],
  );
  return rows.map((r) => r.name);
}

/** The catalogue as stored, to tell whether a check changed anything. */
async function storedCatalogue(m: EntityManager, server: ToolServer): Promise<ToolCatalogue> {
  const tools: Tool[] = (
    await m.query(
      `SELECT ${TOOL_COLUMNS} FROM agents.tools t WHERE t.server_id = $1 ORDER BY t.name`,
      [server.id],
    )
  ).map(toTool);
  return {
    serverName: server.serverName ?? '',
    serverVersion: server.serverVersion ?? '',
    instructions: server.instructions,
    tools: tools.map(({ name, title, description, inputSchema, outputSchema, annotations }) => ({
      name,
      title,
      description,
      inputSchema,
      outputSchema,
      annotations,
    })),
    resources: server.resources,
    resourceTemplates: server.resourceTemplates,
    prompts: server.prompts,
  };
}

/** The catalogue as JSON will store it (undefined dropped), tools in a stable order. */
const canonical = (c: ToolCatalogue): ToolCatalogue => {
  const json = JSON.parse(JSON.stringify(c)) as ToolCatalogue;
  json.tools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return json;
};

/**
 * Records the outcome of describing a server. A good answer replaces the catalogue (prices and
 * grants stay) and makes the server ONLINE; a failure makes it UNAVAILABLE and keeps the last good
 * catalogue. Publishes when something changed, or always when asked (a refresh someone asked for).
 * Null when the server is gone.
 */
export async function recordToolServerCheck(
  m: EntityManager,
  id: string,
  check: ToolServerCheck,
  { publish }: { publish: 'always' | 'onChange' },
): Promise<ToolServer | null> {
  const current = await lockServer(m, id);
  if (!current) return null;
  let changed: boolean;
  if (check.ok) {
    const next = canonical(check.catalogue);
    const catalogueChanged = !isDeepStrictEqual(canonical(await storedCatalogue(m, current)), next);
    if (catalogueChanged) {
      await m.query(
        `UPDATE agents.tool_servers SET server_name = $2, server_version = $3, instructions = $4,
           resources = $5::jsonb, resource_templates = $6::jsonb, prompts = $7::jsonb
         WHERE id = $1`,
        [id, ...catalogueParams(next)],
      );
      await writeTools(m, id, next, current.priceCredits);
    }
    changed = catalogueChanged || current.status !== ToolServerStatus.ONLINE;
    await m.query(
      `UPDATE agents.tool_servers SET status = 'ONLINE', last_seen_at = now(), checked_at = now(),
         check_error = NULL ${changed ? ', updated_at = now()' : ''}
       WHERE id = $1`,
      [id],
    );
  } else {
    changed = current.status !== ToolServerStatus.UNAVAILABLE;
    await m.query(
      `UPDATE agents.tool_servers SET status = 'UNAVAILABLE', checked_at = now(),
         check_error = $2 ${changed ? ', updated_at = now()' : ''}
       WHERE id = $1`,
      [id, check.error.slice(0, CHECK_ERROR_MAX)],
    );
  }
  if (changed || publish === 'always') await publishToolServer(m, id);
  return reload(m, id);
}

/** Loads a server for a change by its owner (or, with `admins`, an admin). */
async function lockForOwner(
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

/** Names the server does not list, quoted for a message. */
function unknownNames(names: string[], known: Set<string>) {
  return names
    .filter((n) => !known.has(n))
    .map((n) => JSON.stringify(n.slice(0, 60)))
    .join(', ');
}

/** Changes a listing (its owner): name, visibility, the default price (set on every tool) and single prices. */
export async function updateToolServer(
  m: EntityManager,
  actor: Actor,
  id: string,
  patch: ToolServerPatch,
): Promise<ToolServer> {
  await lockForOwner(m, actor, id, { admins: false });
  if (patch.toolPrices?.length) {
    const names = patch.toolPrices.map((p) => p.name);
    if (new Set(names).size !== names.length) {
      throw badInput('toolPrices names a tool twice.', { argument: 'input.toolPrices' });
    }
    const missing = unknownNames(names, new Set(await toolNames(m, id)));
    if (missing) {
      throw badInput(`This server has no tool ${missing}.`, { argument: 'input.toolPrices' });
    }
  }
  const sets: string[] = [];
  const params: unknown[] = [id];
  if (patch.name !== undefined) sets.push(`name = $${params.push(patch.name)}`);
  if (patch.public !== undefined) sets.push(`public = $${params.push(patch.public)}`);
  if (patch.priceCredits !== undefined) {
    sets.push(`price_credits = $${params.push(patch.priceCredits)}`);
  }
  if (sets.length) {
    await m.query(
      `UPDATE agents.tool_servers SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`,
      params,
    );
  }
  if (patch.priceCredits !== undefined) {
    await m.query('UPDATE agents.tools SET price_credits = $2 WHERE server_id = $1', [
      id,
      patch.priceCredits,
    ]);
  }
  if (patch.toolPrices?.length) {
    await m.query(
      `UPDATE agents.tools t SET price_credits = x.price
         FROM unnest($2::text[], $3::int[]) AS x(name, price)
        WHERE t.server_id = $1 AND t.name = x.name`,
      [id, patch.toolPrices.map((p) => p.name), patch.toolPrices.map((p) => p.priceCredits)],
    );
    if (!sets.length) {
      await m.query('UPDATE agents.tool_servers SET updated_at = now() WHERE id = $1', [id]);
    }
  }
  await publishToolServer(m, id);
  return reload(m, id);
}

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
  if (tools) {
    const missing = unknownNames(tools, new Set(await toolNames(m, serverId)));
    if (missing) throw badInput(`This server has no tool ${missing}.`, { argument: 'tools' });
  }
  // A NULL on either side means every tool, and stays so.
  await m.query(
    `INSERT INTO agents.tool_grants AS g (server_id, user_id, tools)
     VALUES ($1, $2, $3::text[])
     ON CONFLICT (server_id, user_id) DO UPDATE SET tools =
       CASE WHEN g.tools IS NULL OR excluded.tools IS NULL THEN NULL
            ELSE ARRAY(SELECT DISTINCT unnest(g.tools || excluded.tools) ORDER BY 1) END`,
    [serverId, userId, tools ? [...new Set(tools)].sort() : null],
  );
  await publishToolServer(m, serverId);
  return reload(m, serverId);
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
  const [grant]: { tools: string[] | null }[] = await m.query(
    'SELECT tools FROM agents.tool_grants WHERE server_id = $1 AND user_id = $2 FOR UPDATE',
    [serverId, userId],
  );
  const listed = await toolNames(m, serverId);
  if (tools) {
    // A name the grant holds may be gone from the server; anything else is a typo.
    const missing = unknownNames(tools, new Set([...listed, ...(grant?.tools ?? [])]));
    if (missing) throw badInput(`This server has no tool ${missing}.`, { argument: 'tools' });
  }
  if (!grant) return reload(m, serverId);
  const remove = new Set(tools ?? []);
  const left = tools ? (grant.tools ?? listed).filter((n) => !remove.has(n)) : [];
  if (left.length) {
    if (isDeepStrictEqual(left, grant.tools)) return reload(m, serverId);
    await m.query(
      'UPDATE agents.tool_grants SET tools = $3::text[] WHERE server_id = $1 AND user_id = $2',
      [serverId, userId, left],
    );
  } else {
    await m.query('DELETE FROM agents.tool_grants WHERE server_id = $1 AND user_id = $2', [
      serverId,
      userId,
    ]);
  }
  await publishToolServer(m, serverId);
  return reload(m, serverId);
}
