import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { TaskCostResolver } from './task-cost.resolver';
import { TaskRef, taskReference } from './task-ref';
import { UserRef, userReference } from './user-ref';
import { GrantCreditsResolver, UserWalletResolver, WalletResolver } from './wallet.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [WalletResolver, UserWalletResolver, GrantCreditsResolver, TaskCostResolver],
    // Reached only through _entities, so type-graphql must be told to emit them.
    orphanedTypes: [UserRef, TaskRef],
    referenceResolvers: { User: userReference, Task: taskReference },
  });
