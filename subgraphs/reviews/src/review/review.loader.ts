import {
  byKeys,
  decodeTimeCursor,
  groupByKeys,
  isUuid,
  pageSize,
  toPage,
  type Page,
  type PageArgs,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import type { Review } from './review.entity';
import {
  PARENT_PROPERTY,
  reviewPages,
  reviewsByIds,
  type ListedReview,
  type ReviewParent,
} from './review.store';

/** Reviews by id, batched per request. */
export const reviewLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, Review | null>('reviewById', async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await reviewsByIds(ctx.db, valid) : [];
    return byKeys(ids, rows, (r) => r.id);
  });

/** Decodes a review-list cursor; anything but one of ours is BAD_USER_INPUT, never SQL. */
function decodeReviewCursor(after: string | undefined | null) {
  const key = decodeTimeCursor(after);
  return key && { updatedKey: key[0] as string, id: key[1] };
}

const keyOf = (r: ListedReview): [string, string] => [r.updatedKey, r.id];

/** Review pages, newest first, for a batch of parents with the same arguments. */
export function reviewPagesLoader(ctx: SubgraphContext, parent: ReviewParent, args: PageArgs) {
  // Decoded before the loader exists, so a bad cursor fails the field, not the whole batch.
  const position = decodeReviewCursor(args.after);
  const limit = pageSize(args.first);
  const name = `reviews:${parent}:${JSON.stringify([limit, args.after ?? null])}`;
  return ctx.loader<string, Page<ListedReview>>(name, async (parentIds) => {
    const ids = parentIds.filter(isUuid);
    if (!ids.length) return parentIds.map(() => toPage([], limit, keyOf, 0, position !== null));
    // One more than a page, to tell whether there is a next one.
    const { reviews, totals } = await reviewPages(ctx.db, parent, ids, position, limit + 1);
    const total = byKeys(parentIds, totals, (t) => t.parentId);
    const grouped = groupByKeys(parentIds, reviews, (r) => r[PARENT_PROPERTY[parent]]);
    return grouped.map((page, i) =>
      toPage(page, limit, keyOf, total[i]?.n ?? 0, position !== null),
    );
  });
}
