import { buildFederatedSchema } from '@agentry/subgraph-kit';
import { taskReference } from './federated/task/task.reference';
import { TaskBillingResolver } from './federated/task/task-billing.resolver';
import { TaskStub } from './federated/task/task.stub';
import { userReference } from './federated/user/user.reference';
import { UserBillingResolver } from './federated/user/user-billing.resolver';
import { UserStub } from './federated/user/user.stub';
import { WalletResolver } from './ledger/wallet.resolver';

export const buildSchema = () =>
  buildFederatedSchema({
    resolvers: [WalletResolver, UserBillingResolver, TaskBillingResolver],
    // Reached only through _entities, so type-graphql must be told to emit them.
    orphanedTypes: [UserStub, TaskStub],
    referenceResolvers: { User: userReference, Task: taskReference },
  });
