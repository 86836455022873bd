import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { INSTANCE_ENV, INSTANCE_HEADER, SHUTDOWN_GRACE_MS, WATCH_PARENT_ENV } from '@agentry/core';
import { trackChild } from './children';

export const REPO_ROOT = path.join(__dirname, '..', '..', '..');
const REGISTER = path.join(REPO_ROOT, 'scripts', 'register.js');

/**
 * Whether this process runs the compiled build (`npm start`: devstack itself loaded from
 * `dist/`); the services it starts then run compiled too, with plain `node`. Tests load devstack
 * from source and start the services from TypeScript through @swc-node/register (the same
 * transform `npm run build` applies), so they need no build step and see edits at once.
 * `AGENTRY_RUN_COMPILED=1` starts compiled services from a TypeScript process (benchmarks; run
 * `npm run build` first).
 */
export const RUNS_COMPILED =
  path.extname(__filename) === '.js' || process.env.AGENTRY_RUN_COMPILED === '1';

/** The export condition that resolves `@agentry/*` packages to their `dist/` (see scripts/build.js). */
export const DIST_CONDITION = '--conditions=agentry-dist';

/**
 * Node's arguments to run a TypeScript entry point (relative to the repository root): its
 * compiled `dist/` twin when this process runs compiled, else the source through swc.
 */
export function nodeArgsFor(entry: string, compiled = RUNS_COMPILED): string[] {
  if (!compiled) return ['-r', REGISTER, path.join(REPO_ROOT, entry)];
  // `<package>/src/x.ts` -> `<package>/dist/x.js`; `scripts/x.ts` -> `scripts/dist/x.js`.
  const js = (
    /(^|\/)src\//.test(entry)
      ? entry.replace(/(^|\/)src\//, '$1dist/')
      : path.join(path.dirname(entry), 'dist', path.basename(entry))
  ).replace(/\.tsx?$/, '.js');
  return [DIST_CONDITION, path.join(REPO_ROOT, js)];
}

export interface ServiceProcess {
  name: string;
  port: number;
  /** Base URL, e.g. http://127.0.0.1:4001 */
  baseUrl: string;
  child: ChildProcess;
  /** The last lines the process printed (for error messages). */
  output(): string;
  /**
   * SIGTERM, then SIGKILL after `graceMs` (default: the services' own shutdown bound plus a
   * second); resolves when it has exited.
   */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once — a crash, for restart tests. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export interface StartServiceOptions {
  name: string;
  /** TypeScript entry file, relative to the repository root. */
  entry: string;
  port: number;
  env: NodeJS.ProcessEnv;
  /** Called with each line the process prints. */
  onLine?: (name: string, line: string) => void;
  /** Readiness path polled until it answers 200 (default `/health`). */
  readyPath?: string;
  /** How long to wait for readiness (default 60 s: a cold start compiles TypeScript). */
  timeoutMs?: number;
  args?: string[];
  /** Node flags before the entry point (e.g. heap sizes). */
  nodeArgs?: string[];
}

/**
 * Starts a TypeScript service as a child process and resolves once it answers its readiness path.
 *
 * The child runs in its own process group, so a Ctrl-C in the terminal reaches only whoever
 * started it, which stops the services in order (before the database they use). It keeps a pipe
 * on the child's stdin: when this process dies, even by SIGKILL, the pipe closes and the child
 * stops too (see `exitOnShutdown`), so nothing is left behind.
 */
export async function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  // Readiness counts only when this very process answers: another stack's service may hold the
  // port (both picked the same free port; ours then fails to bind).
  const instanceId = randomUUID();
  const child = trackChild(
    spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), ...nodeArgsFor(options.entry), ...(options.args ?? [])],
      {
        cwd: REPO_ROOT,
        env: {
          ...options.env,
          PORT: String(options.port),
          [WATCH_PARENT_ENV]: '1',
          [INSTANCE_ENV]: instanceId,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      },
    ),
  );
  const tail: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 200) tail.shift();
      options.onLine?.(options.name, line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const baseUrl = `http://127.0.0.1:${options.port}`;

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let done = false;
  void exited.then(() => {
    done = true;
  });
  for (;;) {
    if (done)
      throw new Error(`${options.name} exited before it was ready:\n${tail.slice(-30).join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${options.name} was not ready within ${options.timeoutMs ?? 60_000} ms:\n${tail.slice(-30).join('\n')}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}${options.readyPath ?? '/health'}`, {
        signal: AbortSignal.timeout(1000),
      });
      if (res.ok && res.headers.get(INSTANCE_HEADER) === instanceId) break;
      await res.body?.cancel();
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const stop = async (graceMs = SHUTDOWN_GRACE_MS + 1000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    name: options.name,
    port: options.port,
    baseUrl,
    child,
    output: () => tail.join('\n'),
    stop,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    exited,
  };
}
