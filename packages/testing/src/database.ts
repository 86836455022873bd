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
