import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { forbidden } from '@agentry/core';
import { isAdmin, requireUser, Scope } from '@agentry/subgraph-kit';
import type { BillingContext } from '../../context';
import { taskCostLoader } from './task-cost.loader';
import { TaskStub } from './task.stub';

@Resolver(() => TaskStub)
export class TaskBillingResolver {
  @Scope('tasks:read')
  @FieldResolver(() => Int, {
    nullable: true,
    description: 'Credits the requester paid for this task; null until it is paid for.',
  })
  async cost(@Root() task: TaskStub, @Ctx() ctx: BillingContext): Promise<number | null> {
    const callerId = requireUser(ctx, 'tasks:read');
    const cost = await taskCostLoader(ctx).load(task.id);
    if (!cost) return null;
    // What someone paid is billing data: the payer, the earner and admins only.
    if (callerId !== cost.requesterId && callerId !== cost.payeeId && !isAdmin(ctx))
      throw forbidden("You cannot see what another user's task cost.");
    return cost.amount;
  }
}
