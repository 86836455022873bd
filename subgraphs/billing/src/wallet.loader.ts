import { In } from 'typeorm';
import { badInput } from '@agentry/core';
import { byKeys, groupByKeys, toPage, type CursorKey, type Page } from '@agentry/subgraph-kit';
import type { BillingContext } from './context';
import { catchUpCommitted } from './catch-up';
import { ledgerEntryFromRow, type LedgerEntry, type LedgerEntryRow } from './ledger-entry.entity';
import { Wallet } from './wallet.entity';

/**
 * Wallets by user id, batched per request. Users missing a wallet may have signed up a moment
 * ago: the welcome consumer catches up once for the whole batch before they count as missing.
 */
export const walletLoader = (ctx: BillingContext) =>
  ctx.loader<string, Wallet | null>('walletByUser', async (userIds) => {
    const find = (ids: readonly string[]) =>
      ctx.db.getRepository(Wallet).findBy({ userId: In([...ids]) });
    const rows = await find(userIds);
    const found = new Set(rows.map((w) => w.userId));
    const missing = userIds.filter((id) => !found.has(id));
    if (missing.length) {
      await catchUpCommitted(ctx.welcomeGrants, ctx.db);
      rows.push(...(await find(missing)));
    }
    return byKeys(userIds, rows, (w) => w.userId);
  });

export const entryCursor = (e: LedgerEntry): CursorKey => [e.seq, e.id];

/** The position after which a page starts: a `seq` from a cursor of this connection. */
export function afterSeq(cursor: CursorKey | null): number | null {
  if (!cursor) return null;
  if (typeof cursor[0] !== 'number' || !Number.isSafeInteger(cursor[0]))
    throw badInput('The cursor is not a ledger entry cursor.', { argument: 'after' });
  return cursor[0];
}

/**
 * One page of entries (newest first) for many wallets at once: one windowed query and one
 * grouped count, whatever the number of wallets.
 */
export const walletEntriesLoader = (ctx: BillingContext, limit: number, after: number | null) =>
  ctx.loader<string, Page<LedgerEntry>>(`walletEntries:${limit}:${after ?? ''}`, async (ids) => {
    const rows: (LedgerEntryRow & { rn: string })[] = await ctx.db.query(
      `SELECT * FROM (
         SELECT id, seq, user_id, kind, amount, balance_delta, held_delta, balance_after,
                held_after, task_id, reason, idempotency_key, created_at,
                row_number() OVER (PARTITION BY user_id ORDER BY seq DESC) AS rn
           FROM billing.ledger_entries
          WHERE user_id = ANY($1::uuid[]) AND ($2::bigint IS NULL OR seq < $2::bigint)
       ) page
       WHERE rn <= $3
       ORDER BY user_id, seq DESC`,
      [[...ids], after, limit + 1],
    );
    const counts: { user_id: string; n: number }[] = await ctx.db.query(
      `SELECT user_id, count(*)::int AS n FROM billing.ledger_entries
        WHERE user_id = ANY($1::uuid[]) GROUP BY user_id`,
      [[...ids]],
    );
    const total = byKeys(ids, counts, (c) => c.user_id);
    const grouped = groupByKeys(ids, rows.map(ledgerEntryFromRow), (e) => e.userId);
    return grouped.map((entries, i) =>
      toPage(entries, limit, entryCursor, total[i]?.n ?? 0, after !== null),
    );
  });

export interface TaskCost {
  taskId: string;
  amount: number;
  requesterId: string;
  payeeId: string | null;
}

/** What each task cost (its CAPTURE), with who paid and who earned, batched per request. */
export const taskCostLoader = (ctx: BillingContext) =>
  ctx.loader<string, TaskCost | null>('taskCost', async (taskIds) => {
    const rows: { task_id: string; amount: string; requester_id: string; payee_id: string }[] =
      await ctx.db.query(
        `SELECT c.task_id, c.amount, c.user_id AS requester_id, p.user_id AS payee_id
           FROM billing.ledger_entries c
           LEFT JOIN billing.ledger_entries p ON p.task_id = c.task_id AND p.kind = 'PAYOUT'
          WHERE c.kind = 'CAPTURE' AND c.task_id = ANY($1::uuid[])`,
        [[...taskIds]],
      );
    return byKeys(
      taskIds,
      rows.map((r) => ({
        taskId: r.task_id,
        amount: Number(r.amount),
        requesterId: r.requester_id,
        payeeId: r.payee_id,
      })),
      (c) => c.taskId,
    );
  });
