import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { agentReference } from './agent.ref';
import { AgentReviewsResolver } from './agent-reviews.resolver';
import { reviewReference } from './review.reference';
import { ReviewResolver } from './review.resolver';
import { userReference } from './user.ref';
import { UserReviewsResolver } from './user-reviews.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [ReviewResolver, AgentReviewsResolver, UserReviewsResolver],
    referenceResolvers: { Review: reviewReference, Agent: agentReference, User: userReference },
  });
