import type { DataSource, EntityManager } from 'typeorm';
import { AppError, type Logger } from '@agentry/core';
import { forEachConcurrently, runPeriodically } from '@agentry/subgraph-kit';

/** What reading a peer came to, for a refresh: a failure is an outcome to record, not an error. */
export type Check<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Reads a peer as a check: an AppError (unreachable, timed out, invalid, refused by the SSRF
 * guard) becomes a failed check carrying its code and message. Anything else is rethrown, unless
 * `otherwise` names the failure to record instead (keeping the details out of what is stored).
 */
export async function checkPeer<T>(
  read: () => Promise<T>,
  otherwise?: (err: unknown) => string,
): Promise<Check<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    if (err instanceof AppError)
      return { ok: false, error: `${err.extensions.code}: ${err.message}` };
    if (otherwise) return { ok: false, error: otherwise(err) };
    throw err;
  }
}

/** Records one round claims at most, and how many it checks at once (a slow peer holds only its slot). */
const ROUND_SIZE = 50;
const ROUND_CONCURRENCY = 4;

/**
 * Records a refresher keeps in step with the peers they describe (agent cards, MCP servers): how
 * to claim the ones due, read their peer and record what came of it.
 */
export interface RefreshTarget<
  Item extends { id: string },
  Checked,
  Saved,
  Outcome extends string,
> {
  /** What one record is, for log lines: `agent card`. */
  what: string;
  /** The log field that names a record's id: `agentId`. */
  idField: string;
  /** The outcomes a round counts, besides `checked`. */
  outcomes: readonly Outcome[];
  /**
   * Claims up to `limit` records, least recently checked first, stamping them checked so that a
   * round running in another process at the same time takes others.
   */
  claim(m: EntityManager, limit: number): Promise<Item[]>;
  /** Reads the record's peer; runs outside any transaction, since a slow peer must hold no locks. */
  check(item: Item): Promise<Checked>;
  /** Records the outcome in the record's own transaction; null when the record is gone meanwhile. */
  record(m: EntityManager, item: Item, checked: Checked): Promise<Saved | null>;
  /** How a saved record counts. */
  outcome(saved: Saved): Outcome;
}

/** How many records a round checked, and how many came to each outcome. */
export type RoundResult<Outcome extends string> = { checked: number } & Record<Outcome, number>;

export interface RoundOptions {
  /** Records the round claims at most (default ROUND_SIZE). */
  limit?: number;
  /** Records checked at once (default ROUND_CONCURRENCY). */
  concurrency?: number;
}

/** One round: claims the records due and refreshes them a few at a time. */
export async function refreshRound<
  Item extends { id: string },
  Checked,
  Saved,
  Outcome extends string,
>(
  dataSource: DataSource,
  target: RefreshTarget<Item, Checked, Saved, Outcome>,
  log: Logger,
  { limit = ROUND_SIZE, concurrency = ROUND_CONCURRENCY }: RoundOptions = {},
): Promise<RoundResult<Outcome>> {
  const due = await target.claim(dataSource.manager, limit);
  const counts = { checked: 0 } as Record<'checked' | Outcome, number>;
  for (const outcome of target.outcomes) counts[outcome] = 0;
  await forEachConcurrently(due, concurrency, async (item) => {
    try {
      const checked = await target.check(item);
      const saved = await dataSource.transaction((m) => target.record(m, item, checked));
      if (saved === null) return;
      counts.checked++;
      counts[target.outcome(saved)]++;
    } catch (err) {
      // One record's trouble (or a database hiccup) must not end the round for the others.
      log.error({ err, [target.idField]: item.id }, `${target.what} check failed`);
    }
  });
  const result: Record<string, number> = counts;
  if (counts.checked) log.info(result, `${target.what}s refreshed`);
  return counts as RoundResult<Outcome>;
}

/**
 * Runs a round every `intervalMs` (0: never) on an unref'd timer, so it never keeps a process
 * alive; a round still running when the next is due lets that one pass. Returns the stop
 * function, which waits for a round in flight.
 */
export function startRefresher<Item extends { id: string }, Checked, Saved, Outcome extends string>(
  dataSource: DataSource,
  target: RefreshTarget<Item, Checked, Saved, Outcome>,
  intervalMs: number,
  log: Logger,
): () => Promise<void> {
  return runPeriodically(
    intervalMs,
    () => refreshRound(dataSource, target, log),
    (err) => log.error({ err }, `${target.what} round failed`),
  );
}
