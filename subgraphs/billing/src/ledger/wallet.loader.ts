import { badInput } from '@agentry/core';
import { byKeys, groupByKeys, toPage, type CursorKey, type Page } from '@agentry/subgraph-kit';
import { catchUpCommitted } from '../catch-up';
import type { BillingContext } from '../context';
import type { LedgerEntry } from './ledger-entry.entity';
import { entryPages, walletsOf } from './ledger.store';
import type { Wallet } from './wallet.entity';

/**
 * Wallets by user id, batched per request. Users missing a wallet may have signed up a moment
 * ago: the welcome consumer catches up once for the whole batch before they count as missing.
 */
export const walletLoader = (ctx: BillingContext) =>
  ctx.loader<string, Wallet | null>('walletByUser', async (userIds) => {
    const rows = await walletsOf(ctx.db, userIds);
    const found = new Set(rows.map((w) => w.userId));
    const missing = userIds.filter((id) => !found.has(id));
    if (missing.length) {
      await catchUpCommitted(ctx.welcomeGrants, ctx.db);
      rows.push(...(await walletsOf(ctx.db, missing)));
    }
    return byKeys(userIds, rows, (w) => w.userId);
  });

const entryCursor = (e: LedgerEntry): CursorKey => [e.seq, e.id];

/** The position after which a page starts: a `seq` (bigserial, from 1) from a cursor of this connection. */
export function afterSeq(cursor: CursorKey | null): number | null {
  if (!cursor) return null;
  if (typeof cursor[0] !== 'number' || !Number.isSafeInteger(cursor[0]) || cursor[0] < 1)
    throw badInput('The cursor is not a ledger entry cursor.', { argument: 'after' });
  return cursor[0];
}

/** One page of entries (newest first) for every wallet of the request with these arguments. */
export const walletEntriesLoader = (ctx: BillingContext, limit: number, after: number | null) =>
  ctx.loader<string, Page<LedgerEntry>>(`walletEntries:${limit}:${after ?? ''}`, async (ids) => {
    // One more than a page, to tell whether there is a next one.
    const { entries, totals } = await entryPages(ctx.db, ids, limit + 1, after);
    const total = byKeys(ids, totals, (c) => c.userId);
    const grouped = groupByKeys(ids, entries, (e) => e.userId);
    return grouped.map((page, i) =>
      toPage(page, limit, entryCursor, total[i]?.n ?? 0, after !== null),
    );
  });
