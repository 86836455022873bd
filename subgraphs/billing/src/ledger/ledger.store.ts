import { DataSource, In, type EntityManager } from 'typeorm';
import { AppError, ErrorCode, badInput, conflict, idArgument, notFound } from '@agentry/core';
import { fromRows, selectColumns, type Db } from '@agentry/subgraph-kit';
import { MAX_CREDITS } from './credits.scalar';
import { LedgerEntry, LedgerEntryKind } from './ledger-entry.entity';
import { PLATFORM_WALLET_ID, Wallet } from './wallet.entity';

/*
 * The ledger store: the only code that runs SQL on billing.wallets and billing.ledger_entries,
 * and so the only code that moves credits. Each movement is one transaction (its own, or a
 * savepoint inside the caller's, e.g. an event consumer's) that locks the wallets it touches,
 * appends entries and writes the wallet rows; the CHECK constraints are the last guard against a
 * negative balance. Movements with an idempotency key can be repeated safely.
 */

/** Upper bound for one movement; keeps balances far inside GraphQL's 32-bit Int. */
const MAX_AMOUNT = 1_000_000_000;

/** How each kind changes [balance, held]; mirrors the ledger_entries_kind_effect CHECK. */
const EFFECT: Record<LedgerEntryKind, (amount: number) => [number, number]> = {
  [LedgerEntryKind.GRANT]: (a) => [a, 0],
  [LedgerEntryKind.PAYOUT]: (a) => [a, 0],
  [LedgerEntryKind.FEE]: (a) => [a, 0],
  [LedgerEntryKind.REFUND]: (a) => [a, 0],
  [LedgerEntryKind.HOLD]: (a) => [0, a],
  [LedgerEntryKind.RELEASE]: (a) => [0, -a],
  [LedgerEntryKind.CAPTURE]: (a) => [-a, -a],
};

const holdKey = (taskId: string) => `hold:${taskId}`;
const captureKey = (taskId: string) => `capture:${taskId}`;
const releaseKey = (taskId: string) => `release:${taskId}`;
const welcomeKey = (userId: string) => `welcome:${userId}`;
// A capture writes up to three entries; each carries its own key so each exists at most once.
const payoutKey = (taskId: string) => `capture:${taskId}:payout`;
const feeKey = (taskId: string) => `capture:${taskId}:fee`;

const insufficient = (required: number, available: number) =>
  new AppError(
    ErrorCode.INSUFFICIENT_CREDITS,
    `This needs ${required} credits but only ${available} are available; ask for a grant or wait for running tasks to finish.`,
    { required, available },
  );

function checkAmount(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_AMOUNT) {
    throw badInput(`amount must be a whole number of credits from 1 to ${MAX_AMOUNT}.`);
  }
  return amount;
}

const isKeyRace = (err: unknown) => {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'ledger_entries_idempotency_key_key';
};

/**
 * One transaction per movement. Not the kit's `inTransaction`, which joins an open transaction
 * as it is: a movement inside a caller's transaction (a consumer's) runs in a SAVEPOINT here, so
 * that losing an idempotency-key race undoes only the movement and it can run again. Two calls
 * with the same key may both find it unused (they may lock different wallets, e.g. a key reused
 * for another user); the unique index lets only one insert, and the loser runs again to see the
 * winner's entry.
 */
async function ledgerTransaction<T>(db: Db, work: (m: EntityManager) => Promise<T>): Promise<T> {
  const manager = db instanceof DataSource ? db.manager : db;
  try {
    return await manager.transaction(work);
  } catch (err) {
    if (!isKeyRace(err)) throw err;
    return manager.transaction(work);
  }
}

/**
 * Locks wallet rows in ascending user_id order: every ledger call locks in the same order, so
 * two calls touching the same wallets queue instead of deadlocking (ids are lower-cased by
 * idArgument first). LockRows sits above the Sort in the plan, so rows are locked in ORDER BY
 * order.
 */
async function lockWallets(m: EntityManager, userIds: string[]): Promise<Map<string, Wallet>> {
  const ids = [...new Set(userIds)].sort();
  const rows = await m.query(
    `SELECT ${selectColumns(m, Wallet, 'w')} FROM billing.wallets w
      WHERE w.user_id = ANY($1::uuid[]) ORDER BY w.user_id FOR UPDATE`,
    [ids],
  );
  return new Map(fromRows(m, Wallet, rows).map((w) => [w.userId, w]));
}

async function entriesByKey(m: EntityManager, keys: string[]): Promise<Map<string, LedgerEntry>> {
  const rows = await m.query(
    `SELECT ${selectColumns(m, LedgerEntry, 'e')} FROM billing.ledger_entries e
      WHERE e.idempotency_key = ANY($1::text[])`,
    [keys],
  );
  return new Map(fromRows(m, LedgerEntry, rows).map((e) => [e.idempotencyKey!, e]));
}

interface NewEntry {
  kind: LedgerEntryKind;
  amount: number;
  taskId?: string | null;
  reason?: string | null;
  key?: string | null;
}

/** Appends one entry to a locked wallet and applies it to the wallet in memory. */
async function append(m: EntityManager, wallet: Wallet, e: NewEntry): Promise<LedgerEntry> {
  const [balanceDelta, heldDelta] = EFFECT[e.kind](e.amount);
  const balanceAfter = wallet.balance + balanceDelta;
  const heldAfter = wallet.held + heldDelta;
  // Refused before anything is written: the API could not show such a balance exactly.
  if (balanceAfter > MAX_CREDITS || heldAfter > MAX_CREDITS) {
    throw badInput(
      `This movement would take the wallet past ${MAX_CREDITS} credits, the most a wallet can hold.`,
      { argument: 'amount' },
    );
  }
  const rows = await m.query(
    `INSERT INTO billing.ledger_entries AS e
       (user_id, kind, amount, balance_delta, held_delta, balance_after, held_after, task_id,
        reason, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     RETURNING ${selectColumns(m, LedgerEntry, 'e')}`,
    [
      wallet.userId,
      e.kind,
      e.amount,
      balanceDelta,
      heldDelta,
      balanceAfter,
      heldAfter,
      e.taskId ?? null,
      e.reason ?? null,
      e.key ?? null,
    ],
  );
  wallet.balance = balanceAfter;
  wallet.held = heldAfter;
  return fromRows(m, LedgerEntry, rows)[0];
}

async function saveWallets(m: EntityManager, wallets: Wallet[]) {
  for (const w of new Set(wallets)) {
    await m.query(
      'UPDATE billing.wallets SET balance = $2, held = $3, updated_at = now() WHERE user_id = $1',
      [w.userId, w.balance, w.held],
    );
    w.updatedAt = new Date();
  }
}

/** Creates an empty wallet if the user has none; true if it was created. */
export async function ensureWallet(manager: EntityManager, userId: string): Promise<boolean> {
  const id = idArgument(userId, 'userId', 'a user');
  const rows = await manager.query(
    `INSERT INTO billing.wallets (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING
     RETURNING user_id`,
    [id],
  );
  return rows.length > 0;
}

export interface GrantParams {
  userId: string;
  amount: number;
  reason: string;
  /** Makes the grant happen once per key. */
  key?: string;
}

export interface EntryResult {
  entry: LedgerEntry;
  /** The wallet as it is at the end of this call. */
  wallet: Wallet;
  /** True when the key had been used: nothing changed, `entry` is the earlier one. */
  replayed: boolean;
}

/** Adds credits to an existing wallet (NOT_FOUND without one). */
export async function grant(db: Db, params: GrantParams): Promise<EntryResult> {
  const userId = idArgument(params.userId, 'userId', 'a user');
  // The platform's wallet only receives fees; it is nobody's to be granted credits.
  if (userId === PLATFORM_WALLET_ID)
    throw badInput("userId names the platform's fee wallet, not a user.", { argument: 'userId' });
  const amount = checkAmount(params.amount);
  const reason = params.reason.trim();
  if (!reason || reason.length > 500) throw badInput('reason must be 1 to 500 characters long.');
  if (params.key !== undefined && (!params.key || params.key.length > 200))
    throw badInput('key must be 1 to 200 characters long.');
  return ledgerTransaction(db, async (m) => {
    const wallet = (await lockWallets(m, [userId])).get(userId);
    if (params.key) {
      const earlier = (await entriesByKey(m, [params.key])).get(params.key);
      if (earlier) {
        const same =
          earlier.kind === LedgerEntryKind.GRANT &&
          earlier.userId === userId &&
          earlier.amount === amount &&
          earlier.reason === reason;
        if (!same) throw conflict(`The key ${params.key} was already used for another movement.`);
        if (!wallet) throw notFound('Wallet of user', userId);
        return { entry: earlier, wallet, replayed: true };
      }
    }
    if (!wallet) throw notFound('Wallet of user', userId);
    const entry = await append(m, wallet, {
      kind: LedgerEntryKind.GRANT,
      amount,
      reason,
      key: params.key,
    });
    await saveWallets(m, [wallet]);
    return { entry, wallet, replayed: false };
  });
}

/** The welcome grant of a new user: creates the wallet and grants once per user. */
export async function grantWelcome(manager: EntityManager, userId: string, amount: number) {
  await ensureWallet(manager, userId);
  if (amount <= 0) return;
  const key = welcomeKey(userId.toLowerCase());
  // Already granted, maybe with an amount configured earlier: that grant stands.
  if ((await entriesByKey(manager, [key])).size) return;
  await grant(manager, { userId, amount, reason: 'Welcome grant', key });
}

export interface HoldParams {
  userId: string;
  taskId: string;
  amount: number;
}

/** Reserves credits for a task (INSUFFICIENT_CREDITS unless available >= amount); once per task. */
export async function hold(db: Db, params: HoldParams): Promise<EntryResult> {
  const userId = idArgument(params.userId, 'userId', 'a user');
  const taskId = idArgument(params.taskId, 'taskId', 'a task');
  const amount = checkAmount(params.amount);
  const key = holdKey(taskId);
  return ledgerTransaction(db, async (m) => {
    const wallet = (await lockWallets(m, [userId])).get(userId);
    const earlier = (await entriesByKey(m, [key])).get(key);
    if (earlier) {
      if (earlier.userId !== userId || earlier.amount !== amount)
        throw conflict(`Task ${taskId} already holds credits with other parameters.`);
      return { entry: earlier, wallet: wallet!, replayed: true };
    }
    const available = wallet ? wallet.balance - wallet.held : 0;
    if (!wallet || available < amount) throw insufficient(amount, available);
    const entry = await append(m, wallet, { kind: LedgerEntryKind.HOLD, amount, taskId, key });
    await saveWallets(m, [wallet]);
    return { entry, wallet, replayed: false };
  });
}

async function findHold(m: EntityManager, taskId: string): Promise<LedgerEntry> {
  // Ledger rows never change, so the hold can be read before any lock is taken.
  const held = (await entriesByKey(m, [holdKey(taskId)])).get(holdKey(taskId));
  if (!held) throw notFound('Hold for task', taskId);
  return held;
}

export interface CaptureParams {
  taskId: string;
  /** Who earns the task's price (the agent's provider). */
  payeeId: string;
  /** The platform's share in 1/100 of a percent (0-10000), rounded down. */
  feeBasisPoints: number;
}

export interface CaptureResult {
  amount: number;
  payout: number;
  fee: number;
  capture: LedgerEntry;
  payoutEntry: LedgerEntry | null;
  feeEntry: LedgerEntry | null;
  replayed: boolean;
}

/**
 * Spends a task's whole hold exactly once: CAPTURE on the requester, PAYOUT (amount - fee) to
 * the payee, FEE to the platform. CONFLICT if the hold was released.
 */
export async function capture(db: Db, params: CaptureParams): Promise<CaptureResult> {
  const taskId = idArgument(params.taskId, 'taskId', 'a task');
  const payeeId = idArgument(params.payeeId, 'payeeId', 'a user');
  const bp = params.feeBasisPoints;
  if (!Number.isInteger(bp) || bp < 0 || bp > 10_000)
    throw badInput('feeBasisPoints must be a whole number from 0 to 10000.');
  return ledgerTransaction(db, async (m) => {
    const held = await findHold(m, taskId);
    const amount = held.amount;
    const fee = Math.floor((amount * bp) / 10_000);
    const payout = amount - fee;
    // Before the locks: inserting a missing payee wallet must not wait while holding them.
    await ensureWallet(m, payeeId);
    const wallets = await lockWallets(m, [PLATFORM_WALLET_ID, held.userId, payeeId]);
    const keys = [captureKey(taskId), payoutKey(taskId), feeKey(taskId), releaseKey(taskId)];
    const earlier = await entriesByKey(m, keys);
    const done = earlier.get(captureKey(taskId));
    if (done) {
      const payoutEntry = earlier.get(payoutKey(taskId)) ?? null;
      const feeEntry = earlier.get(feeKey(taskId)) ?? null;
      const same =
        (payoutEntry ? payoutEntry.userId === payeeId : true) &&
        (payoutEntry?.amount ?? 0) === payout &&
        (feeEntry?.amount ?? 0) === fee;
      if (!same) throw conflict(`Task ${taskId} was already captured with other parameters.`);
      return {
        amount,
        payout,
        fee,
        capture: done,
        payoutEntry,
        feeEntry,
        replayed: true,
      };
    }
    if (earlier.has(releaseKey(taskId)))
      throw conflict(`The hold of task ${taskId} was released; it can no longer be captured.`);
    const requester = wallets.get(held.userId)!;
    const payee = wallets.get(payeeId)!;
    const platform = wallets.get(PLATFORM_WALLET_ID)!;
    const captured = await append(m, requester, {
      kind: LedgerEntryKind.CAPTURE,
      amount,
      taskId,
      reason: 'Task completed',
      key: captureKey(taskId),
    });
    const payoutEntry =
      payout > 0
        ? await append(m, payee, {
            kind: LedgerEntryKind.PAYOUT,
            amount: payout,
            taskId,
            reason: 'Earned by a completed task',
            key: payoutKey(taskId),
          })
        : null;
    const feeEntry =
      fee > 0
        ? await append(m, platform, {
            kind: LedgerEntryKind.FEE,
            amount: fee,
            taskId,
            reason: 'Platform fee',
            key: feeKey(taskId),
          })
        : null;
    await saveWallets(m, [requester, payee, platform]);
    return { amount, payout, fee, capture: captured, payoutEntry, feeEntry, replayed: false };
  });
}

export interface ReleaseResult {
  amount: number;
  entry: LedgerEntry;
  replayed: boolean;
}

export interface ReleaseParams {
  taskId: string;
  /** Why, for the ledger (1 to 500 characters); a generic reason by default. */
  reason?: string;
}

/** Frees a task's hold (failed or canceled task); repeating it is a no-op; CONFLICT if captured. */
export async function release(db: Db, params: ReleaseParams): Promise<ReleaseResult> {
  const taskId = idArgument(params.taskId, 'taskId', 'a task');
  const reason = (params.reason ?? 'Task ended without completing').trim();
  if (!reason || reason.length > 500) throw badInput('reason must be 1 to 500 characters long.');
  return ledgerTransaction(db, async (m) => {
    const held = await findHold(m, taskId);
    const wallet = (await lockWallets(m, [held.userId])).get(held.userId)!;
    const earlier = await entriesByKey(m, [releaseKey(taskId), captureKey(taskId)]);
    const released = earlier.get(releaseKey(taskId));
    if (released) return { amount: released.amount, entry: released, replayed: true };
    if (earlier.has(captureKey(taskId)))
      throw conflict(`Task ${taskId} was already paid for; its hold cannot be released.`);
    const entry = await append(m, wallet, {
      kind: LedgerEntryKind.RELEASE,
      amount: held.amount,
      taskId,
      reason,
      key: releaseKey(taskId),
    });
    await saveWallets(m, [wallet]);
    return { amount: held.amount, entry, replayed: false };
  });
}

export interface HoldState {
  taskId: string;
  /** Whose wallet the hold is on. */
  userId: string;
  amount: number;
  createdAt: Date;
  released: boolean;
  captured: boolean;
}

/** Where a task's hold stands (null: the task never held credits); one read, no locks. */
export async function holdState(db: Db, taskId: string): Promise<HoldState | null> {
  const id = idArgument(taskId, 'taskId', 'a task');
  const manager = db instanceof DataSource ? db.manager : db;
  const entries = await entriesByKey(manager, [holdKey(id), releaseKey(id), captureKey(id)]);
  const held = entries.get(holdKey(id));
  if (!held) return null;
  return {
    taskId: id,
    userId: held.userId,
    amount: held.amount,
    createdAt: held.createdAt,
    released: entries.has(releaseKey(id)),
    captured: entries.has(captureKey(id)),
  };
}

// Reads for the API: no locks, nothing moves.

export const walletsOf = (db: Db, userIds: readonly string[]) =>
  db.getRepository(Wallet).findBy({ userId: In([...userIds]) });

/** balance - held of the user's wallet; null without one. */
export async function availableOf(db: Db, userId: string): Promise<number | null> {
  const [row]: { available: string }[] = await db.query(
    'SELECT (balance - held)::bigint AS available FROM billing.wallets WHERE user_id = $1',
    [userId],
  );
  return row ? Number(row.available) : null;
}

export interface EntryPages {
  /** Up to `perWallet` entries of each wallet, newest first, grouped by wallet. */
  entries: LedgerEntry[];
  totals: { userId: string; n: number }[];
}

/**
 * The newest `perWallet` entries of each wallet below `afterSeq`, and each wallet's entry
 * count: one windowed query and one grouped count, whatever the number of wallets.
 */
export async function entryPages(
  db: Db,
  userIds: readonly string[],
  perWallet: number,
  afterSeq: number | null,
): Promise<EntryPages> {
  const rows = await db.query(
    `SELECT * FROM (
       SELECT ${selectColumns(db, LedgerEntry, 'e')},
              row_number() OVER (PARTITION BY e.user_id ORDER BY e.seq DESC) AS rn
         FROM billing.ledger_entries e
        WHERE e.user_id = ANY($1::uuid[]) AND ($2::bigint IS NULL OR e.seq < $2::bigint)
     ) page
     WHERE rn <= $3
     ORDER BY page."userId", page.seq DESC`,
    [[...userIds], afterSeq, perWallet],
  );
  const totals: { userId: string; n: number }[] = await db.query(
    `SELECT user_id AS "userId", count(*)::int AS n FROM billing.ledger_entries
      WHERE user_id = ANY($1::uuid[]) GROUP BY user_id`,
    [[...userIds]],
  );
  return { entries: fromRows(db, LedgerEntry, rows), totals };
}

export interface TaskCost {
  taskId: string;
  amount: number;
  requesterId: string;
  payeeId: string | null;
}

/** What each task cost (its CAPTURE), with who paid and who earned (its PAYOUT, if any). */
export async function taskCosts(db: Db, taskIds: readonly string[]): Promise<TaskCost[]> {
  const rows: (Omit<TaskCost, 'amount'> & { amount: string })[] = await db.query(
    `SELECT c.task_id AS "taskId", c.amount, c.user_id AS "requesterId", p.user_id AS "payeeId"
       FROM billing.ledger_entries c
       LEFT JOIN billing.ledger_entries p ON p.task_id = c.task_id AND p.kind = 'PAYOUT'
      WHERE c.kind = 'CAPTURE' AND c.task_id = ANY($1::uuid[])`,
    [[...taskIds]],
  );
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}
