import type { DataSource } from 'typeorm';
import { AppError, ErrorCode, type Logger } from '@agentry/core';
import type { Consumer } from '@agentry/events';
import { runPeriodically } from '@agentry/subgraph-kit';
import { catchUpCommitted } from '../catch-up';
import { release } from '../ledger/ledger.store';
import { claimOrphan, unseenHolds } from './tasks-seen.store';

export const ORPHAN_REASON = 'orphaned hold: task never started';

export interface SweepOptions {
  /** Only holds older than this are candidates. */
  olderThanSeconds: number;
  log: Logger;
  /** At most this many holds per call (the next run takes the rest); default 500. */
  limit?: number;
}

/**
 * Releases holds whose task never appeared: the tasks subgraph held credits, then failed to
 * record the task and to compensate (crash, timeout). Such a task never published a
 * task.state_changed, so it is absent from tasks_seen; a hold that old, neither captured nor
 * released, would otherwise lock the credits forever. Returns the released task ids.
 */
export async function sweepOrphanedHolds(db: DataSource, options: SweepOptions): Promise<string[]> {
  const candidates = await unseenHolds(db, options.olderThanSeconds, options.limit ?? 500);
  const released: string[] = [];
  for (const taskId of candidates) {
    try {
      const done = await db.transaction(async (m) => {
        // Claimed first: a task whose first event lands meanwhile keeps its hold.
        if (!(await claimOrphan(m, taskId))) return false;
        const result = await release(m, { taskId, reason: ORPHAN_REASON });
        return !result.replayed;
      });
      if (done) released.push(taskId);
    } catch (err) {
      // Captured or released meanwhile: settled by someone else, nothing to do.
      if (err instanceof AppError && err.extensions.code === ErrorCode.CONFLICT) continue;
      options.log.error({ err, taskId }, 'releasing an orphaned hold failed');
    }
  }
  if (released.length)
    options.log.warn(
      { count: released.length, taskIds: released.slice(0, 20) },
      'orphaned holds released',
    );
  return released;
}

/**
 * Sweeps every `intervalMs` (one run at a time); returns the stop function. The settlement
 * consumer catches up first, so that a task whose first event is merely waiting in the log is not
 * taken for an orphan.
 */
export function startOrphanSweeper(
  db: DataSource,
  options: SweepOptions & { intervalMs: number; settlement: Consumer },
): () => Promise<void> {
  return runPeriodically(
    options.intervalMs,
    async () => {
      await catchUpCommitted(options.settlement, db);
      await sweepOrphanedHolds(db, options);
    },
    (err) => options.log.error({ err }, 'orphaned hold sweep failed'),
  );
}
