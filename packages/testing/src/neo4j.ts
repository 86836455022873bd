import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { startNeo4j, type Neo4jConnection, type Neo4jServer } from '@agentry/devstack';

let own: Promise<Neo4jServer> | undefined;

/**
 * The test Neo4j: the one `npm test` started for the whole run (AGENTRY_TEST_NEO4J_URL, with
 * AGENTRY_TEST_NEO4J_USER and AGENTRY_TEST_NEO4J_PASSWORD), or, when a test file runs outside
 * the runner, a throw-away server for this process. Rejects with the runner's one-line reason
 * when Neo4j could not start (e.g. no Java): a suite that needs Neo4j fails, it never skips.
 */
export async function testNeo4j(): Promise<Neo4jConnection> {
  const env = process.env;
  if (env.AGENTRY_TEST_NEO4J_URL)
    return {
      url: env.AGENTRY_TEST_NEO4J_URL,
      user: env.AGENTRY_TEST_NEO4J_USER || 'neo4j',
      password: env.AGENTRY_TEST_NEO4J_PASSWORD ?? '',
    };
  if (env.AGENTRY_TEST_NEO4J_UNAVAILABLE)
    throw new Error(`this test needs Neo4j: ${env.AGENTRY_TEST_NEO4J_UNAVAILABLE}`);
  own ??= startNeo4j({
    dataDir: path.join(
      os.tmpdir(),
      `agentry-test-neo4j-${process.pid}-${randomBytes(3).toString('hex')}`,
    ),
    persistent: false,
    useExternal: false,
  });
  const server = await own;
  env.AGENTRY_TEST_NEO4J_URL = server.url;
  return { url: server.url, user: server.user, password: server.password };
}

/** Stops the server this process started, if any (call from a top-level `after`). */
export async function stopOwnNeo4j() {
  if (own) await (await own).stop();
  own = undefined;
  delete process.env.AGENTRY_TEST_NEO4J_URL;
}

/** One suite's share of the test Neo4j. */
export interface TestGraph extends Neo4jConnection {
  /**
   * Unique per call, e.g. `T_knowledge_3fa2c1_`. Neo4j 5 Community has a single user database
   * and test files run two at a time, so suites are isolated by naming, not by database: put the
   * prefix before every label and relationship type the suite (or the code under test, through
   * its own option) creates, and before index and constraint names.
   */
  prefix: string;
  /**
   * Deletes everything carrying the prefix: nodes with a prefixed label (and their
   * relationships), relationships of a prefixed type, and indexes and constraints on prefixed
   * labels or types. Call from the suite's `after`.
   */
  drop(): Promise<void>;
}

/** A fresh, empty namespace in the test Neo4j for one suite (see `TestGraph.prefix`). */
export async function testGraph(label: string): Promise<TestGraph> {
  const connection = await testNeo4j();
  const prefix = `T_${label.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 20)}_${randomBytes(3).toString('hex')}_`;
  return {
    ...connection,
    prefix,
    drop: () => dropPrefixed(connection, prefix),
  };
}

async function dropPrefixed(connection: Neo4jConnection, prefix: string): Promise<void> {
  // Loaded here, not at the top: every test file imports this package, and the driver takes a
  // second to load on a busy machine.
  const { default: neo4j } = await import('neo4j-driver');
  const driver = neo4j.driver(
    connection.url,
    neo4j.auth.basic(connection.user, connection.password),
  );
  try {
    const p = { prefix };
    const prefixed = 'any(l IN labelsOrTypes WHERE l STARTS WITH $prefix)';
    // Constraints first: dropping one drops the index behind it.
    const constraints = await driver.executeQuery(
      `SHOW CONSTRAINTS YIELD name, labelsOrTypes WHERE ${prefixed} RETURN name`,
      p,
    );
    for (const r of constraints.records)
      await driver.executeQuery(`DROP CONSTRAINT \`${r.get('name')}\` IF EXISTS`);
    const indexes = await driver.executeQuery(
      `SHOW INDEXES YIELD name, labelsOrTypes WHERE labelsOrTypes IS NOT NULL AND ${prefixed} RETURN name`,
      p,
    );
    for (const r of indexes.records)
      await driver.executeQuery(`DROP INDEX \`${r.get('name')}\` IF EXISTS`);
    // Batched in auto-commit transactions, so a large test graph does not need one huge one.
    const session = driver.session();
    try {
      await session.run(
        `MATCH ()-[r]->() WHERE type(r) STARTS WITH $prefix
         CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS`,
        p,
      );
      await session.run(
        `MATCH (n) WHERE any(l IN labels(n) WHERE l STARTS WITH $prefix)
         CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`,
        p,
      );
    } finally {
      await session.close();
    }
  } finally {
    await driver.close();
  }
}
