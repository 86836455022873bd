import { badInput } from '@agentry/core';
import {
  byKeys,
  decodeCursor,
  decodeTimeCursor,
  isUuid,
  pageSize,
  toPage,
  type CursorKey,
  type Page,
  type SubgraphContext,
} from '@agentry/subgraph-kit';
import type { Agent } from './agent.entity';
import { AGENT_COLUMNS, CREATED_KEY, toAgent } from './agent.sql';

/** Agents by id, batched per request (any status: callers decide visibility). */
export const agentLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, Agent | null>('agentById', async (ids) => {
    const rows = await ctx.db.query(
      `SELECT ${AGENT_COLUMNS} FROM agents.agents a WHERE a.id = ANY($1::uuid[])`,
      [ids],
    );
    return byKeys<string, Agent>(ids, rows.map(toAgent), (a) => a.id);
  });

export const agentBySlugLoader = (ctx: SubgraphContext) =>
  ctx.loader<string, Agent | null>('agentBySlug', async (slugs) => {
    const rows = await ctx.db.query(
      `SELECT ${AGENT_COLUMNS} FROM agents.agents a WHERE a.slug = ANY($1::text[])`,
      [slugs],
    );
    return byKeys<string, Agent>(slugs, rows.map(toAgent), (a) => a.slug);
  });

function decodeRankCursor(after: string | undefined | null): CursorKey | null {
  const key = decodeCursor(after);
  if (key && typeof key[0] !== 'number') {
    throw badInput('The cursor belongs to another listing; pass a cursor from this one.', {
      argument: 'after',
    });
  }
  return key;
}

export interface AgentFilter {
  search?: string | null;
  category?: string | null;
  tag?: string | null;
  first?: number;
  after?: string | null;
}

/**
 * The public catalogue: PUBLISHED agents, filtered; by relevance when searching, else newest
 * first. Two statements: the page (limit + 1 rows) and the filtered count.
 */
export async function listAgents(ctx: SubgraphContext, filter: AgentFilter): Promise<Page<Agent>> {
  const limit = pageSize(filter.first);
  const search = filter.search?.trim() || null;
  const after = search ? decodeRankCursor(filter.after) : decodeTimeCursor(filter.after);

  const params: unknown[] = [];
  const bindParam = (v: unknown) => `$${params.push(v)}`;
  const where = [`a.status = 'PUBLISHED'`];
  if (filter.category) where.push(`a.category = ${bindParam(filter.category)}`);
  if (filter.tag) where.push(`a.tags @> ARRAY[${bindParam(filter.tag)}::text]`);
  let from = 'agents.agents a';
  if (search) {
    from = `agents.agents a, websearch_to_tsquery('english', ${bindParam(search)}) q`;
    where.push('a.search_document @@ q');
  }
  const filterParams = [...params];

  let sql: string;
  if (search) {
    // Ranked in a subquery so the cursor compares the very value that was sorted on (real).
    let cursor = '';
    if (after) {
      const rank = bindParam(after[0]);
      const id = bindParam(after[1]);
      cursor = `WHERE r."rank" < ${rank}::real OR (r."rank" = ${rank}::real AND r.id > ${id}::uuid)`;
    }
    sql = `SELECT * FROM (
             SELECT ${AGENT_COLUMNS}, ts_rank(a.search_document, q) AS "rank"
               FROM ${from} WHERE ${where.join(' AND ')}
           ) r ${cursor}
           ORDER BY r."rank" DESC, r.id ASC
           LIMIT ${bindParam(limit + 1)}`;
  } else {
    const cursor = after
      ? ` AND (a.created_at, a.id) < (${bindParam(after[0])}::timestamptz, ${bindParam(after[1])}::uuid)`
      : '';
    sql = `SELECT ${AGENT_COLUMNS}, ${CREATED_KEY} AS "sortKey"
             FROM ${from} WHERE ${where.join(' AND ')}${cursor}
            ORDER BY a.created_at DESC, a.id DESC
            LIMIT ${bindParam(limit + 1)}`;
  }
  const [rows, [{ count }]] = await Promise.all([
    ctx.db.query(sql, params),
    ctx.db.query(
      `SELECT count(*)::int AS count FROM ${from} WHERE ${where.join(' AND ')}`,
      filterParams,
    ),
  ]);
  const keyed = (rows as Record<string, unknown>[]).map((row) => ({
    agent: toAgent(row),
    key: [search ? Number(row.rank) : String(row.sortKey), String(row.id)] as CursorKey,
  }));
  return pageOfAgents(keyed, limit, count, after !== null);
}

function pageOfAgents(
  keyed: { agent: Agent; key: CursorKey }[],
  limit: number,
  totalCount: number,
  hasPrevious: boolean,
): Page<Agent> {
  const page = toPage(keyed, limit, (k) => k.key, totalCount, hasPrevious);
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: e.node.agent })) };
}

/**
 * `User.publishedAgents` for every user in the request at once: one window-function query for
 * the pages and one grouped count. The viewer sees all of their own agents; an admin sees all;
 * others see PUBLISHED only.
 */
export function publishedAgentsLoader(
  ctx: SubgraphContext,
  args: { first?: number; after?: string | null },
) {
  const limit = pageSize(args.first);
  const after = decodeTimeCursor(args.after);
  const viewer = ctx.identity.userId;
  const admin = ctx.identity.roles.includes('ADMIN');
  const name = `publishedAgents:${limit}:${args.after ?? ''}:${viewer ?? ''}:${admin}`;
  return ctx.loader<string, Page<Agent>>(name, async (userIds) => {
    const ids = [...new Set(userIds.filter(isUuid))];
    const visible = `(a.status = 'PUBLISHED' OR a.provider_id = $2::uuid OR $3::boolean)`;
    const cursor = after ? 'AND (a.created_at, a.id) < ($5::timestamptz, $6::uuid)' : '';
    const [rows, counts] = await Promise.all([
      ctx.db.query(
        `SELECT * FROM (
           SELECT ${AGENT_COLUMNS}, ${CREATED_KEY} AS "sortKey",
                  row_number() OVER (PARTITION BY a.provider_id ORDER BY a.created_at DESC, a.id DESC) AS rn
             FROM agents.agents a
            WHERE a.provider_id = ANY($1::uuid[]) AND ${visible} ${cursor}
         ) p
         WHERE p.rn <= $4
         ORDER BY p."providerId", p.rn`,
        [ids, viewer, admin, limit + 1, ...(after ?? [])],
      ),
      ctx.db.query(
        `SELECT a.provider_id AS "providerId", count(*)::int AS count
           FROM agents.agents a
          WHERE a.provider_id = ANY($1::uuid[]) AND ${visible}
          GROUP BY a.provider_id`,
        [ids, viewer, admin],
      ),
    ]);
    const countOf = new Map<string, number>(
      (counts as { providerId: string; count: number }[]).map((c) => [c.providerId, c.count]),
    );
    const byUser = new Map<string, { agent: Agent; key: CursorKey }[]>();
    for (const row of rows as Record<string, unknown>[]) {
      const agent = toAgent(row);
      const list = byUser.get(agent.providerId) ?? [];
      list.push({ agent, key: [String(row.sortKey), agent.id] });
      byUser.set(agent.providerId, list);
    }
    return userIds.map((id) =>
      pageOfAgents(byUser.get(id) ?? [], limit, countOf.get(id) ?? 0, after !== null),
    );
  });
}
