import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, startEmbeddedPostgres, type EmbeddedPostgres } from '@agentry/devstack';

let own: Promise<EmbeddedPostgres> | undefined;

/**
 * The admin URL of the test PostgreSQL: the one `npm test` started (AGENTRY_TEST_PG_ADMIN_URL),
 * or, when a test file runs alone, a throw-away cluster for this process.
 */
export async function testPostgresAdminUrl(): Promise<string> {
  if (process.env.AGENTRY_TEST_PG_ADMIN_URL) return process.env.AGENTRY_TEST_PG_ADMIN_URL;
  own ??= startEmbeddedPostgres({
    dataDir: path.join(
      os.tmpdir(),
      `agentry-test-pg-${process.pid}-${randomBytes(3).toString('hex')}`,
    ),
    persistent: false,
  });
  const pg = await own;
  process.env.AGENTRY_TEST_PG_ADMIN_URL = pg.adminUrl;
  return pg.adminUrl;
}

/** Stops the cluster this process started, if any (call from a top-level `after`). */
export async function stopOwnPostgres() {
  if (own) await (await own).stop();
  own = undefined;
}

/** A fresh, empty database for one suite. */
export async function testDatabase(label: string): Promise<string> {
  const name = `t_${label
    .replace(/[^a-z0-9]+/gi, '_')
    .toLowerCase()
    .slice(0, 40)}_${randomBytes(3).toString('hex')}`;
  return createDatabase(await testPostgresAdminUrl(), name);
}

/** The schemas the API writes: the subgraphs' tables and the events log (tableRowCounts). */
export const API_SCHEMAS = ['users', 'agents', 'billing', 'reviews', 'tasks', 'events'] as const;

/** Anything that runs SQL the way `pg`'s Client and Pool do. */
interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: { t: string; n: number }[] }>;
}

/**
 * The number of rows of every table (`schema.table` -> count), in one statement: what a refused
 * call must leave as it was. With `schemas`, only their tables, their `migrations` tables left
 * out; without, every table outside PostgreSQL's own schemas.
 */
export async function tableRowCounts(
  db: Queryable,
  schemas?: readonly string[],
): Promise<Record<string, number>> {
  const { rows } = await db.query(
    `SELECT n.nspname || '.' || c.relname AS t,
            (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I',
              n.nspname, c.relname), false, true, '')))[1]::text::int AS n
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg_toast%'
        AND ($1::text[] IS NULL OR (n.nspname = ANY($1) AND c.relname <> 'migrations'))
      ORDER BY 1`,
    [schemas ?? null],
  );
  // An empty answer would make every "nothing changed" comparison pass vacuously.
  if (!rows.length) throw new Error(`no tables in ${schemas?.join(', ') ?? 'the database'}`);
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
}
