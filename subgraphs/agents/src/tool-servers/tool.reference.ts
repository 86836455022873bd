import type { SubgraphContext } from '@agentry/subgraph-kit';
import { callableTool } from './tool-server.access';

/** A tool resolves only for those who may call it (the tasks subgraph adds `Tool.stats`). */
export const toolReference = {
  __resolveReference: (ref: { id: string }, ctx: SubgraphContext) =>
    typeof ref.id === 'string' ? callableTool(ctx, ref.id) : null,
};
