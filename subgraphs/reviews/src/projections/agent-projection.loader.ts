import { byKeys, type SubgraphContext } from '@agentry/subgraph-kit';
import { agentsByIds } from './projections.store';

/** This subgraph's copy of agents by id, batched per request (null: not heard of yet). */
export const agentProjectionLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, { id: string; providerId: string; status: string } | null>(
    'agentProjection',
    async (ids) => byKeys(ids, await agentsByIds(ctx.db, ids), (a) => a.id),
  );
