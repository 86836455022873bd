import {
  EXAMPLE_AGENT_NAMES,
  EXAMPLE_AGENTS,
  isExampleAgentName,
  startExampleAgent,
  startExampleAgents,
  type RunningExampleAgent,
} from './index';

/*
 * Serves example agents until Ctrl-C:
 *   node -r ./scripts/register.js examples/agents/src/run.ts <name|all> [--port N]
 * With one agent, --port is its port; with `all`, the first agent's port and the others follow.
 * Without --port every agent uses its default port (echo 4101 ... slowpoke 4105).
 */
const USAGE = `usage: run.ts <${[...EXAMPLE_AGENT_NAMES, 'all'].join('|')}> [--port N]`;

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

function start(target: string, port: number | undefined): Promise<RunningExampleAgent[]> {
  if (target === 'all') return startExampleAgents(EXAMPLE_AGENT_NAMES, { basePort: port });
  if (!isExampleAgentName(target)) throw new Error(`Unknown agent "${target}". ${USAGE}`);
  return startExampleAgent(target, { port: port ?? EXAMPLE_AGENTS[target].defaultPort }).then(
    (agent) => [agent],
  );
}

async function main(): Promise<void> {
  const { target, port } = parseArgs(process.argv.slice(2));
  const started = start(target, port);
  // Listen for signals before anything is printed: whoever waits for our output may signal at once.
  const shutdown = (signal: NodeJS.Signals) => {
    console.log(`${signal}: stopping`);
    started
      .then((agents) => Promise.all(agents.map((a) => a.stop())))
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
  for (const a of await started) {
    console.log(`${a.name} agent listening on ${a.url} (card: ${a.cardUrl})`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
