import { forbidden, notFound } from '@agentry/core';
import { publishEvents } from '@agentry/events';
import { inTransaction, selectColumns, timeKey, type Db } from '@agentry/subgraph-kit';
import { agentProvider, hasCompletedTask } from '../projections/projections.store';
import { Review } from './review.entity';

/*
 * The only code that runs SQL on reviews.reviews. Writes publish review.submitted /
 * review.deleted in the same transaction.
 */

/** A review with its position in newest-first lists (`updatedKey`, microsecond UTC text). */
export type ListedReview = Review & { updatedKey: string };

const eventPayload = (r: Review) => ({
  reviewId: r.id,
  agentId: r.agentId,
  authorId: r.authorId,
  rating: r.rating,
});

export async function reviewsByIds(db: Db, ids: readonly string[]): Promise<Review[]> {
  return db.query(
    `SELECT ${selectColumns(db, Review, 'r')} FROM reviews.reviews r WHERE r.id = ANY($1::uuid[])`,
    [[...ids]],
  );
}

/** How many reviews gave each agent each number of stars (agents without reviews: no rows). */
export async function starCounts(
  db: Db,
  agentIds: readonly string[],
): Promise<{ agentId: string; rating: number; n: number }[]> {
  return db.query(
    `SELECT r.agent_id AS "agentId", r.rating, count(*)::int AS n FROM reviews.reviews r
      WHERE r.agent_id = ANY($1::uuid[]) GROUP BY r.agent_id, r.rating`,
    [[...agentIds]],
  );
}

/**
 * The two lists of reviews, each by the property that names its parent: an agent's
 * (`Agent.reviews`) and an author's (`User.reviews`).
 */
export const PARENT_PROPERTY = { agent: 'agentId', author: 'authorId' } as const satisfies Record<
  string,
  keyof Review
>;
export type ReviewParent = keyof typeof PARENT_PROPERTY;

export interface ReviewPages {
  /** Up to `perParent` reviews of each parent, newest first, grouped by parent. */
  reviews: ListedReview[];
  totals: { parentId: string; n: number }[];
}

/**
 * Each parent's newest `perParent` reviews strictly after `after` (a position from a cursor),
 * and each parent's review count: one window-function query and one grouped count, whatever the
 * number of parents.
 */
export async function reviewPages(
  db: Db,
  parent: ReviewParent,
  parentIds: readonly string[],
  after: { updatedKey: string; id: string } | null,
  perParent: number,
): Promise<ReviewPages> {
  const property = PARENT_PROPERTY[parent];
  const column = db
    .getRepository(Review)
    .metadata.findColumnWithPropertyName(property)!.databaseName;
  const params: unknown[] = [[...parentIds]];
  let afterClause = '';
  if (after) {
    params.push(after.updatedKey, after.id);
    afterClause = 'AND (r.updated_at, r.id) < ($2::timestamptz, $3::uuid)';
  }
  params.push(perParent);
  const [reviews, totals] = await Promise.all([
    db.query(
      `SELECT * FROM (
         SELECT ${selectColumns(db, Review, 'r')}, ${timeKey('r.updated_at')} AS "updatedKey",
                row_number() OVER (PARTITION BY r.${column} ORDER BY r.updated_at DESC, r.id DESC) AS rn
           FROM reviews.reviews r
          WHERE r.${column} = ANY($1::uuid[]) ${afterClause}
       ) x WHERE x.rn <= $${params.length} ORDER BY x."${property}", x.rn`,
      params,
    ) as Promise<ListedReview[]>,
    db.query(
      `SELECT r.${column} AS "parentId", count(*)::int AS n FROM reviews.reviews r
        WHERE r.${column} = ANY($1::uuid[]) GROUP BY r.${column}`,
      [[...parentIds]],
    ) as Promise<{ parentId: string; n: number }[]>,
  ]);
  return { reviews, totals };
}

export interface NewReview {
  agentId: string;
  authorId: string;
  rating: number;
  title: string;
  body: string;
}

/**
 * Writes the author's review of the agent (replacing an earlier one, keeping its id) and
 * publishes review.submitted. NOT_FOUND for an agent this subgraph has not heard of; FORBIDDEN
 * for the agent's own provider and for a user without a completed task with it.
 */
export function submitReview(db: Db, review: NewReview): Promise<Review> {
  return inTransaction(db, async (m) => {
    const providerId = await agentProvider(m, review.agentId);
    if (!providerId) throw notFound('Agent', review.agentId);
    if (providerId === review.authorId) throw forbidden('You cannot review your own agent.');
    if (!(await hasCompletedTask(m, review.authorId, review.agentId)))
      throw forbidden('You can review an agent after a task with it has completed.');
    // The unique (agent, author) pair makes a second review replace the first, keeping its id.
    const [saved]: Review[] = await m.query(
      `INSERT INTO reviews.reviews AS r (agent_id, author_id, rating, title, body)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (agent_id, author_id) DO UPDATE SET rating = excluded.rating,
         title = excluded.title, body = excluded.body, updated_at = now()
       RETURNING ${selectColumns(m, Review, 'r')}`,
      [review.agentId, review.authorId, review.rating, review.title.trim(), review.body.trim()],
    );
    await publishEvents(m, [
      { topic: 'review.submitted', key: saved.id, payload: eventPayload(saved) },
    ]);
    return saved;
  });
}

/**
 * Deletes a review under its row lock and publishes review.deleted; `authorize` sees the review
 * first and throws to refuse. NOT_FOUND if there is none.
 */
export function deleteReview(
  db: Db,
  id: string,
  authorize: (review: Review) => void,
): Promise<void> {
  return inTransaction(db, async (m) => {
    const [review]: Review[] = await m.query(
      `SELECT ${selectColumns(m, Review, 'r')} FROM reviews.reviews r WHERE r.id = $1 FOR UPDATE`,
      [id],
    );
    if (!review) throw notFound('Review', id);
    authorize(review);
    await m.query('DELETE FROM reviews.reviews WHERE id = $1', [id]);
    await publishEvents(m, [
      { topic: 'review.deleted', key: review.id, payload: eventPayload(review) },
    ]);
  });
}
