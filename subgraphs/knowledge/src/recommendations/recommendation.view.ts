import type { AgentRecommendation } from './agent-recommendation.type';
import type { Recommendation } from './recommendation.store';

/** A stored recommendation as the GraphQL type (the agent as a federation stub). */
export const toAgentRecommendation = (r: Recommendation): AgentRecommendation => ({
  agent: { id: r.agentId },
  score: r.score,
  reasons: r.reasons,
});
