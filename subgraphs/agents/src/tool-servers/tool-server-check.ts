import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import type { ToolCatalogue, ToolServerCheck } from './tool-server.describe';
import { ToolServerStatus, type ToolServer } from './tool-server.entity';
import { publishToolServer } from './tool-server.events';
import { CHECK_ERROR_MAX } from './tool-server.rules';
import { lockServer, reloadServer, updateServer } from './tool-server.store';
import { toolsOfServers, writeTools } from './tool.store';

const now = () => 'now()';

/** The server columns a catalogue sets (its tools live in agents.tools). */
export const catalogueValues = (c: ToolCatalogue) => ({
  serverName: c.serverName,
  serverVersion: c.serverVersion,
  instructions: c.instructions,
  resources: c.resources,
  resourceTemplates: c.resourceTemplates,
  prompts: c.prompts,
});

/** The catalogue as stored, to tell whether a check changed anything. */
async function storedCatalogue(m: EntityManager, server: ToolServer): Promise<ToolCatalogue> {
  const tools = await toolsOfServers(m, [server.id]);
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
    const next = canonical(check.value);
    const catalogueChanged = !isDeepStrictEqual(canonical(await storedCatalogue(m, current)), next);
    if (catalogueChanged) await writeTools(m, id, next.tools, current.priceCredits);
    changed = catalogueChanged || current.status !== ToolServerStatus.ONLINE;
    await updateServer(m, id, {
      ...(catalogueChanged ? catalogueValues(next) : {}),
      status: ToolServerStatus.ONLINE,
      lastSeenAt: now,
      checkedAt: now,
      checkError: null,
      ...(changed ? { updatedAt: now } : {}),
    });
  } else {
    changed = current.status !== ToolServerStatus.UNAVAILABLE;
    await updateServer(m, id, {
      status: ToolServerStatus.UNAVAILABLE,
      checkedAt: now,
      checkError: check.error.slice(0, CHECK_ERROR_MAX),
      ...(changed ? { updatedAt: now } : {}),
    });
  }
  if (changed || publish === 'always') await publishToolServer(m, id);
  return reloadServer(m, id);
}
