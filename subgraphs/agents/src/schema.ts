import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { agentReference } from './agent.reference';
import { AgentResolver } from './agent.resolver';
import { UserRefResolver, userRefReference } from './user-ref.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [AgentResolver, UserRefResolver],
    referenceResolvers: { Agent: agentReference, User: userRefReference },
  });
