import type { SubgraphFactory } from '@agentry/subgraph-kit';
import { InitReviews1764400000000 } from './migrations/1764400000000-init-reviews';
import { AgentProjection } from './projections/agent-projection.entity';
import { Eligibility } from './projections/eligibility.entity';
import { startProjections } from './projections/projections.consumer';
import { Review } from './review/review.entity';
import { buildSchema } from './schema';

export const reviewsSubgraph: SubgraphFactory = () => ({
  name: 'reviews',
  entities: [AgentProjection, Eligibility, Review],
  migrations: [InitReviews1764400000000],
  buildSchema,
  start: async (deps) => ({ services: {}, stop: await startProjections(deps) }),
});
