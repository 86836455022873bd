import type { EntityManager } from 'typeorm';
import { startConsumer, type StoredEvent } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';
import { deleteRating, upsertRating } from './agent-rating.store';

export const RATING_TOPICS = ['review.submitted', 'review.deleted'] as const;

/**
 * Keeps agents.agent_reviews in step with the reviews subgraph, for `agents(sort: RATING)`.
 * Upserts and deletes by review id make a replayed event harmless.
 */
function applyRatingEvent(event: StoredEvent<(typeof RATING_TOPICS)[number]>, m: EntityManager) {
  return event.topic === 'review.deleted'
    ? deleteRating(m, event.payload.reviewId)
    : upsertRating(m, event.payload);
}

export async function startRatingProjection(deps: SubgraphDeps) {
  const consumer = await startConsumer({
    name: 'agents.ratings',
    topics: RATING_TOPICS,
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: applyRatingEvent,
  });
  return () => consumer.stop();
}
