import { DataSource, type EntityManager } from 'typeorm';
import { AppError, ErrorCode, badInput, conflict, notFound } from '@agentry/core';
import { isUuid } from '@agentry/subgraph-kit';
import {
  LedgerEntryKind,
  ledgerEntryFromRow,
  type LedgerEntry,
  type LedgerEntryRow,
} from './ledger-entry.entity';
import { PLATFORM_WALLET_ID, walletFromRow, type Wallet } from './wallet.entity';

/**
 * The ledger service: the only code that moves credits. Each call is one transaction (its own,
 * or a savepoint inside the caller's, e.g. an event consumer's) that locks the wallets it
 * touches, appends entries and writes the wallet rows; the CHECK constraints are the last guard
 * against a negative balance. Calls with an idempotency key can be repeated safely.
 */
export type Db = DataSource | EntityManager;

/** Upper bound for one movement; keeps balances far inside GraphQL's 32-bit Int. */
const MAX_AMOUNT = 1_000_000_000;

const ENTRY_COLUMNS = `id, seq, user_id, kind, amount, balance_delta, held_delta, balance_after,
  held_after, task_id, reason, idempotency_key, created_at`;

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

export const holdKey = (taskId: string) => `hold:${taskId}`;
export const captureKey = (taskId: string) => `capture:${taskId}`;
export const releaseKey = (taskId: string) => `release:${taskId}`;
export const welcomeKey = (userId: string) => `welcome:${userId}`;
// A capture writes up to three entries; each carries its own key so each exists at most once.
const payoutKey = (taskId: string) => `capture:${taskId}:payout`;
const feeKey = (taskId: string) => `capture:${taskId}:fee`;

const insufficient = (required: number, available: number) =>
  new AppError(
    ErrorCode.INSUFFICIENT_CREDITS,
    `This needs ${required} credits but only ${available} are available; ask for a grant or wait for running tasks to finish.`,
    { required, available },
  );

function checkId(value: string, what: string): string {
  if (typeof value !== 'string' || !isUuid(value)) throw badInput(`${what} must be a UUID.`);
  // Lower case so that the lock order below is the same everywhere.
  return value.toLowerCase();
}

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
 * One transaction per call. Two calls with the same key may both find it unused (they may lock
 * different wallets, e.g. a key reused for another user); the unique index lets only one insert,
 * and the loser runs again to see the winner's entry.
 */
async function inTransaction<T>(db: Db, work: (m: EntityManager) => Promise<T>): Promise<T> {
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
 * two calls touching the same wallets queue instead of deadlocking. (LockRows sits above the
 * Sort in the plan, so rows are locked in ORDER BY order.)
 */
async function lockWallets(m: EntityManager, userIds: string[]): Promise<Map<string, Wallet>> {
  const ids = [...new Set(userIds)].sort();
  const rows = await m.query(
    `SELECT user_id, balance, held, created_at, updated_at FROM billing.wallets
      WHERE user_id = ANY($1::uuid[]) ORDER BY user_id FOR UPDATE`,
    [ids],
  );
  return new Map(
    rows.map((r: Parameters<typeof walletFromRow>[0]) => [r.user_id, walletFromRow(r)]),
  );
}

async function entriesByKey(m: EntityManager, keys: string[]): Promise<Map<string, LedgerEntry>> {
  const rows = await m.query(
    `SELECT ${ENTRY_COLUMNS} FROM billing.ledger_entries WHERE idempotency_key = ANY($1::text[])`,
    [keys],
  );
  return new Map(
    rows.map((r: LedgerEntryRow & { idempotency_key: string }) => [
      r.idempotency_key,
      ledgerEntryFromRow(r),
    ]),
  );
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
  const [row] = await m.query(
    `INSERT INTO billing.ledger_entries
       (user_id, kind, amount, balance_delta, held_delta, balance_after, held_after, task_id,
        reason, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     RETURNING ${ENTRY_COLUMNS}`,
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
  return ledgerEntryFromRow(row);
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
  const id = checkId(userId, 'userId');
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
  const userId = checkId(params.userId, 'userId');
  const amount = checkAmount(params.amount);
  const reason = params.reason.trim();
  if (!reason || reason.length > 500) throw badInput('reason must be 1 to 500 characters long.');
  if (params.key !== undefined && (!params.key || params.key.length > 200))
    throw badInput('key must be 1 to 200 characters long.');
  return inTransaction(db, async (m) => {
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
  const userId = checkId(params.userId, 'userId');
  const taskId = checkId(params.taskId, 'taskId');
  const amount = checkAmount(params.amount);
  const key = holdKey(taskId);
  return inTransaction(db, async (m) => {
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
  const taskId = checkId(params.taskId, 'taskId');
  const payeeId = checkId(params.payeeId, 'payeeId');
  const bp = params.feeBasisPoints;
  if (!Number.isInteger(bp) || bp < 0 || bp > 10_000)
    throw badInput('feeBasisPoints must be a whole number from 0 to 10000.');
  return inTransaction(db, async (m) => {
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
  const taskId = checkId(params.taskId, 'taskId');
  const reason = (params.reason ?? 'Task ended without completing').trim();
  if (!reason || reason.length > 500) throw badInput('reason must be 1 to 500 characters long.');
  return inTransaction(db, async (m) => {
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
  const id = checkId(taskId, 'taskId');
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
