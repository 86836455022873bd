import { byKeys, type SubgraphContext } from '@agentry/subgraph-kit';
import type { AgentProjection } from './agent-projection.entity';
import { agentsByIds } from './agent-projection.store';

/** This subgraph's copy of agents by id, batched per request (null: not heard of yet). */
export const agentProjectionLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, AgentProjection | null>('agentProjection', async (ids) =>
    byKeys(ids, await agentsByIds(ctx.db, ids), (a) => a.id),
  );
