import { isUuid, type SubgraphContext } from '@agentry/subgraph-kit';
import { reviewLoader } from './review.loader';

export const reviewReference = {
  __resolveReference: (ref: { id: string }, ctx: SubgraphContext) =>
    isUuid(ref.id) ? reviewLoader(ctx).load(ref.id) : null,
};
