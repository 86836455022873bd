import type { EntityManager } from 'typeorm';
import type { Db } from '@agentry/subgraph-kit';

/*
 * The only code that runs SQL on billing.tasks_seen: the tasks billing has heard of through
 * their events. A hold whose task never shows up there is an orphan (see orphan-sweeper.worker).
 */

/** Remembers that the task exists, at its latest state (by sequence; a tool call has none). */
export async function markSeen(
  m: EntityManager,
  taskId: string,
  state: string,
  sequence: number | null,
) {
  await m.query(
    `INSERT INTO billing.tasks_seen AS s (task_id, state, sequence) VALUES ($1, $2, $3)
     ON CONFLICT (task_id) DO UPDATE SET state = excluded.state, sequence = excluded.sequence,
       updated_at = now()
     WHERE s.sequence IS NULL OR excluded.sequence IS NULL OR s.sequence <= excluded.sequence`,
    [taskId, state, sequence],
  );
}

/**
 * Claims a task for the sweeper (state ORPHANED); false if it was seen. If the task's first event
 * is being applied right now, this insert waits for it and then finds the row.
 */
export async function claimOrphan(m: EntityManager, taskId: string): Promise<boolean> {
  const claimed = await m.query(
    `INSERT INTO billing.tasks_seen (task_id, state) VALUES ($1, 'ORPHANED')
     ON CONFLICT (task_id) DO NOTHING RETURNING task_id`,
    [taskId],
  );
  return claimed.length > 0;
}

/** Holds older than `olderThanSeconds`, neither captured nor released, of tasks never seen. */
export async function unseenHolds(
  db: Db,
  olderThanSeconds: number,
  limit: number,
): Promise<string[]> {
  const rows: { task_id: string }[] = await db.query(
    `SELECT h.task_id FROM billing.ledger_entries h
      WHERE h.kind = 'HOLD'
        AND h.created_at < now() - make_interval(secs => $1)
        AND NOT EXISTS (SELECT 1 FROM billing.ledger_entries s
                         WHERE s.task_id = h.task_id AND s.kind IN ('CAPTURE', 'RELEASE'))
        AND NOT EXISTS (SELECT 1 FROM billing.tasks_seen t WHERE t.task_id = h.task_id)
      ORDER BY h.created_at
      LIMIT $2`,
    [olderThanSeconds, limit],
  );
  return rows.map((r) => r.task_id);
}
