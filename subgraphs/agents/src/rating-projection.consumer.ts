import type { EntityManager } from 'typeorm';
import { startConsumer, type StoredEvent } from '@agentry/events';
import type { SubgraphDeps } from '@agentry/subgraph-kit';

export const RATING_TOPICS = ['review.submitted', 'review.deleted'] as const;

/**
 * Keeps agents.agent_reviews (one rating per review) in step with the reviews subgraph, for
 * `agents(sort: RATING)`. Upserts and deletes by review id make a replayed event harmless.
 */
async function applyRatingEvent(
  event: StoredEvent<(typeof RATING_TOPICS)[number]>,
  m: EntityManager,
) {
  const p = event.payload;
  if (event.topic === 'review.deleted') {
    await m.query('DELETE FROM agents.agent_reviews WHERE review_id = $1', [p.reviewId]);
    return;
  }
  await m.query(
    `INSERT INTO agents.agent_reviews (review_id, agent_id, rating) VALUES ($1, $2, $3)
     ON CONFLICT (review_id) DO UPDATE SET rating = excluded.rating`,
    [p.reviewId, p.agentId, p.rating],
  );
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
