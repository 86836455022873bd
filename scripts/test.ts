import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, startNeo4j, type Neo4jServer } from '@agentry/devstack';

/**
 * `npm test` after typecheck and codegen:check: one throw-away PostgreSQL for the whole run
 * (each suite makes its own database in it) and, started beside it, one throw-away Neo4j when a
 * selected test file uses it (each suite takes its own label prefix in it, see
 * `testGraph`); then node's test runner over every `*.test.ts`, two files at a time (the
 * machines have two cores). Pass paths or substrings to run a subset: `npm test -- users`.
 */
const root = path.join(__dirname, '..');
const SEARCH = ['packages', 'subgraphs', 'gateway', 'codegen', 'examples', 'tests'];

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) findTests(full, out);
    else if (entry.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

async function main() {
  const filters = process.argv.slice(2);
  const files = SEARCH.flatMap((d) => {
    try {
      return findTests(path.join(root, d));
    } catch {
      return [];
    }
  })
    .filter((f) => !filters.length || filters.some((x) => f.includes(x)))
    // The fault-injection suite (tests/faults: kills PostgreSQL and services, minutes long) runs
    // only when asked for by name: `npm run test:faults`.
    .filter(
      (f) =>
        !f.includes(`${path.sep}tests${path.sep}faults${path.sep}`) ||
        filters.some((x) => x.includes('faults')),
    )
    .sort();
  if (!files.length) throw new Error('no test files matched');

  // A suite reaches Neo4j through testNeo4j/testGraph (or talks to it with neo4j-driver); a run
  // without one should not pay for a JVM on a shared two-core machine.
  const needsNeo4j = files.some((f) =>
    /\b(testNeo4j|testGraph)\b|neo4j-driver/.test(readFileSync(f, 'utf8')),
  );
  const [pgStarted, neo4jStarted] = await Promise.allSettled([
    startEmbeddedPostgres({
      dataDir: path.join(os.tmpdir(), `agentry-test-pg-${process.pid}`),
      persistent: false,
    }),
    needsNeo4j
      ? startNeo4j({
          dataDir: path.join(os.tmpdir(), `agentry-test-neo4j-${process.pid}`),
          persistent: false,
          useExternal: false,
        })
      : Promise.resolve(undefined),
  ]);
  const neo4j: Neo4jServer | undefined =
    neo4jStarted.status === 'fulfilled' ? neo4jStarted.value : undefined;
  if (pgStarted.status === 'rejected') {
    await neo4j?.stop();
    throw pgStarted.reason;
  }
  const pg = pgStarted.value;
  const neo4jEnv: NodeJS.ProcessEnv = {};
  if (neo4j) {
    neo4jEnv.AGENTRY_TEST_NEO4J_URL = neo4j.url;
    neo4jEnv.AGENTRY_TEST_NEO4J_USER = neo4j.user;
    neo4jEnv.AGENTRY_TEST_NEO4J_PASSWORD = neo4j.password;
  } else if (neo4jStarted.status === 'rejected') {
    // The suites that need Neo4j fail with this reason (testNeo4j throws it); the others run.
    const reason = String((neo4jStarted.reason as Error)?.message ?? neo4jStarted.reason);
    neo4jEnv.AGENTRY_TEST_NEO4J_UNAVAILABLE = reason.split('\n')[0];
    console.error(`Neo4j did not start, the tests that need it will fail: ${reason}`);
  }
  let code: number;
  try {
    code = await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--test',
          '--test-concurrency=2',
          '--test-reporter=spec',
          // A suite that passed but left a handle open must not hang the run (and CI) forever.
          '--test-force-exit',
          '-r',
          path.join(root, 'scripts', 'register.js'),
          ...files,
        ],
        {
          cwd: root,
          stdio: 'inherit',
          env: {
            ...process.env,
            NODE_ENV: 'test',
            AGENTRY_TEST_PG_ADMIN_URL: pg.adminUrl,
            ...neo4jEnv,
          },
        },
      );
      // The whole suite takes a few minutes; a run stuck for 20 is a failure, not a wait.
      const watchdog = setTimeout(() => {
        console.error('test run exceeded 20 minutes; stopping it');
        child.kill('SIGKILL');
      }, 20 * 60_000);
      child.on('exit', (c, signal) => {
        clearTimeout(watchdog);
        resolve(c ?? (signal ? 1 : 0));
      });
    });
  } finally {
    await Promise.all([pg.stop(), neo4j?.stop()]);
  }
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
