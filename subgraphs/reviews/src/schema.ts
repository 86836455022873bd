import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { agentReference } from './federated/agent/agent.reference';
import { AgentReviewsResolver } from './federated/agent/agent-reviews.resolver';
import { userReference } from './federated/user/user.reference';
import { UserReviewsResolver } from './federated/user/user-reviews.resolver';
import { reviewReference } from './review/review.reference';
import { ReviewResolver } from './review/review.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [ReviewResolver, AgentReviewsResolver, UserReviewsResolver],
    referenceResolvers: { Review: reviewReference, Agent: agentReference, User: userReference },
    // A review's body is prose (any script, paragraphs); its title is one line.
    textRules: { 'Mutation.reviewAgent(body)': 'prose' },
  });
