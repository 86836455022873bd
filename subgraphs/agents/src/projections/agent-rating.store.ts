import type { EntityManager } from 'typeorm';

/*
 * agents.agent_reviews: one rating per review, copied from the reviews subgraph's events, so the
 * catalogue can sort by rating without asking another subgraph.
 */

export async function upsertRating(
  m: EntityManager,
  review: { reviewId: string; agentId: string; rating: number },
) {
  await m.query(
    `INSERT INTO agents.agent_reviews (review_id, agent_id, rating) VALUES ($1, $2, $3)
     ON CONFLICT (review_id) DO UPDATE SET rating = excluded.rating`,
    [review.reviewId, review.agentId, review.rating],
  );
}

export async function deleteRating(m: EntityManager, reviewId: string) {
  await m.query('DELETE FROM agents.agent_reviews WHERE review_id = $1', [reviewId]);
}
