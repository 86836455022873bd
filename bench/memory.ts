import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { portInUse, REPO_ROOT } from '@agentry/devstack';

/**
 * P8: the memory `npm start` holds once started and idle. Runs the command of package.json's
 * `start` script (or `start:dev`, the TypeScript-through-swc start, with `--dev`) with its own
 * state folder and shifted ports, waits until it is ready, 20 s more, and until its processes are
 * idle (their CPU together below 3% of a core over 2 s), then reads every process it started from /proc (found by
 * a marker in their environment): RSS (what the goal counts; PostgreSQL's shared buffers count once
 * per backend in it) and PSS (shared pages divided among their users, so the sum is honest).
 * `npm` itself is not in the sum: run through `npm start`, add its own process (about 60 MB).
 *
 *   node -r ./scripts/register.js bench/memory.ts [--dev] [--keep-state] [--repo <checkout>]
 */
const dev = process.argv.includes('--dev');
const script = dev ? 'start:dev' : 'start';
const SETTLE_MS = 20_000;
/** Another checkout to measure (e.g. a worktree of an older commit), default this one. */
const repoArg = process.argv.indexOf('--repo');
const ROOT = repoArg > 0 ? path.resolve(process.argv[repoArg + 1]) : REPO_ROOT;

/**
 * The processes carrying `marker` in their environment, and their descendants (PostgreSQL's
 * backends overwrite theirs with their process titles).
 */
function marked(marker: string): number[] {
  const found = new Set<number>();
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      parent.set(
        Number(entry),
        Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]),
      );
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').includes(marker)) found.add(Number(entry));
    } catch {
      /* gone, or not ours */
    }
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent)
      if (!found.has(pid) && found.has(ppid)) grew = !!found.add(pid);
  }
  return [...found];
}

const ticks = (pid: number) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100/s)
  } catch {
    return 0;
  }
};

function memoryOf(pid: number) {
  const kb = (text: string, key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  let pss = 0;
  try {
    pss = kb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
  } catch {
    /* older kernels */
  }
  const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  return { pid, rssKb: kb(status, 'VmRSS'), pssKb: pss, what: describe(cmd) };
}

/** A short name for a process from its command line. */
function describe(cmd: string[]): string {
  const exe = path.basename(cmd[0] ?? '?');
  if (exe === 'java') return 'neo4j (java)';
  if (exe.startsWith('postgres')) return `postgres ${cmd.slice(1).join(' ').slice(0, 40)}`;
  const entry = cmd.find((a) => /\.(ts|js)$/.test(a) && !a.endsWith('register.js'));
  if (!entry) return cmd.join(' ').slice(0, 60);
  const rel = path.relative(ROOT, path.resolve(ROOT, entry));
  const m = /^(subgraphs\/\w+|gateway)\//.exec(rel);
  return m ? m[1].replace('subgraphs/', '') : rel;
}

async function main() {
  const command = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts[
    script
  ] as string;
  const [exe, ...args] = command.split(/\s+/);
  if (exe !== 'node') throw new Error(`npm ${script} is not a plain node command: ${command}`);
  let offset = 0;
  for (let i = 0; i < 20 && !offset; i++) {
    const o = 5000 + Math.floor(Math.random() * 60) * 100;
    const probes = [4000, 4001, 4005, 4101, 4105, 4201, 4204, 7687, 54329].map((p) =>
      portInUse(p + o),
    );
    if (!(await Promise.all(probes)).some(Boolean)) offset = o;
  }
  if (!offset) throw new Error('no free port range');
  const stateDir = path.join(os.tmpdir(), `agentry-bench-memory-${process.pid}`);
  mkdirSync(stateDir, { recursive: true, mode: 0o755 });
  const marker = randomUUID();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      AGENTRY_STATE_DIR: stateDir,
      AGENTRY_PORT_OFFSET: String(offset),
      AGENTRY_RUN_MARK: marker,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const t0 = Date.now();
    while (!out.includes('Agentry is running')) {
      if (child.exitCode !== null) throw new Error(`npm ${script} exited:\n${out}`);
      if (Date.now() - t0 > 240_000) throw new Error(`npm ${script} was not ready:\n${out}`);
      await sleep(200);
    }
    const readyS = ((Date.now() - t0) / 1000).toFixed(1);
    // Idle: 20 s after ready (PostgreSQL pools close connections idle for 10 s), and the
    // processes together used less than 3% of a core over the last 2 s (at most 90 s more).
    await sleep(SETTLE_MS);
    const idleBy = Date.now() + 90_000;
    for (;;) {
      const pids = marked(marker);
      const before = pids.reduce((s, p) => s + ticks(p), 0);
      await sleep(2000);
      const used = pids.reduce((s, p) => s + ticks(p), 0) - before; // ticks of 10 ms in 2 s
      if (used < 6 || Date.now() > idleBy) break;
    }
    const rows = marked(marker)
      .map((pid) => {
        try {
          return memoryOf(pid);
        } catch {
          return undefined;
        }
      })
      .filter((r): r is NonNullable<typeof r> => !!r && r.rssKb > 0)
      .sort((a, b) => b.rssKb - a.rssKb);
    const mb = (kb: number) => (kb / 1024).toFixed(1).padStart(7);
    console.log(`npm ${script} (${command}), ready in ${readyS} s, idle:\n`);
    console.log('    pid  RSS MB  PSS MB  process');
    for (const r of rows)
      console.log(`${String(r.pid).padStart(7)} ${mb(r.rssKb)} ${mb(r.pssKb)}  ${r.what}`);
    const rss = rows.reduce((s, r) => s + r.rssKb, 0);
    const pss = rows.reduce((s, r) => s + r.pssKb, 0);
    console.log(`  total ${mb(rss)} ${mb(pss)}  (${rows.length} processes)`);
    const group = (test: (w: string) => boolean) =>
      rows.filter((r) => test(r.what)).reduce((s, r) => s + r.rssKb, 0);
    console.log(
      `  of which PostgreSQL ${mb(group((w) => w.startsWith('postgres')))} MB RSS, Neo4j ${mb(group((w) => w.startsWith('neo4j')))} MB, Node ${mb(group((w) => !w.startsWith('postgres') && !w.startsWith('neo4j')))} MB`,
    );
  } finally {
    child.kill('SIGINT');
    await Promise.race([exited, sleep(15_000)]);
    for (const pid of marked(marker)) process.kill(pid, 'SIGKILL');
    if (!process.argv.includes('--keep-state')) rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
