import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { agentReference } from './agent/agent.reference';
import { AgentFacetsResolver } from './agent/agent-facets.resolver';
import { AgentResolver } from './agent/agent.resolver';
import { CardPreviewResolver } from './cards/card-preview.resolver';
import { UserAgentsResolver } from './federated/user/user-agents.resolver';
import { userReference } from './federated/user/user.reference';
import { toolReference } from './tool-servers/tool.reference';
import { ToolResolver } from './tool-servers/tool.resolver';
import { toolServerReference } from './tool-servers/tool-server.reference';
import { ToolServerResolver } from './tool-servers/tool-server.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [
      AgentResolver,
      AgentFacetsResolver,
      CardPreviewResolver,
      UserAgentsResolver,
      ToolServerResolver,
      ToolResolver,
    ],
    referenceResolvers: {
      Agent: agentReference,
      User: userReference,
      ToolServer: toolServerReference,
      Tool: toolReference,
    },
    // Descriptions and examples are several lines; names, URLs and tags are one (the default).
    textRules: {
      'CreateAgentInput.description': 'multiline',
      'UpdateAgentInput.description': 'multiline',
      'AgentSkillInput.description': 'multiline',
      'AgentSkillInput.examples': 'multiline',
    },
  });
