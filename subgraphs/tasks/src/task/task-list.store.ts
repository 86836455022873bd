import {
  decodeTimeCursor,
  pageSize,
  selectColumns,
  timeKey,
  toPage,
  type Db,
  type Page,
} from '@agentry/subgraph-kit';
import type { TaskListArgs } from './task-list.args';
import { Task } from './task.entity';
import type { TaskState } from './task-state.type';

/** A task as listed: with its newest-first position. */
type ListedTask = Task & { createdKey: string };

/** A task-list request, checked: its filter, where it continues, and its page size. */
export interface TaskListQuery {
  state?: TaskState;
  /** The last task of the previous page; null for the first page. */
  position: { createdKey: string; id: string } | null;
  limit: number;
  /** Tells one list's pages from another's (DataLoader names). */
  key: string;
}

/** Checks a list's arguments; a cursor that is not one of ours is BAD_USER_INPUT, never SQL. */
export function taskListQuery(args: TaskListArgs): TaskListQuery {
  const key = decodeTimeCursor(args.after);
  const limit = pageSize(args.first);
  return {
    state: args.state,
    position: key && { createdKey: key[0] as string, id: key[1] },
    limit,
    key: JSON.stringify([args.state ?? null, limit, args.after ?? null]),
  };
}

const columns = (db: Db) =>
  `${selectColumns(db, Task, 't')}, ${timeKey('t.created_at')} AS "createdKey"`;
const keyOf = (t: ListedTask): [string, string] => [t.createdKey, t.id];

export const emptyTaskPage = (): Page<Task> => toPage([], 0, keyOf, 0, false);

/**
 * Filters shared by a list query and its count: `where` clauses and their parameters, numbered
 * from `params.length + 1`.
 */
function filters(params: unknown[], query: TaskListQuery) {
  const where: string[] = [];
  if (query.state) {
    params.push(query.state);
    where.push(`t.state = $${params.length}`);
  }
  const countWhere = [...where];
  if (query.position) {
    params.push(query.position.createdKey, query.position.id);
    where.push(
      `(t.created_at, t.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
    );
  }
  return { where, countWhere };
}

/** A requester's tasks, newest first. */
export async function requesterTaskPage(
  db: Db,
  requesterId: string,
  query: TaskListQuery,
): Promise<Page<Task>> {
  const { limit } = query;
  const params: unknown[] = [requesterId];
  const { where, countWhere } = filters(params, query);
  const countParams = params.slice(0, 1 + (query.state ? 1 : 0));
  params.push(limit + 1);
  const [rows, [{ n }]] = await Promise.all([
    db.query(
      `SELECT ${columns(db)} FROM tasks.tasks t
        WHERE t.requester_id = $1 ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY t.created_at DESC, t.id DESC LIMIT $${params.length}`,
      params,
    ) as Promise<ListedTask[]>,
    db.query(
      `SELECT count(*)::int AS n FROM tasks.tasks t
        WHERE t.requester_id = $1 ${countWhere.map((w) => `AND ${w}`).join(' ')}`,
      countParams,
    ),
  ]);
  return toPage(rows, limit, keyOf, n, query.position !== null);
}

/**
 * The tasks of several agents, as a page per agent (any id: an agent without visible tasks
 * gets an empty page): every task of the agents in `fullAccess`, only the viewer's own of the
 * others. One window-function query for the pages, one grouped count.
 */
export async function agentTaskPages(
  db: Db,
  agentIds: string[],
  fullAccess: string[],
  viewer: string,
  query: TaskListQuery,
): Promise<(agentId: string) => Page<Task>> {
  const { limit } = query;
  const params: unknown[] = [agentIds, fullAccess, viewer];
  const { where, countWhere } = filters(params, query);
  const countParams = params.slice(0, 3 + (query.state ? 1 : 0));
  params.push(limit + 1);
  const visible = `t.agent_id = ANY($1::uuid[]) AND (t.agent_id = ANY($2::uuid[]) OR t.requester_id = $3)`;
  const [rows, counts] = await Promise.all([
    db.query(
      `SELECT * FROM (
         SELECT ${columns(db)},
                row_number() OVER (PARTITION BY t.agent_id ORDER BY t.created_at DESC, t.id DESC) AS rn
           FROM tasks.tasks t
          WHERE ${visible} ${where.map((w) => `AND ${w}`).join(' ')}
       ) x WHERE x.rn <= $${params.length} ORDER BY x."agentId", x.rn`,
      params,
    ) as Promise<ListedTask[]>,
    db.query(
      `SELECT t.agent_id AS "agentId", count(*)::int AS n FROM tasks.tasks t
        WHERE ${visible} ${countWhere.map((w) => `AND ${w}`).join(' ')}
        GROUP BY t.agent_id`,
      countParams,
    ) as Promise<{ agentId: string; n: number }[]>,
  ]);
  const totals = new Map(counts.map((c) => [c.agentId, c.n]));
  const byAgent = new Map<string, ListedTask[]>();
  for (const r of rows) {
    const list = byAgent.get(r.agentId) ?? [];
    list.push(r);
    byAgent.set(r.agentId, list);
  }
  return (id) =>
    toPage(byAgent.get(id) ?? [], limit, keyOf, totals.get(id) ?? 0, query.position !== null);
}
