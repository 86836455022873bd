import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { ApiKeyResolver } from './api-key.resolver';
import { AuthResolver } from './auth.resolver';
import { userReference } from './user.reference';
import { UserResolver } from './user.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [AuthResolver, UserResolver, ApiKeyResolver],
    referenceResolvers: { User: userReference },
  });
