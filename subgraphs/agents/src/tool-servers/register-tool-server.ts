import type { EntityManager } from 'typeorm';
import { conflict } from '@agentry/core';
import { isUniqueViolation } from '@agentry/subgraph-kit';
import type { AgentsContext } from '../context';
import type { RegisterToolServerInput } from './register-tool-server.input';
import { normalizeToolServerUrl, readToolServer, type ToolCatalogue } from './tool-server.describe';
import { ToolServerStatus, type ToolServer } from './tool-server.entity';
import { publishToolServer } from './tool-server.events';
import { catalogueValues } from './tool-server-check';
import { insertServer, isUrlListed, SERVER_URL_KEY } from './tool-server.store';
import { writeTools } from './tool.store';

/** What the owner decides about a listing; the catalogue comes from the server. */
interface ToolServerListing {
  name: string;
  url: string;
  public: boolean;
  priceCredits: number;
}

const urlConflict = () =>
  conflict('A tool server with this URL is already listed; refresh that one instead.');

/** Inserts a server described just now with its tools, and publishes it, in the caller's transaction. */
async function createToolServer(
  m: EntityManager,
  ownerId: string,
  listing: ToolServerListing,
  catalogue: ToolCatalogue,
): Promise<ToolServer> {
  let server: ToolServer;
  try {
    server = await insertServer(m, {
      ownerId,
      ...listing,
      status: ToolServerStatus.ONLINE,
      ...catalogueValues(catalogue),
      lastSeenAt: () => 'now()',
      checkedAt: () => 'now()',
    });
  } catch (err) {
    // Two registrations of one URL racing: the unique index lets one through.
    if (isUniqueViolation(err, SERVER_URL_KEY)) throw urlConflict();
    throw err;
  }
  await writeTools(m, server.id, catalogue.tools, listing.priceCredits);
  await publishToolServer(m, server.id);
  return server;
}

/** Lists an MCP server after describing it (one listing per URL), and publishes it. */
export async function registerToolServer(
  ctx: AgentsContext,
  ownerId: string,
  input: RegisterToolServerInput,
): Promise<ToolServer> {
  const url = normalizeToolServerUrl(input.url);
  // Refused before connecting to it: a cheap and common mistake.
  if (await isUrlListed(ctx.db.manager, url)) throw urlConflict();
  // Described outside the transaction: a slow server must not hold a connection and locks.
  const catalogue = await readToolServer(url, ctx.tools);
  const listing = {
    name: input.name.trim(),
    url,
    public: input.public ?? false,
    priceCredits: input.priceCredits ?? 0,
  };
  const server = await ctx.db.transaction((m) => createToolServer(m, ownerId, listing, catalogue));
  ctx.log.info({ toolServerId: server.id, url }, 'tool server registered');
  return server;
}
