import type { Consumer } from '@agentry/events';
import type { SubgraphContext } from '@agentry/subgraph-kit';

/** What billing's resolvers and routes need besides the kit's context. */
export interface BillingServices {
  /**
   * The `user.registered` consumer: a user who signed up a moment ago may not have a wallet yet,
   * and `catchUp()` creates it now instead of after the next poll.
   */
  welcomeGrants: Consumer;
}

export interface BillingContext extends SubgraphContext, BillingServices {}
