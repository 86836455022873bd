import { runExampleCli } from '@agentry/devstack';
import {
  EXAMPLE_MCP_SERVER_NAMES,
  EXAMPLE_MCP_SERVERS,
  startExampleMcpServer,
  startExampleMcpServers,
  type ExampleMcpServerName,
} from './index';

/*
 * Serves example MCP servers until Ctrl-C:
 *   node -r ./scripts/register.js examples/mcp/src/run.ts <name|all> [--port N]
 * With one server, --port is its port; with `all`, the first server's port and the others
 * follow. Without --port every server uses its default port (calculator 4201 ... flaky 4204).
 */
runExampleCli({
  noun: 'server',
  names: EXAMPLE_MCP_SERVER_NAMES,
  start: async (target, port) => {
    if (target === 'all')
      return startExampleMcpServers(EXAMPLE_MCP_SERVER_NAMES, { basePort: port });
    const name = target as ExampleMcpServerName;
    return [
      await startExampleMcpServer(name, { port: port ?? EXAMPLE_MCP_SERVERS[name].defaultPort }),
    ];
  },
  describe: (s) => `${s.name} MCP server listening on ${s.url}`,
});
