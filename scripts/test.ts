import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '@agentry/devstack';

/**
 * `npm test` after typecheck and codegen:check: one throw-away PostgreSQL for the whole run
 * (each suite makes its own database in it), then node's test runner over every
 * `*.test.ts`, two files at a time (the machines have two cores).
 * Pass paths or substrings to run a subset: `npm test -- users`.
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
    .sort();
  if (!files.length) throw new Error('no test files matched');

  const pg = await startEmbeddedPostgres({
    dataDir: path.join(os.tmpdir(), `agentry-test-pg-${process.pid}`),
    persistent: false,
  });
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
          env: { ...process.env, NODE_ENV: 'test', AGENTRY_TEST_PG_ADMIN_URL: pg.adminUrl },
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
    await pg.stop();
  }
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
