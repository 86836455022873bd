import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createCalculatorServer } from './calculator.server';
import { createDocstoreServer } from './docstore.server';
import { createFlakyServer } from './flaky.server';
import { createSlowServer } from './slow.server';

/**
 * Every example MCP server with the port `npm start` serves it on. The order is the order of
 * `startExampleMcpServers`, which also numbers ports from a `basePort` in this order.
 */
export const EXAMPLE_MCP_SERVERS = {
  calculator: { defaultPort: 4201, create: createCalculatorServer },
  docstore: { defaultPort: 4202, create: createDocstoreServer },
  slow: { defaultPort: 4203, create: createSlowServer },
  flaky: { defaultPort: 4204, create: createFlakyServer },
} as const satisfies Record<string, { defaultPort: number; create: () => McpServer }>;

export type ExampleMcpServerName = keyof typeof EXAMPLE_MCP_SERVERS;

export const EXAMPLE_MCP_SERVER_NAMES = Object.keys(EXAMPLE_MCP_SERVERS) as ExampleMcpServerName[];

export const isExampleMcpServerName = (name: string): name is ExampleMcpServerName =>
  Object.hasOwn(EXAMPLE_MCP_SERVERS, name);
