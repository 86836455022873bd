import { byKeys, isUuid, type SubgraphContext } from '@agentry/subgraph-kit';
import { toolStats } from './tool-invocation.store';
import type { ToolStats } from './tool-stats.type';

/** `Tool.stats` by tool id (`<serverId>:<name>`), batched per window; unknown tools get zeros. */
export const toolStatsLoader = (ctx: SubgraphContext, windowMinutes: number) =>
  ctx.loader<string, ToolStats>(`toolStats:${windowMinutes}`, async (ids) => {
    const keys = ids.map((id) => {
      const i = id.indexOf(':');
      return { id, serverId: id.slice(0, i), name: id.slice(i + 1) };
    });
    const rows = await toolStats(
      ctx.db,
      keys.filter((k) => isUuid(k.serverId)),
      windowMinutes,
    );
    return byKeys(ids, rows, (r) => r.id).map((r) => ({
      windowMinutes,
      calls: r?.calls ?? 0,
      errors: r?.errors ?? 0,
      p50Ms: r?.p50 ?? null,
      p95Ms: r?.p95 ?? null,
    }));
  });
