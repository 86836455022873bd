import type { Db } from '@agentry/subgraph-kit';
import type { TaskState } from './task-state.type';

/*
 * A runner's claim on a running task (tasks.tasks.lease_owner / lease_expires_at): taken when a
 * run starts, renewed while it lasts, given up when it ends. A lease that lapses means its
 * runner is gone; the sweep finds those tasks and queues their resumption.
 */

/** A task as a run needs it, with the URL its A2A client starts from. */
export interface ClaimedTask {
  id: string;
  state: TaskState;
  contextId: string;
  remoteTaskId: string | null;
  agentUrl: string | null;
}

/** Takes the task's lease for `owner` if it is running and nobody (alive) holds it. */
export async function claimTask(
  db: Db,
  taskId: string,
  owner: string,
  leaseMs: number,
): Promise<ClaimedTask | null> {
  const [[row]] = await db.query(
    `UPDATE tasks.tasks t SET lease_owner = $2, lease_expires_at = now() + $3 * interval '1 millisecond'
      FROM tasks.agents a
     WHERE t.id = $1 AND a.id = t.agent_id AND t.state IN ('SUBMITTED', 'WORKING')
       AND (t.lease_expires_at IS NULL OR t.lease_expires_at < now() OR t.lease_owner = $2)
     RETURNING t.id, t.state, t.context_id AS "contextId", t.remote_task_id AS "remoteTaskId",
               coalesce(a.card_url, a.url) AS "agentUrl"`,
    [taskId, owner, leaseMs],
  );
  return row ?? null;
}

export async function renewLease(db: Db, taskId: string, owner: string, leaseMs: number) {
  await db.query(
    `UPDATE tasks.tasks SET lease_expires_at = now() + $3 * interval '1 millisecond'
      WHERE id = $1 AND lease_owner = $2`,
    [taskId, owner, leaseMs],
  );
}

/**
 * Gives up `owner`'s lease when its run ends. A task still running (its runner is stopping)
 * keeps an expired lease, which the next sweep resumes; otherwise the task needs no runner.
 */
export async function releaseLease(db: Db, taskId: string, owner: string) {
  await db.query(
    `UPDATE tasks.tasks SET lease_owner = NULL,
       lease_expires_at = CASE WHEN state IN ('SUBMITTED', 'WORKING') THEN now() END
     WHERE id = $1 AND lease_owner = $2`,
    [taskId, owner],
  );
}

/** Lets every lease of `owner` lapse now (the process stops), so another replica resumes. */
export async function expireLeases(db: Db, owner: string) {
  await db.query(`UPDATE tasks.tasks SET lease_expires_at = now() WHERE lease_owner = $1`, [owner]);
}

/** Running tasks whose lease lapsed (their runner is gone), at most 100. */
export async function lapsedTasks(db: Db): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `SELECT id FROM tasks.tasks
      WHERE state IN ('SUBMITTED', 'WORKING') AND lease_expires_at < now()
      LIMIT 100`,
  );
  return rows.map((r) => r.id);
}

/** Which of `taskIds` still run with nobody holding them (a stopping runner just let go). */
export async function unheldTasks(db: Db, taskIds: string[]): Promise<string[]> {
  if (!taskIds.length) return [];
  const rows: { id: string }[] = await db.query(
    `SELECT id FROM tasks.tasks
      WHERE id = ANY($1::uuid[]) AND state IN ('SUBMITTED', 'WORKING')
        AND (lease_expires_at IS NULL OR lease_expires_at <= now())`,
    [taskIds],
  );
  return rows.map((r) => r.id);
}

/** Clears a lapsed lease, so the sweep does not queue the task again while its resume waits. */
export async function clearLapsedLease(db: Db, taskId: string) {
  await db.query(
    `UPDATE tasks.tasks SET lease_owner = NULL, lease_expires_at = NULL
      WHERE id = $1 AND lease_expires_at < now()`,
    [taskId],
  );
}
