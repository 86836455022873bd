import { Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { AppError, ErrorCode } from '@agentry/core';
import {
  decodeCursor,
  PageArgs,
  pageSize,
  requireRole,
  Scope,
  type Page,
} from '@agentry/subgraph-kit';
import { catchUpCommitted } from '../catch-up';
import { CreditsScalar } from './credits.scalar';
import type { BillingContext } from '../context';
import { GrantCreditsArgs } from './grant-credits.args';
import { LedgerEntryConnection } from './ledger-entry-connection.type';
import type { LedgerEntry } from './ledger-entry.entity';
import { grant } from './ledger.store';
import { Wallet } from './wallet.entity';
import { afterSeq, walletEntriesLoader } from './wallet.loader';

@Resolver(() => Wallet)
export class WalletResolver {
  @FieldResolver(() => CreditsScalar, {
    description: 'balance - held: what new tasks may still hold.',
  })
  available(@Root() wallet: Wallet): number {
    return wallet.balance - wallet.held;
  }

  @Scope('billing:read')
  @FieldResolver(() => LedgerEntryConnection, { description: 'The ledger, newest first.' })
  entries(
    @Root() wallet: Wallet,
    @Args() { first, after }: PageArgs,
    @Ctx() ctx: BillingContext,
  ): Promise<Page<LedgerEntry>> {
    return walletEntriesLoader(ctx, pageSize(first), afterSeq(decodeCursor(after, 'bigint'))).load(
      wallet.userId,
    );
  }

  @Scope('admin')
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
