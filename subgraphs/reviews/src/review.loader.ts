import {
  byKeys,
  decodeTimeCursor,
  isUuid,
  pageSize,
  toPage,
  type Page,
  type PageArgs,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import type { AgentRating } from './agent.ref';
import type { Review } from './review.entity';
import { REVIEW_COLUMNS, UPDATED_KEY } from './sql';

/** A review row as selected with REVIEW_COLUMNS (plus its cursor key in list queries). */
export type ReviewRow = Review & { updatedKey?: string };

/** Reviews by id, batched per request. */
export const reviewLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, ReviewRow | null>('reviewById', async (ids) => {
    const valid = ids.filter(isUuid);
    const rows: ReviewRow[] = valid.length
      ? await ctx.db.query(
          `SELECT ${REVIEW_COLUMNS} FROM reviews.reviews r WHERE r.id = ANY($1::uuid[])`,
          [valid],
        )
      : [];
    return byKeys(ids, rows, (r) => r.id);
  });

const STARS = [1, 2, 3, 4, 5];

/**
 * `Agent.rating` for every agent of the request: one grouped aggregate (agent, stars) from
 * which count, average and histogram all follow.
 */
export const ratingLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, AgentRating>('agentRating', async (agentIds) => {
    const ids = agentIds.filter(isUuid);
    const rows: { agentId: string; rating: number; n: number }[] = ids.length
      ? await ctx.db.query(
          `SELECT r.agent_id AS "agentId", r.rating, count(*)::int AS n FROM reviews.reviews r
            WHERE r.agent_id = ANY($1::uuid[]) GROUP BY r.agent_id, r.rating`,
          [ids],
        )
      : [];
    const buckets = new Map<string, Map<number, number>>();
    for (const r of rows) {
      const m = buckets.get(r.agentId) ?? new Map<number, number>();
      m.set(r.rating, r.n);
      buckets.set(r.agentId, m);
    }
    return agentIds.map((id) => {
      const m = buckets.get(id) ?? new Map<number, number>();
      const histogram = STARS.map((stars) => ({ stars, count: m.get(stars) ?? 0 }));
      const count = histogram.reduce((s, b) => s + b.count, 0);
      const sum = histogram.reduce((s, b) => s + b.stars * b.count, 0);
      // sum * 100 / count first keeps e.g. 13/3 from picking up binary rounding noise.
      const average = count ? Math.round((sum * 100) / count) / 100 : null;
      return { average, count, histogram };
    });
  });

/** A decoded newest-first position, or null for the first page. */
interface Position {
  updatedKey: string;
  id: string;
}

/** Decodes a review-list cursor; anything but one of ours is BAD_USER_INPUT, never SQL. */
export function decodeReviewCursor(after: string | undefined | null): Position | null {
  const key = decodeTimeCursor(after);
  return key && { updatedKey: key[0] as string, id: key[1] };
}

const keyOf = (r: ReviewRow): [string, string] => [r.updatedKey!, r.id];

/** The two lists of reviews: an agent's (`Agent.reviews`) and an author's (`User.reviews`). */
const PARENT_COLUMN = { agent: 'agent_id', author: 'author_id' } as const;
const PARENT_PROPERTY = { agent: 'agentId', author: 'authorId' } as const;

/**
 * Review pages, newest first, for a batch of parents with the same arguments: one
 * window-function query for the pages and one grouped count, whatever the number of parents.
 */
export function reviewPagesLoader(
  ctx: SubgraphContext,
  parent: keyof typeof PARENT_COLUMN,
  args: PageArgs,
) {
  // Decoded before the loader exists, so a bad cursor fails the field, not the whole batch.
  const position = decodeReviewCursor(args.after);
  const limit = pageSize(args.first);
  const column = PARENT_COLUMN[parent];
  const property = PARENT_PROPERTY[parent];
  const name = `reviews:${parent}:${JSON.stringify([limit, args.after ?? null])}`;
  return ctx.loader<string, Page<ReviewRow>>(name, async (parentIds) => {
    const ids = parentIds.filter(isUuid);
    if (!ids.length) return parentIds.map(() => toPage([], limit, keyOf, 0, position !== null));
    const params: unknown[] = [ids];
    let after = '';
    if (position) {
      params.push(position.updatedKey, position.id);
      after = 'AND (r.updated_at, r.id) < ($2::timestamptz, $3::uuid)';
    }
    params.push(limit + 1);
    const [rows, counts] = await Promise.all([
      ctx.db.query(
        `SELECT * FROM (
           SELECT ${REVIEW_COLUMNS}, ${UPDATED_KEY} AS "updatedKey",
                  row_number() OVER (PARTITION BY r.${column} ORDER BY r.updated_at DESC, r.id DESC) AS rn
             FROM reviews.reviews r
            WHERE r.${column} = ANY($1::uuid[]) ${after}
         ) x WHERE x.rn <= $${params.length} ORDER BY x."${property}", x.rn`,
        params,
      ) as Promise<ReviewRow[]>,
      ctx.db.query(
        `SELECT r.${column} AS "parentId", count(*)::int AS n FROM reviews.reviews r
          WHERE r.${column} = ANY($1::uuid[]) GROUP BY r.${column}`,
        [ids],
      ) as Promise<{ parentId: string; n: number }[]>,
    ]);
    const totals = new Map(counts.map((c) => [c.parentId, c.n]));
    const byParent = new Map<string, ReviewRow[]>();
    for (const r of rows) {
      const list = byParent.get(r[property]) ?? [];
      list.push(r);
      byParent.set(r[property], list);
    }
    return parentIds.map((id) =>
      toPage(byParent.get(id) ?? [], limit, keyOf, totals.get(id) ?? 0, position !== null),
    );
  });
}
