import { runExampleCli } from '@agentry/devstack';
import {
  EXAMPLE_AGENT_NAMES,
  EXAMPLE_AGENTS,
  startExampleAgent,
  startExampleAgents,
  type ExampleAgentName,
} from './index';

/*
 * Serves example agents until Ctrl-C:
 *   node -r ./scripts/register.js examples/agents/src/run.ts <name|all> [--port N]
 * With one agent, --port is its port; with `all`, the first agent's port and the others follow.
 * Without --port every agent uses its default port (echo 4101 ... slowpoke 4105).
 */
runExampleCli({
  noun: 'agent',
  names: EXAMPLE_AGENT_NAMES,
  start: async (target, port) => {
    if (target === 'all') return startExampleAgents(EXAMPLE_AGENT_NAMES, { basePort: port });
    const name = target as ExampleAgentName;
    return [await startExampleAgent(name, { port: port ?? EXAMPLE_AGENTS[name].defaultPort })];
  },
  describe: (a) => `${a.name} agent listening on ${a.url} (card: ${a.cardUrl})`,
});
