import type { SubgraphFactory } from '@agentry/subgraph-kit';
import { Agent } from './agent/agent.entity';
import { agentCards } from './cards/card.worker';
import type { AgentsContext, AgentsServices } from './context';
import { loadAgentsEnv } from './env';
import { InitAgents1764100000000 } from './migrations/1764100000000-init-agents';
import { AgentCards1764700000000 } from './migrations/1764700000000-agent-cards';
import { ToolServers1764800000000 } from './migrations/1764800000000-tool-servers';
import { AgentReviews1764900000000 } from './migrations/1764900000000-agent-reviews';
import { AgentProtocolVersion1765000000000 } from './migrations/1765000000000-agent-protocol-version';
import { KnownUsers1765000000001 } from './migrations/1765000000001-known-users';
import { startRatingProjection } from './projections/agent-rating.consumer';
import { startKnownUsers } from './projections/known-user.consumer';
import { buildSchema } from './schema';
import { startRefresher } from './shared/refresher';
import { Tool } from './tool-servers/tool.entity';
import { ToolGrant } from './tool-servers/tool-grant.entity';
import { ToolServer } from './tool-servers/tool-server.entity';
import { toolServers } from './tool-servers/tool-server.worker';

export const agentsSubgraph: SubgraphFactory<AgentsServices, AgentsContext> = (source) => {
  const env = loadAgentsEnv(source);
  return {
    name: 'agents',
    entities: [Agent, ToolServer, Tool, ToolGrant],
    migrations: [
      InitAgents1764100000000,
      AgentCards1764700000000,
      ToolServers1764800000000,
      AgentReviews1764900000000,
      AgentProtocolVersion1765000000000,
      KnownUsers1765000000001,
    ],
    buildSchema,
    start: async (deps) => {
      const users = await startKnownUsers(deps);
      const stops = [
        () => users.stop(),
        startRefresher(deps.dataSource, agentCards(env.cards), env.AGENT_CARD_REFRESH_MS, deps.log),
        startRefresher(
          deps.dataSource,
          toolServers(env.tools),
          env.TOOL_SERVER_REFRESH_MS,
          deps.log,
        ),
        await startRatingProjection(deps),
      ];
      return {
        services: { cards: env.cards, tools: env.tools, users },
        stop: async () => {
          await Promise.all(stops.map((stop) => stop()));
        },
      };
    },
    context: (base, services) => ({ ...base, ...services }),
  };
};
