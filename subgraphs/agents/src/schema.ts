import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { agentReference } from './agent.reference';
import { AgentResolver } from './agent.resolver';
import { AgentDiscoveryResolver } from './agent-discovery.resolver';
import {
  ToolResolver,
  toolReference,
  ToolServerResolver,
  toolServerReference,
} from './tool-server.resolver';
import { UserRefResolver, userRefReference } from './user-ref.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [
      AgentResolver,
      AgentDiscoveryResolver,
      UserRefResolver,
      ToolServerResolver,
      ToolResolver,
    ],
    referenceResolvers: {
      Agent: agentReference,
      User: userRefReference,
      ToolServer: toolServerReference,
      Tool: toolReference,
    },
  });
