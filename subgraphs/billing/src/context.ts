import type { Consumer } from '@agentry/events';
import type { SubgraphContext } from '@agentry/subgraph-kit';

export interface BillingContext extends SubgraphContext {
  /**
   * The `user.registered` consumer (null until the workers run): a user who signed up a moment
   * ago may not have a wallet yet, and `catchUp()` creates it now instead of after the next poll.
   */
  welcomeGrants: Consumer | null;
}
