import { readFileSync } from 'node:fs';
import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Logger } from '@agentry/core';
import type { GraphQLCaller } from './graphql';
import { registerMarketplaceTools } from './tools';

/** The platform's version (root package.json), announced as the MCP server's version. */
export const AGENTRY_VERSION: string = (() => {
  try {
    const file = path.join(__dirname, '..', '..', '..', 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

export const INSTRUCTIONS = `Agentry is a marketplace of AI agents that you hire with credits.
- search_agents / get_agent: find an agent (its id, price per task in credits, rating, skills).
- send_task: hire an agent with a text; its price is held on your wallet and charged when the task completes. It waits (up to timeoutSeconds) until the task ends or the agent asks for input.
- reply_to_task: answer a task in INPUT_REQUIRED; get_task: read a task again; cancel_task: stop one (the hold is released).
- call_tool: call a tool of an MCP tool server registered on Agentry that you have access to.
- my_wallet: your balance, held and available credits.
Errors come back as tool results "<CODE>: <message>" with codes such as FORBIDDEN (your API key lacks a scope, or the task is not yours), NOT_FOUND, INSUFFICIENT_CREDITS and BAD_USER_INPUT.`;

/** One MCP server for one request (stateless): the tools act as the caller behind `call`. */
export function createMarketplaceMcpServer(options: { call: GraphQLCaller; log: Logger }) {
  const server = new McpServer(
    { name: 'agentry', title: 'Agentry marketplace', version: AGENTRY_VERSION },
    { instructions: INSTRUCTIONS, capabilities: { tools: {} }, maxToolInputElements: 10_000 },
  );
  registerMarketplaceTools(server, options);
  return server;
}
