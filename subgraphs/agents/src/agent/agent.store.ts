import type { EntityManager } from 'typeorm';
import { badInput } from '@agentry/core';
import {
  assignments,
  bindColumns,
  decodeCursor,
  decodeTimeCursor,
  isUuid,
  selectColumns,
  timeKey,
  toPage,
  type ColumnValues,
  type CursorKey,
  type Page,
} from '@agentry/subgraph-kit';
import { AgentSort } from './agent-sort.type';
import { Agent } from './agent.entity';

// The only code that runs SQL on agents.agents; columns and rows come from agent.entity.ts.

/** Values to write to an agent, by property (see bindColumns). */
export type AgentValues = ColumnValues<Agent>;

/** The unique index that keeps one listing per card. */
export const CARD_URL_KEY = 'agents_card_url_key';

const columns = (m: EntityManager) => selectColumns(m, Agent, 'a');

/** A cursor position in newest-first order. */
const CREATED_KEY = timeKey('a.created_at');

/** Agents by id, in no particular order (any status: callers decide visibility). */
export async function agentsById(m: EntityManager, ids: readonly string[]): Promise<Agent[]> {
  const rows: object[] = await m.query(
    `SELECT ${columns(m)} FROM agents.agents a WHERE a.id = ANY($1::uuid[])`,
    [ids],
  );
  return m.create(Agent, rows);
}

export async function agentsBySlug(m: EntityManager, slugs: readonly string[]): Promise<Agent[]> {
  const rows: object[] = await m.query(
    `SELECT ${columns(m)} FROM agents.agents a WHERE a.slug = ANY($1::text[])`,
    [slugs],
  );
  return m.create(Agent, rows);
}

export interface CatalogueFilter {
  search?: string | null;
  category?: string | null;
  tag?: string | null;
  sort?: AgentSort | null;
  /**
   * List agents whose card stopped answering (`available` false), after every available one.
   * Default true; false leaves them out.
   */
  includeUnavailable?: boolean | null;
  /** Page size, already bounded. */
  limit: number;
  after?: string | null;
}

/*
 * Available agents come first in every order. The availability is folded into the one value a
 * cursor keeps, so paging stays keyset-exact: an offset far beyond any rank, price or rating
 * for the numeric orders, a "1"/"0" prefix on the time key for NEWEST.
 */
const AVAILABLE_FIRST = {
  rank: `CASE WHEN a.available THEN 1e6::float8 ELSE 0::float8 END`,
  value: (dir: 'ASC' | 'DESC') =>
    `CASE WHEN a.available THEN ${dir === 'DESC' ? '' : '-'}1e12::numeric ELSE 0::numeric END`,
  time: `CASE WHEN a.available THEN '1' ELSE '0' END`,
};
const AVAILABLE_TIME_KEY = /^[01]\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function decodeAvailableTimeCursor(after: string | undefined | null): CursorKey | null {
  const key = decodeCursor(after);
  if (key && (typeof key[0] !== 'string' || !AVAILABLE_TIME_KEY.test(key[0]))) {
    throw badInput('The cursor belongs to another listing; pass a cursor from this one.', {
      argument: 'after',
    });
  }
  return key;
}

/**
 * The orders by a value other than relevance or time: the value is computed in a subquery so the
 * cursor compares exactly what was sorted on; ties go by id in the same direction.
 */
const VALUE_SORTS: Partial<Record<AgentSort, { value: string; dir: 'ASC' | 'DESC' }>> = {
  [AgentSort.PRICE_LOW]: { value: 'a.price_credits', dir: 'ASC' },
  [AgentSort.PRICE_HIGH]: { value: 'a.price_credits', dir: 'DESC' },
  // The average the API shows (2 decimals), unrated agents as -1: last, in a stable order.
  [AgentSort.RATING]: {
    value: `coalesce((SELECT round(avg(r.rating)::numeric, 2) FROM agents.agent_reviews r
                        WHERE r.agent_id = a.id), -1)`,
    dir: 'DESC',
  },
};

/**
 * The public catalogue: PUBLISHED agents, filtered; by relevance when searching, else newest
 * first, unless `sort` says otherwise. Two statements: the page (limit + 1 rows) and the
 * filtered count.
 */
export async function publishedAgents(
  m: EntityManager,
  filter: CatalogueFilter,
): Promise<Page<Agent>> {
  const { limit } = filter;
  const search = filter.search?.trim() || null;
  const sort =
    filter.sort && (filter.sort !== AgentSort.RELEVANCE || search)
      ? filter.sort
      : search
        ? AgentSort.RELEVANCE
        : AgentSort.NEWEST;
  const byValue = VALUE_SORTS[sort];
  // The cursor's value is compared with what was sorted on, checked as that SQL type: numeric
  // for the value orders (the availability offset takes prices past integer), float8 ranks, and
  // the availability-prefixed time key (compared as text).
  const after = byValue
    ? decodeCursor(filter.after, 'numeric')
    : sort === AgentSort.RELEVANCE
      ? decodeCursor(filter.after, 'real')
      : decodeAvailableTimeCursor(filter.after);

  const params: unknown[] = [];
  const bindParam = (v: unknown) => `$${params.push(v)}`;
  const where = [`a.status = 'PUBLISHED'`];
  if (filter.category) where.push(`a.category = ${bindParam(filter.category)}`);
  if (filter.tag) where.push(`a.tags @> ARRAY[${bindParam(filter.tag)}::text]`);
  if (filter.includeUnavailable === false) where.push('a.available');
  let from = 'agents.agents a';
  if (search) {
    from = `agents.agents a, websearch_to_tsquery('english', ${bindParam(search)}) q`;
    where.push('a.search_document @@ q');
  }
  const filterParams = [...params];

  let sql: string;
  if (byValue) {
    let cursor = '';
    if (after) {
      const v = `${bindParam(after[0])}::numeric`;
      const id = `${bindParam(after[1])}::uuid`;
      cursor = `WHERE (s."sortValue", s.id) ${byValue.dir === 'ASC' ? '>' : '<'} (${v}, ${id})`;
    }
    sql = `SELECT * FROM (
             SELECT ${columns(m)},
                    (${byValue.value})::numeric + ${AVAILABLE_FIRST.value(byValue.dir)} AS "sortValue"
               FROM ${from} WHERE ${where.join(' AND ')}
           ) s ${cursor}
           ORDER BY s."sortValue" ${byValue.dir}, s.id ${byValue.dir}
           LIMIT ${bindParam(limit + 1)}`;
  } else if (sort === AgentSort.RELEVANCE) {
    // Ranked in a subquery so the cursor compares the very value that was sorted on (real).
    let cursor = '';
    if (after) {
      const rank = bindParam(after[0]);
      const id = bindParam(after[1]);
      cursor = `WHERE r."rank" < ${rank}::float8 OR (r."rank" = ${rank}::float8 AND r.id > ${id}::uuid)`;
    }
    sql = `SELECT * FROM (
             SELECT ${columns(m)},
                    ts_rank(a.search_document, q)::float8 + ${AVAILABLE_FIRST.rank} AS "rank"
               FROM ${from} WHERE ${where.join(' AND ')}
           ) r ${cursor}
           ORDER BY r."rank" DESC, r.id ASC
           LIMIT ${bindParam(limit + 1)}`;
  } else {
    const cursor = after
      ? `WHERE (t."sortKey", t.id) < (${bindParam(after[0])}::text, ${bindParam(after[1])}::uuid)`
      : '';
    sql = `SELECT * FROM (
             SELECT ${columns(m)}, ${AVAILABLE_FIRST.time} || ${CREATED_KEY} AS "sortKey"
               FROM ${from} WHERE ${where.join(' AND ')}
           ) t ${cursor}
           ORDER BY t."sortKey" DESC, t.id DESC
           LIMIT ${bindParam(limit + 1)}`;
  }
  const [rows, [{ count }]] = await Promise.all([
    m.query(sql, params),
    m.query(
      `SELECT count(*)::int AS count FROM ${from} WHERE ${where.join(' AND ')}`,
      filterParams,
    ),
  ]);
  const keyed = (rows as Record<string, unknown>[]).map((row) => ({
    agent: m.create(Agent, row),
    key: [
      byValue
        ? Number(row.sortValue)
        : sort === AgentSort.RELEVANCE
          ? Number(row.rank)
          : String(row.sortKey),
      String(row.id),
    ] as CursorKey,
  }));
  return pageOfAgents(keyed, limit, count, after !== null);
}

/** Categories and the 50 most used tags of the published agents, most agents first. */
export async function catalogueFacets(m: EntityManager) {
  const [categories, tags] = await Promise.all([
    m.query(
      `SELECT category AS value, count(*)::int AS count FROM agents.agents
        WHERE status = 'PUBLISHED' GROUP BY category ORDER BY count DESC, value`,
    ),
    m.query(
      `SELECT t AS value, count(*)::int AS count
         FROM agents.agents, unnest(tags) AS t
        WHERE status = 'PUBLISHED' GROUP BY t ORDER BY count DESC, value LIMIT 50`,
    ),
  ]);
  return { categories, tags } as {
    categories: { value: string; count: number }[];
    tags: { value: string; count: number }[];
  };
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

export interface ProviderPageArgs {
  /** Page size, already bounded. */
  limit: number;
  after: string | null | undefined;
  /** Who asks: their own agents are visible whatever the status. */
  viewer: string | null;
  /** An admin sees every agent. */
  admin: boolean;
}

/**
 * A page of each provider's agents, newest first, in two statements for all of them: one
 * window-function query for the pages and one grouped count. The viewer sees all of their own
 * agents, an admin all, others PUBLISHED ones only. An id that is no uuid has none.
 */
export async function agentsOfProviders(
  m: EntityManager,
  providerIds: readonly string[],
  { limit, after: afterCursor, viewer, admin }: ProviderPageArgs,
): Promise<Page<Agent>[]> {
  const after = decodeTimeCursor(afterCursor);
  const ids = [...new Set(providerIds.filter(isUuid))];
  const visible = `(a.status = 'PUBLISHED' OR a.provider_id = $2::uuid OR $3::boolean)`;
  const cursor = after ? 'AND (a.created_at, a.id) < ($5::timestamptz, $6::uuid)' : '';
  const [rows, counts] = await Promise.all([
    m.query(
      `SELECT * FROM (
         SELECT ${columns(m)}, ${CREATED_KEY} AS "sortKey",
                row_number() OVER (PARTITION BY a.provider_id ORDER BY a.created_at DESC, a.id DESC) AS rn
           FROM agents.agents a
          WHERE a.provider_id = ANY($1::uuid[]) AND ${visible} ${cursor}
       ) p
       WHERE p.rn <= $4
       ORDER BY p."providerId", p.rn`,
      [ids, viewer, admin, limit + 1, ...(after ?? [])],
    ),
    m.query(
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
  const byProvider = new Map<string, { agent: Agent; key: CursorKey }[]>();
  for (const row of rows as Record<string, unknown>[]) {
    const agent = m.create(Agent, row);
    const list = byProvider.get(agent.providerId) ?? [];
    list.push({ agent, key: [String(row.sortKey), agent.id] });
    byProvider.set(agent.providerId, list);
  }
  return providerIds.map((id) =>
    pageOfAgents(byProvider.get(id) ?? [], limit, countOf.get(id) ?? 0, after !== null),
  );
}

export async function isCardListed(m: EntityManager, cardUrl: string): Promise<boolean> {
  const rows: object[] = await m.query('SELECT 1 FROM agents.agents WHERE card_url = $1', [
    cardUrl,
  ]);
  return rows.length > 0;
}

/** Which of these slugs are taken. */
export async function takenSlugs(m: EntityManager, slugs: string[]): Promise<Set<string>> {
  const rows: { slug: string }[] = await m.query(
    'SELECT slug FROM agents.agents WHERE slug = ANY($1::text[])',
    [slugs],
  );
  return new Set(rows.map((r) => r.slug));
}

/**
 * Inserts an agent; null when its slug is taken (the unique index decides, so two inserts racing
 * for one slug cannot both win). Any other unique violation (CARD_URL_KEY) is thrown.
 */
export async function insertAgent(m: EntityManager, values: AgentValues): Promise<Agent | null> {
  const params: unknown[] = [];
  const bound = bindColumns(m, Agent, values, params);
  const rows = await m.query(
    `INSERT INTO agents.agents AS a (${bound.map((b) => b.column).join(', ')})
     VALUES (${bound.map((b) => b.placeholder).join(', ')})
     ON CONFLICT (slug) DO NOTHING
     RETURNING ${columns(m)}`,
    params,
  );
  return rows.length ? m.create(Agent, rows[0]) : null;
}

/** Locks an agent for a change in the caller's transaction; `withCard`: only one read from a card. */
export async function lockAgent(
  m: EntityManager,
  id: string,
  { withCard = false } = {},
): Promise<Agent | null> {
  const [row] = await m.query(
    `SELECT ${columns(m)} FROM agents.agents a
      WHERE a.id = $1 ${withCard ? 'AND a.card_url IS NOT NULL' : ''} FOR UPDATE`,
    [id],
  );
  return row ? m.create(Agent, row) : null;
}

/** Writes `values` to an agent and returns it as it is now. */
export async function updateAgentRow(
  m: EntityManager,
  id: string,
  values: AgentValues,
): Promise<Agent> {
  const params: unknown[] = [id];
  const sets = assignments(bindColumns(m, Agent, values, params));
  // A CTE so the driver hands back the rows, not UPDATE's [rows, count] pair.
  const [row] = await m.query(
    `WITH a AS (UPDATE agents.agents SET ${sets.join(', ')} WHERE id = $1 RETURNING *)
     SELECT ${columns(m)} FROM a`,
    params,
  );
  return m.create(Agent, row);
}

/** An agent registered from its card. */
export type CardAgent = Agent & { cardUrl: string };

/**
 * Claims the agents whose cards are due for a check, least recently checked first, stamping
 * card_checked_at; SKIP LOCKED lets a round in another process take others meanwhile.
 */
export async function claimDueCards(m: EntityManager, limit: number): Promise<CardAgent[]> {
  const rows: object[] = await m.query(
    `WITH due AS (
         SELECT id FROM agents.agents
          WHERE card_url IS NOT NULL
          ORDER BY card_checked_at ASC NULLS FIRST, id
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       ), a AS (
         UPDATE agents.agents a SET card_checked_at = now() FROM due WHERE a.id = due.id
         RETURNING a.*
       )
       SELECT ${columns(m)} FROM a`,
    [limit],
  );
  // card_url IS NOT NULL above.
  return m.create(Agent, rows) as CardAgent[];
}
