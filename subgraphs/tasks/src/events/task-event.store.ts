import { selectColumns, type Db } from '@agentry/subgraph-kit';
import { TaskEvent } from './task-event.entity';

/*
 * Reads of the task event log (it is written by task/task.store.ts, with the task). Besides its
 * per-task sequence, every event has a global, commit-safe place (`tx_id`, `position`): readers
 * of the live tail only take events of transactions older than the oldest still running, so an
 * event that commits late is never skipped.
 */

/** Where an event stands in the global, commit-safe order of task events. */
export interface StreamPosition {
  txId: bigint;
  position: bigint;
}

/** A task event with what subscribers filter on. */
export interface StreamEvent extends TaskEvent {
  requesterId: string;
  providerId: string;
  at: StreamPosition;
}

const toPosition = (row: { txId: string; pos: string }): StreamPosition => ({
  txId: BigInt(row.txId),
  position: BigInt(row.pos),
});
const positionParams = (p: StreamPosition) => [p.txId.toString(), p.position.toString()];

/** Events with their task's requester and provider, and their place in the stream. */
const selectStreamEvents = (db: Db) => `SELECT ${selectColumns(db, TaskEvent, 'e')},
    t.requester_id AS "requesterId", t.provider_id AS "providerId",
    e.tx_id::text AS "txId", e.position::text AS "pos"
  FROM tasks.task_events e JOIN tasks.tasks t ON t.id = e.task_id`;

/** A row selected with `selectStreamEvents`. */
type StreamRow = Omit<StreamEvent, 'at'> & { txId: string; pos: string };

function toStreamEvent({ txId, pos, ...event }: StreamRow): StreamEvent {
  return { ...event, at: toPosition({ txId, pos }) };
}

/**
 * One page of events per task: those after `afterSequence`, `limit` + 1 of them. Sequences are
 * gapless, so a range is the page: no window function needed.
 */
export async function eventPages(
  db: Db,
  taskIds: readonly string[],
  afterSequence: number,
  limit: number,
): Promise<TaskEvent[]> {
  return db.query(
    `SELECT ${selectColumns(db, TaskEvent, 'e')} FROM tasks.task_events e
      WHERE e.task_id = ANY($1::uuid[]) AND e.sequence > $2::bigint AND e.sequence <= $3::bigint
      ORDER BY e.task_id, e.sequence`,
    [taskIds, afterSequence, afterSequence + limit + 1],
  );
}

/** The place of the last committed event after `after` (the start of the log: none). */
export async function lastCommittedPosition(
  db: Db,
  after: StreamPosition,
): Promise<StreamPosition | null> {
  const [row] = await db.query(
    `SELECT tx_id::text AS "txId", position::text AS pos FROM tasks.task_events
      WHERE (tx_id, position) > ($1::text::xid8, $2::bigint)
        AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY tx_id DESC, position DESC LIMIT 1`,
    positionParams(after),
  );
  return row ? toPosition(row) : null;
}

/** Committed events after `after`, in (transaction, position) order, at most `limit`. */
export async function committedEventsAfter(
  db: Db,
  after: StreamPosition,
  limit: number,
): Promise<StreamEvent[]> {
  const rows: StreamRow[] = await db.query(
    `${selectStreamEvents(db)}
      WHERE (e.tx_id, e.position) > ($1::text::xid8, $2::bigint)
        AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY e.tx_id, e.position
      LIMIT $3`,
    [...positionParams(after), limit],
  );
  return rows.map(toStreamEvent);
}

/** A task's events after `afterSequence`, up to `upTo` (inclusive), in sequence order. */
export async function taskEventsUpTo(
  db: Db,
  taskId: string,
  afterSequence: number,
  upTo: StreamPosition,
): Promise<StreamEvent[]> {
  const rows: StreamRow[] = await db.query(
    `${selectStreamEvents(db)}
      WHERE e.task_id = $1 AND e.sequence > $2
        AND (e.tx_id, e.position) <= ($3::text::xid8, $4::bigint)
      ORDER BY e.sequence`,
    [taskId, afterSequence, ...positionParams(upTo)],
  );
  return rows.map(toStreamEvent);
}

/** Events of a requester's tasks after `from`, up to `upTo` (inclusive), in stream order. */
export async function requesterEventsBetween(
  db: Db,
  requesterId: string,
  from: StreamPosition,
  upTo: StreamPosition,
): Promise<StreamEvent[]> {
  const rows: StreamRow[] = await db.query(
    `${selectStreamEvents(db)}
      WHERE t.requester_id = $1
        AND (e.tx_id, e.position) > ($2::text::xid8, $3::bigint)
        AND (e.tx_id, e.position) <= ($4::text::xid8, $5::bigint)
      ORDER BY e.tx_id, e.position`,
    [requesterId, ...positionParams(from), ...positionParams(upTo)],
  );
  return rows.map(toStreamEvent);
}

/** Where one event stands in the stream, and whose task it is (null: no such event). */
export async function eventPosition(
  db: Db,
  taskId: string,
  sequence: number,
): Promise<{ at: StreamPosition; requesterId: string } | null> {
  const [row] = await db.query(
    `SELECT e.tx_id::text AS "txId", e.position::text AS pos, t.requester_id AS "requesterId"
       FROM tasks.task_events e JOIN tasks.tasks t ON t.id = e.task_id
      WHERE e.task_id = $1 AND e.sequence = $2`,
    [taskId, sequence],
  );
  return row ? { at: toPosition(row), requesterId: row.requesterId } : null;
}

/**
 * Whether the task's log already holds a terminal event at or before `sequence`: nothing can
 * follow it, so a subscription resuming from there has nothing left to wait for.
 */
export async function endsAtOrBefore(
  db: Db,
  taskId: string,
  sequence: number,
  terminalStates: readonly string[],
): Promise<boolean> {
  const [row] = await db.query(
    `SELECT EXISTS (SELECT 1 FROM tasks.task_events
       WHERE task_id = $1 AND sequence <= $2 AND state = ANY($3::text[])) AS ended`,
    [taskId, sequence, [...terminalStates]],
  );
  return row?.ended === true;
}
