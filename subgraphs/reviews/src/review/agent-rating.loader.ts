import { isUuid, type SubgraphContext } from '@agentry/subgraph-kit';
import { starCounts } from './review.store';
import type { AgentRating } from './agent-rating.type';

const STARS = [1, 2, 3, 4, 5];

/**
 * `Agent.rating` for every agent of the request: one grouped aggregate (agent, stars) from
 * which count, average and histogram all follow.
 */
export const ratingLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, AgentRating>('agentRating', async (agentIds) => {
    const ids = agentIds.filter(isUuid);
    const rows = ids.length ? await starCounts(ctx.db, ids) : [];
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
