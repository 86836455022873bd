import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { forbidden } from '@agentry/core';
import { isAdmin, requireUser, Scope } from '@agentry/subgraph-kit';
import type { BillingContext } from '../../context';
import { Wallet, emptyWallet } from '../../ledger/wallet.entity';
import { walletLoader } from '../../ledger/wallet.loader';
import { UserStub } from './user.stub';

@Resolver(() => UserStub)
export class UserBillingResolver {
  @Scope('billing:read')
  @FieldResolver(() => Wallet, {
    nullable: true,
    description:
      "The user's credits (the user themself, scope billing:read, or an admin). Null when the billing subgraph cannot answer right now (an error says so).",
  })
  async wallet(@Root() user: UserStub, @Ctx() ctx: BillingContext): Promise<Wallet> {
    const callerId = requireUser(ctx, 'billing:read');
    if (callerId !== user.id && !isAdmin(ctx)) throw forbidden('You can only see your own wallet.');
    // No row yet even after catching up: the user's registration is still in flight.
    return (await walletLoader(ctx).load(user.id)) ?? emptyWallet(user.id);
  }
}
