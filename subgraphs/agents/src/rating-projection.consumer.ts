import type { EntityManager } from 'typeorm';
import type { Logger } from '@agentry/core';
import { startConsumer, type StoredEvent } from '@agentry/events';
import { isUuid, type SubgraphDeps } from '@agentry/subgraph-kit';

export const RATING_TOPICS = ['review.submitted', 'review.deleted'];

interface ReviewPayload {
  reviewId: string;
  agentId: string;
  rating: number;
}

const isReviewPayload = (p: any): p is ReviewPayload =>
  isUuid(p?.reviewId) &&
  isUuid(p?.agentId) &&
  Number.isInteger(p.rating) &&
  p.rating >= 1 &&
  p.rating <= 5;

/**
 * Keeps agents.agent_reviews (one rating per review) in step with the reviews subgraph, for
 * `agents(sort: RATING)`. Upserts and deletes by review id make a replayed event harmless.
 */
export function applyRatingEvent(log: Logger) {
  return async (event: StoredEvent, m: EntityManager) => {
    const p = event.payload;
    // A malformed event is skipped, not retried forever: it would block every later one.
    if (!isReviewPayload(p)) {
      log.warn({ eventId: event.id, topic: event.topic }, 'skipping malformed review event');
      return;
    }
    if (event.topic === 'review.deleted') {
      await m.query('DELETE FROM agents.agent_reviews WHERE review_id = $1', [p.reviewId]);
      return;
    }
    await m.query(
      `INSERT INTO agents.agent_reviews (review_id, agent_id, rating) VALUES ($1, $2, $3)
       ON CONFLICT (review_id) DO UPDATE SET rating = excluded.rating`,
      [p.reviewId, p.agentId, p.rating],
    );
  };
}

export async function startRatingProjection(deps: SubgraphDeps) {
  const consumer = await startConsumer({
    name: 'agents.ratings',
    topics: RATING_TOPICS,
    dataSource: deps.dataSource,
    url: deps.env.DATABASE_URL,
    log: deps.log,
    handle: applyRatingEvent(deps.log),
  });
  return () => consumer.stop();
}
