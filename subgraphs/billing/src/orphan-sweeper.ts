import type { DataSource } from 'typeorm';
import { AppError, ErrorCode, type Logger } from '@agentry/core';
import type { Consumer } from '@agentry/events';
import { catchUpCommitted } from './catch-up';
import { release } from './ledger';

export const ORPHAN_REASON = 'orphaned hold: task never started';

export interface SweepOptions {
  /** Only holds older than this are candidates. */
  olderThanSeconds: number;
  log: Logger;
  /** At most this many holds per call (the next run takes the rest). */
  limit?: number;
}

/**
 * Releases holds whose task never appeared: the tasks subgraph held credits, then failed to
 * record the task and to compensate (crash, timeout). Such a task never published a
 * task.state_changed, so it is absent from tasks_seen; a hold that old, neither captured nor
 * released, would otherwise lock the credits forever. Returns the released task ids.
 */
export async function sweepOrphanedHolds(db: DataSource, options: SweepOptions): Promise<string[]> {
  const candidates: { task_id: string }[] = await db.query(
    `SELECT h.task_id FROM billing.ledger_entries h
      WHERE h.kind = 'HOLD'
        AND h.created_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM billing.ledger_entries s
                         WHERE s.task_id = h.task_id AND s.kind IN ('CAPTURE', 'RELEASE'))
        AND NOT EXISTS (SELECT 1 FROM billing.tasks_seen t WHERE t.task_id = h.task_id)
      ORDER BY h.created_at
      LIMIT $2`,
    [options.olderThanSeconds, options.limit ?? 500],
  );
  const released: string[] = [];
  for (const { task_id: taskId } of candidates) {
    try {
      const done = await db.transaction(async (m) => {
        // Claims the task in tasks_seen first: if its first event is being applied right now,
        // this insert waits for it and then finds the row, and the hold stays.
        const claimed = await m.query(
          `INSERT INTO billing.tasks_seen (task_id, state) VALUES ($1, 'ORPHANED')
           ON CONFLICT (task_id) DO NOTHING RETURNING task_id`,
          [taskId],
        );
        if (!claimed.length) return false;
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
 * Sweeps every `intervalMs` (one run at a time). The settlement consumer catches up first, so
 * that a task whose first event is merely waiting in the log is not taken for an orphan.
 */
export function startOrphanSweeper(
  db: DataSource,
  options: SweepOptions & { intervalMs: number; settlement: Consumer },
) {
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = catchUpCommitted(options.settlement, db)
      .then(() => sweepOrphanedHolds(db, options))
      .then(
        () => undefined,
        (err: unknown) => options.log.error({ err }, 'orphaned hold sweep failed'),
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, options.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
