import { isUuid, type SubgraphContext } from '@agentry/subgraph-kit';
import { visibleServer } from './tool-server.access';

/** A private server the caller may not see resolves to null, as in `toolServer(id)`. */
export const toolServerReference = {
  __resolveReference: (ref: { id: string }, ctx: SubgraphContext) =>
    isUuid(ref.id) ? visibleServer(ctx, ref.id) : null,
};
