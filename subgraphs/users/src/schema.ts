import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { ApiKeyResolver } from './api-key/api-key.resolver';
import { AuthResolver } from './auth/auth.resolver';
import { userReference } from './user/user.reference';
import { UserResolver } from './user/user.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [AuthResolver, UserResolver, ApiKeyResolver],
    referenceResolvers: { User: userReference },
    // A password is any text a person can type; names and e-mails are one line.
    textRules: { 'SignUpInput.password': 'prose', 'Mutation.signIn(password)': 'prose' },
  });
