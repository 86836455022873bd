import {
  decodeTimeCursor,
  isAdmin,
  isUuid,
  pageSize,
  toPage,
  type Page,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import { CREATED_KEY, TASK_COLUMNS, type TaskRow } from '../sql';
import type { TaskListArgs } from './task-list.args';
import { mayReadTasks } from './task.loader';
import type { TaskState } from './task-state.type';

/** A decoded newest-first position, or null for the first page. */
interface Position {
  createdKey: string;
  id: string;
}

/** Decodes a task-list cursor; anything but one of ours is BAD_USER_INPUT, never SQL. */
export function decodeTaskCursor(after: string | undefined | null): Position | null {
  const key = decodeTimeCursor(after);
  return key && { createdKey: key[0] as string, id: key[1] };
}

const keyOf = (t: TaskRow): [string, string] => [t.createdKey!, t.id];

/**
 * Filters shared by a list query and its count: `where` clauses and their parameters, numbered
 * from `params.length + 1`.
 */
function filters(params: unknown[], state: TaskState | undefined, position: Position | null) {
  const where: string[] = [];
  if (state) {
    params.push(state);
    where.push(`t.state = $${params.length}`);
  }
  const countWhere = [...where];
  if (position) {
    params.push(position.createdKey, position.id);
    where.push(
      `(t.created_at, t.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
    );
  }
  return { where, countWhere };
}

/** The caller's tasks, newest first. */
export async function myTasksPage(
  ctx: SubgraphContext,
  userId: string,
  args: TaskListArgs,
): Promise<Page<TaskRow>> {
  const position = decodeTaskCursor(args.after);
  const limit = pageSize(args.first);
  const params: unknown[] = [userId];
  const { where, countWhere } = filters(params, args.state, position);
  const countParams = params.slice(0, 1 + (args.state ? 1 : 0));
  params.push(limit + 1);
  const [rows, [{ n }]] = await Promise.all([
    ctx.db.query(
      `SELECT ${TASK_COLUMNS}, ${CREATED_KEY} AS "createdKey" FROM tasks.tasks t
        WHERE t.requester_id = $1 ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY t.created_at DESC, t.id DESC LIMIT $${params.length}`,
      params,
    ),
    ctx.db.query(
      `SELECT count(*)::int AS n FROM tasks.tasks t
        WHERE t.requester_id = $1 ${countWhere.map((w) => `AND ${w}`).join(' ')}`,
      countParams,
    ),
  ]);
  return toPage(rows as TaskRow[], limit, keyOf, n, position !== null);
}

const emptyPage = (): Page<TaskRow> => toPage([], 0, keyOf, 0, false);

/**
 * `Agent.tasks` for a batch of agents with the same arguments: one projection lookup (who
 * provides which agent), one window-function query for the pages, one grouped count. The
 * provider and admins see every task of the agent; anyone else only their own.
 */
export function agentTasksLoader(ctx: SubgraphContext, args: TaskListArgs) {
  const position = decodeTaskCursor(args.after);
  const limit = pageSize(args.first);
  const viewer = ctx.identity.userId;
  const name = `agentTasks:${JSON.stringify([args.state ?? null, limit, args.after ?? null])}`;
  return ctx.loader<string, Page<TaskRow>>(name, async (agentIds) => {
    const ids = agentIds.filter(isUuid);
    // Anonymous callers (and API keys without tasks:read) see no tasks, not an error: the
    // field sits on public agent listings.
    if (!viewer || !mayReadTasks(ctx) || !ids.length) return agentIds.map(emptyPage);
    let fullAccess: string[] = ids;
    if (!isAdmin(ctx)) {
      const owned: { id: string }[] = await ctx.db.query(
        'SELECT id FROM tasks.agents WHERE id = ANY($1::uuid[]) AND provider_id = $2',
        [ids, viewer],
      );
      fullAccess = owned.map((a) => a.id);
    }
    const params: unknown[] = [ids, fullAccess, viewer];
    const { where, countWhere } = filters(params, args.state, position);
    const countParams = params.slice(0, 3 + (args.state ? 1 : 0));
    params.push(limit + 1);
    const visible = `t.agent_id = ANY($1::uuid[]) AND (t.agent_id = ANY($2::uuid[]) OR t.requester_id = $3)`;
    const [rows, counts] = await Promise.all([
      ctx.db.query(
        `SELECT * FROM (
           SELECT ${TASK_COLUMNS}, ${CREATED_KEY} AS "createdKey",
                  row_number() OVER (PARTITION BY t.agent_id ORDER BY t.created_at DESC, t.id DESC) AS rn
             FROM tasks.tasks t
            WHERE ${visible} ${where.map((w) => `AND ${w}`).join(' ')}
         ) x WHERE x.rn <= $${params.length} ORDER BY x."agentId", x.rn`,
        params,
      ) as Promise<TaskRow[]>,
      ctx.db.query(
        `SELECT t.agent_id AS "agentId", count(*)::int AS n FROM tasks.tasks t
          WHERE ${visible} ${countWhere.map((w) => `AND ${w}`).join(' ')}
          GROUP BY t.agent_id`,
        countParams,
      ) as Promise<{ agentId: string; n: number }[]>,
    ]);
    const totals = new Map(counts.map((c) => [c.agentId, c.n]));
    const byAgent = new Map<string, TaskRow[]>();
    for (const r of rows) {
      const list = byAgent.get(r.agentId) ?? [];
      list.push(r);
      byAgent.set(r.agentId, list);
    }
    return agentIds.map((id) =>
      toPage(byAgent.get(id) ?? [], limit, keyOf, totals.get(id) ?? 0, position !== null),
    );
  });
}
