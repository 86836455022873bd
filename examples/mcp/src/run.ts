import {
  EXAMPLE_MCP_SERVER_NAMES,
  EXAMPLE_MCP_SERVERS,
  isExampleMcpServerName,
  startExampleMcpServer,
  startExampleMcpServers,
  type RunningExampleMcpServer,
} from './index';

/*
 * Serves example MCP servers until Ctrl-C:
 *   node -r ./scripts/register.js examples/mcp/src/run.ts <name|all> [--port N]
 * With one server, --port is its port; with `all`, the first server's port and the others
 * follow. Without --port every server uses its default port (calculator 4201 ... flaky 4204).
 */
const USAGE = `usage: run.ts <${[...EXAMPLE_MCP_SERVER_NAMES, 'all'].join('|')}> [--port N]`;

function parseArgs(argv: string[]): { target: string; port?: number } {
  const [target, ...rest] = argv;
  if (!target || target.startsWith('-')) throw new Error(USAGE);
  if (rest.length === 0) return { target };
  if (rest.length !== 2 || rest[0] !== '--port') throw new Error(USAGE);
  const port = Number(rest[1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a port number (0-65535), got "${rest[1]}".`);
  }
  return { target, port };
}

function start(target: string, port: number | undefined): Promise<RunningExampleMcpServer[]> {
  if (target === 'all') {
    return startExampleMcpServers(EXAMPLE_MCP_SERVER_NAMES, { basePort: port });
  }
  if (!isExampleMcpServerName(target)) throw new Error(`Unknown server "${target}". ${USAGE}`);
  return startExampleMcpServer(target, {
    port: port ?? EXAMPLE_MCP_SERVERS[target].defaultPort,
  }).then((server) => [server]);
}

async function main(): Promise<void> {
  const { target, port } = parseArgs(process.argv.slice(2));
  const started = start(target, port);
  // Listen for signals before anything is printed: whoever waits for our output may signal at once.
  const shutdown = (signal: NodeJS.Signals) => {
    console.log(`${signal}: stopping`);
    started
      .then((servers) => Promise.all(servers.map((s) => s.stop())))
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  for (const s of await started) console.log(`${s.name} MCP server listening on ${s.url}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
