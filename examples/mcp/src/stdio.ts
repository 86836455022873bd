import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { EXAMPLE_MCP_SERVER_NAMES, EXAMPLE_MCP_SERVERS, isExampleMcpServerName } from './registry';

/*
 * Serves one example over stdin/stdout, the way an operator runs a local MCP server:
 *   node -r ./scripts/register.js examples/mcp/src/stdio.ts calculator
 * stdout carries the protocol and nothing else; messages go to stderr. Ends when stdin closes.
 */
async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  if (!isExampleMcpServerName(name)) {
    throw new Error(`usage: stdio.ts <${EXAMPLE_MCP_SERVER_NAMES.join('|')}>`);
  }
  const server = EXAMPLE_MCP_SERVERS[name].create();
  const transport = new StdioServerTransport();
  // The SDK's stdio transport does not watch for the end of stdin: without this the process
  // would wait forever once its client is gone.
  process.stdin.once('end', () => void server.close().then(() => process.exit(0)));
  await server.connect(transport);
  console.error(`${name} MCP server on stdio`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
