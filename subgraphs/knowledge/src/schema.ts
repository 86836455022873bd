import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { agentReference } from './federated/agent/agent.reference';
import { AgentKnowledgeResolver } from './federated/agent/agent-knowledge.resolver';
import { userReference } from './federated/user/user.reference';
import { UserKnowledgeResolver } from './federated/user/user-knowledge.resolver';
import { UserStub } from './federated/user/user.stub';
import { KnowledgeGraphResolver } from './knowledge-graph/knowledge-graph.resolver';
import { SkillResolver } from './skills/skill.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [
      AgentKnowledgeResolver,
      UserKnowledgeResolver,
      SkillResolver,
      KnowledgeGraphResolver,
    ],
    // User is only extended here (no field returns it), so it is named explicitly.
    orphanedTypes: [UserStub],
    referenceResolvers: { Agent: agentReference, User: userReference },
  });
