import { Args, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { AppError, ErrorCode, forbidden } from '@agentry/core';
import {
  Connection,
  PageArgs,
  decodeCursor,
  isAdmin,
  pageSize,
  requireRole,
  requireUser,
  type Page,
} from '@agentry/subgraph-kit';
import type { BillingContext } from './context';
import { catchUpCommitted } from './catch-up';
import { GrantCreditsArgs } from './grant-credits.args';
import { LedgerEntry } from './ledger-entry.entity';
import { grant } from './ledger';
import { UserRef } from './user-ref';
import { Wallet, emptyWallet } from './wallet.entity';
import { afterSeq, walletEntriesLoader, walletLoader } from './wallet.loader';

export const LedgerEntryConnection = Connection('LedgerEntry', LedgerEntry);

@Resolver(() => Wallet)
export class WalletResolver {
  @FieldResolver(() => Int, { description: 'balance - held: what new tasks may still hold.' })
  available(@Root() wallet: Wallet): number {
    return wallet.balance - wallet.held;
  }

  @FieldResolver(() => LedgerEntryConnection, { description: 'The ledger, newest first.' })
  entries(
    @Root() wallet: Wallet,
    @Args() { first, after }: PageArgs,
    @Ctx() ctx: BillingContext,
  ): Promise<Page<LedgerEntry>> {
    return walletEntriesLoader(ctx, pageSize(first), afterSeq(decodeCursor(after))).load(
      wallet.userId,
    );
  }
}

@Resolver(() => UserRef)
export class UserWalletResolver {
  @FieldResolver(() => Wallet, {
    description: "The user's credits (the user themself, scope billing:read, or an admin).",
  })
  async wallet(@Root() user: UserRef, @Ctx() ctx: BillingContext): Promise<Wallet> {
    const callerId = requireUser(ctx, 'billing:read');
    if (callerId !== user.id && !isAdmin(ctx)) throw forbidden('You can only see your own wallet.');
    // No row yet even after catching up: the user's registration is still in flight.
    return (await walletLoader(ctx).load(user.id)) ?? emptyWallet(user.id);
  }
}

@Resolver()
export class GrantCreditsResolver {
  @Mutation(() => Wallet, { description: "Adds credits to a user's wallet (ADMIN only)." })
  async grantCredits(
    @Args() { userId, amount, reason }: GrantCreditsArgs,
    @Ctx() ctx: BillingContext,
  ): Promise<Wallet> {
    const adminId = requireRole(ctx, 'ADMIN');
    const params = { userId: userId.toLowerCase(), amount, reason: reason.trim() };
    const result = await grant(ctx.db, params).catch(async (err: unknown) => {
      const missing = err instanceof AppError && err.extensions.code === ErrorCode.NOT_FOUND;
      if (!missing) throw err;
      // The user may have signed up a moment ago and their wallet not exist yet.
      await catchUpCommitted(ctx.welcomeGrants, ctx.db);
      return grant(ctx.db, params);
    });
    ctx.log.info({ adminId, userId: params.userId, amount }, 'credits granted');
    return result.wallet;
  }
}
