import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { portInUse, REPO_ROOT } from '@agentry/devstack';

/*
 * `npm start` itself, started and stopped the ways people stop it: Ctrl-C right after it is
 * ready, Ctrl-C while it is still starting, SIGTERM under load. Every run gets its own state
 * folder and its ports shifted by AGENTRY_PORT_OFFSET, and a marker in its environment that
 * every process it starts inherits, so the test can tell exactly which processes are its own.
 */
const STOP_WITHIN_MS = 10_000;

/**
 * Exactly what `npm start` runs (package.json's `start` script, a plain `node` command), without
 * npm in between: the build (skipped when up to date), then the compiled platform.
 */
const NPM_START_ARGS = (() => {
  const command: string = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'))
    .scripts.start;
  const [exe, ...args] = command.split(/\s+/);
  assert.equal(exe, 'node', `npm start is a plain node command: ${command}`);
  return args;
})();

/** The pids of live processes whose environment carries `marker`. */
function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (environ.includes(marker) && !/\) Z /.test(stat)) pids.push(Number(entry));
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return pids;
}

async function freeOffset(): Promise<number> {
  // Every fixed port (4000-4204, Neo4j's 7687, PostgreSQL's 54329) shifted by the offset must be free.
  for (let attempt = 0; attempt < 20; attempt++) {
    const offset = 5000 + Math.floor(Math.random() * 60) * 100;
    const probes = [4000, 4001, 4005, 4101, 4105, 4201, 4204, 7687, 54329].map((p) =>
      portInUse(p + offset),
    );
    if (!(await Promise.all(probes)).some(Boolean)) return offset;
  }
  throw new Error('no free port range for a second platform');
}

interface Run {
  child: ChildProcess;
  marker: string;
  output: () => string;
  gatewayUrl: string;
  exited: Promise<number | null>;
}

function start(stateDir: string, offset: number): Run {
  const marker = `AGENTRY_RUN_MARK=${randomUUID()}`;
  const child = spawn(process.execPath, NPM_START_ARGS, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      AGENTRY_STATE_DIR: stateDir,
      AGENTRY_PORT_OFFSET: String(offset),
      AGENTRY_RUN_MARK: marker.split('=')[1],
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    marker,
    output: () => text,
    gatewayUrl: `http://127.0.0.1:${4000 + offset}/graphql`,
    exited,
  };
}

async function ready(run: Run, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!run.output().includes('Agentry is running')) {
    if (run.child.exitCode !== null) throw new Error(`npm start exited:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`npm start was not ready:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Signals the run and returns how long until the run and every process it started were gone. */
async function stopAndMeasure(run: Run, signal: NodeJS.Signals): Promise<number> {
  const t0 = Date.now();
  run.child.kill(signal);
  await Promise.race([run.exited, new Promise((r) => setTimeout(r, STOP_WITHIN_MS + 5000))]);
  while (processesWith(run.marker).length && Date.now() - t0 < STOP_WITHIN_MS + 5000)
    await new Promise((r) => setTimeout(r, 100));
  const left = processesWith(run.marker);
  const elapsed = Date.now() - t0;
  for (const pid of left) process.kill(pid, 'SIGKILL');
  assert.deepEqual(
    left,
    [],
    `processes left behind after ${signal}:\n${run.output().slice(-3000)}`,
  );
  assert.ok(
    run.child.exitCode !== null || run.child.signalCode !== null,
    'npm start itself exited',
  );
  return elapsed;
}

describe('npm start and stop', { timeout: 15 * 60_000 }, () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'agentry-start-'));
  after(() => rmSync(stateDir, { recursive: true, force: true }));

  it('stops everything within 10 s of Ctrl-C right after it is ready', async () => {
    const run = start(stateDir, await freeOffset());
    await ready(run);
    // npm start runs compiled JavaScript with plain node: no process of it has swc (the
    // TypeScript runner) loaded, and every service runs its dist/ build.
    const node = processesWith(run.marker).filter((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(process.execPath),
    );
    assert.ok(node.length >= 7, `npm start itself, five subgraphs and the gateway: ${node}`);
    for (const pid of node) {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      assert.doesNotMatch(readFileSync(`/proc/${pid}/maps`, 'utf8'), /swc/, `swc in ${cmdline}`);
      assert.doesNotMatch(cmdline, /register\.js|\.ts\b/, cmdline);
    }
    const services = node.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    for (const entry of ['gateway/dist/index.js', 'subgraphs/users/dist/index.js'])
      assert.ok(
        services.some((c) => c.includes(entry)),
        `${entry} runs: ${services.join('\n')}`,
      );
    const elapsed = await stopAndMeasure(run, 'SIGINT');
    assert.ok(elapsed < STOP_WITHIN_MS, `took ${elapsed} ms`);
  });

  it('stops everything within 10 s of Ctrl-C while it is still starting', async () => {
    for (const afterMs of [500, 2500, 5000]) {
      const run = start(stateDir, await freeOffset());
      await new Promise((r) => setTimeout(r, afterMs));
      // Built by the first start: later ones reuse the build.
      assert.doesNotMatch(run.output(), /build: compiled/);
      const elapsed = await stopAndMeasure(run, 'SIGINT');
      assert.ok(elapsed < STOP_WITHIN_MS, `Ctrl-C after ${afterMs} ms: took ${elapsed} ms`);
    }
  });

  it('stops everything within 10 s of SIGTERM under load', async () => {
    const run = start(stateDir, await freeOffset());
    await ready(run);
    let loading = true;
    const query = JSON.stringify({
      query: '{ agents(first: 20) { edges { node { name provider { name } } } } }',
    });
    const load = Promise.all(
      Array.from({ length: 20 }, async () => {
        while (loading)
          await fetch(run.gatewayUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: query,
          }).catch(() => {});
      }),
    );
    await new Promise((r) => setTimeout(r, 2000));
    const elapsed = await stopAndMeasure(run, 'SIGTERM');
    loading = false;
    await load;
    assert.ok(elapsed < STOP_WITHIN_MS, `took ${elapsed} ms`);
  });

  it('leaves no service behind when npm start itself is killed (the next start takes over)', async () => {
    const offset = await freeOffset();
    const run = start(stateDir, offset);
    await ready(run);
    run.child.kill('SIGKILL');
    await run.exited;
    // The services notice their parent is gone (the pipe on their stdin closes) and stop.
    const deadline = Date.now() + STOP_WITHIN_MS;
    const nodeLeft = () =>
      processesWith(run.marker).filter((pid) =>
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(process.execPath),
      );
    while (nodeLeft().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(nodeLeft(), [], 'no Node service left behind');
    // PostgreSQL cannot watch its parent; the next start stops the orphan and reuses the data.
    const next = start(stateDir, offset);
    await ready(next);
    await stopAndMeasure(next, 'SIGINT');
    assert.deepEqual(processesWith(run.marker), [], 'the orphaned PostgreSQL was stopped');
  });
});
