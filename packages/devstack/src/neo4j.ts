import { trackChild } from './children';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  ensureNeo4jLauncher,
  findJava,
  NEO4J_LAUNCHER_JAR,
  Neo4jUnavailableError,
  neo4jUnavailableReason,
} from './neo4j-launcher';

/** Where a Neo4j answers Bolt and how to log in: pass to `neo4j.driver(url, auth.basic(user, password))`. */
export interface Neo4jConnection {
  /** Bolt URL, e.g. `bolt://127.0.0.1:7687`. */
  url: string;
  /** `neo4j` (Neo4j Community has that one user). */
  user: string;
  /** Empty when auth is off (the local default); Neo4j then accepts any basic credentials. */
  password: string;
}

/** A Neo4j that `startNeo4j` started, or the external one NEO4J_URL names. */
export interface Neo4jServer extends Neo4jConnection {
  /** True when NEO4J_URL named the server: nothing was started and `stop()` does nothing. */
  external: boolean;
  /** The launcher JVM's process id (undefined when external). */
  pid?: number;
  /** The last lines the launcher printed (for error messages). */
  output(): string;
  /** Resolves with the exit code once the launcher has exited (never, when external). */
  exited: Promise<number | null>;
  /**
   * SIGTERM (Neo4j checkpoints and closes its store), then SIGKILL after `graceMs` (default
   * 30000: Neo4j gives running transactions 10 s to finish); resolves once the JVM has exited.
   * A non-persistent server's data dir is gone afterwards.
   */
  stop(graceMs?: number): Promise<void>;
}

export interface StartNeo4jOptions {
  /** Neo4j's home: `data/` (the store) and `logs/debug.log` go in it. Created if missing. */
  dataDir: string;
  /**
   * Keep the data across restarts (default true). `false` is a throw-away server for tests:
   * `dataDir` must be new or empty, and it is deleted when the server stops (by the launcher
   * itself, so even when the Node process that started it dies).
   */
  persistent?: boolean;
  /** Bolt port on 127.0.0.1; default 0: the OS picks a free one (no race with other processes). */
  port?: number;
  /** Password of the user `neo4j` (8+ characters); default: none, auth off (loopback only). */
  password?: string;
  /** JVM heap (`-Xmx`); default AGENTRY_NEO4J_HEAP or `512m`. */
  heap?: string;
  /** Neo4j page cache (off-heap store cache); default AGENTRY_NEO4J_PAGE_CACHE or `64m`. */
  pageCache?: string;
  /**
   * Use the server NEO4J_URL (with NEO4J_USER, default `neo4j`, and NEO4J_PASSWORD) names
   * instead of starting one, when it is set (default true). Tests pass false: they never write
   * to a developer's own server.
   */
  useExternal?: boolean;
  /**
   * How long to wait for the ready line once the JVM runs, default 300000 (build not counted).
   * A start needs ~10 s of CPU; on a shared two-core machine under heavy load it has taken
   * 110 s of wall time.
   */
  timeoutMs?: number;
  /** Where Java, Maven and NEO4J_URL are looked up, and the launcher's base environment (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Every line the launcher and the launcher build print (Neo4j itself prints warnings only). */
  onLog?: (line: string) => void;
}

/**
 * Neo4j 5.26 for development and tests: the embedded launcher in `services/neo4j` (built with
 * Maven on first use), with Bolt on 127.0.0.1, run as a child JVM that exits when it is stopped,
 * signalled, or when this process dies (it watches its stdin pipe). Resolves once Bolt answers.
 *
 * Throws Neo4jUnavailableError at once, with a one-line message, when Java 17+ (or Maven, for a
 * first build) is missing; `neo4jUnavailableReason()` tells the same without trying.
 */
export async function startNeo4j(options: StartNeo4jOptions): Promise<Neo4jServer> {
  const env = options.env ?? process.env;
  if (options.useExternal !== false && env.NEO4J_URL) return externalNeo4j(env);
  const persistent = options.persistent ?? true;
  const password = options.password ?? '';
  if (password && password.length < 8)
    throw new Error('the Neo4j password must have at least 8 characters (Neo4j refuses shorter)');
  const dataDir = path.resolve(options.dataDir);
  if (!persistent && existsSync(dataDir) && readdirSync(dataDir).length)
    throw new Error(`a non-persistent Neo4j needs a new or empty data dir; ${dataDir} is not`);
  const problem = neo4jUnavailableReason(env);
  if (problem) throw new Neo4jUnavailableError(problem);
  await ensureNeo4jLauncher({ env, onLog: options.onLog });

  const args = [
    `-Xmx${options.heap ?? env.AGENTRY_NEO4J_HEAP ?? '512m'}`,
    // A small heap on a shared machine: the serial collector keeps ~90 MB less resident than G1.
    '-XX:+UseSerialGC',
    // C1 only: start-up is mostly JIT work, and a dev or test database never gets hot enough
    // for C2 to pay back (measured: ~40% less CPU to ready, docs/BENCHMARKS.md).
    '-XX:TieredStopAtLevel=1',
    // An out-of-memory JVM is unusable; exiting lets the caller see it instead of a hang.
    '-XX:+ExitOnOutOfMemoryError',
    // Last, so they win: e.g. AGENTRY_NEO4J_JAVA_OPTS='-XX:TieredStopAtLevel=4' for full JIT.
    ...(env.AGENTRY_NEO4J_JAVA_OPTS ?? '').split(/\s+/).filter(Boolean),
    '-jar',
    NEO4J_LAUNCHER_JAR,
    '--data-dir',
    dataDir,
    '--port',
    String(options.port ?? 0),
    '--page-cache',
    options.pageCache ?? env.AGENTRY_NEO4J_PAGE_CACHE ?? '64m',
    '--exit-with-stdin',
    ...(persistent ? [] : ['--delete-on-exit']),
  ];
  const child = trackChild(
    spawn(findJava(env)!, args, {
      // The password travels in the environment, never on the command line (`ps` shows that).
      env: { ...env, AGENTRY_NEO4J_PASSWORD: password },
      // stdin stays an open pipe we never write to: it closes when this process dies.
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, like PostgreSQL: a terminal's Ctrl-C reaches whoever started it,
      // which stops the services that use it first.
      detached: true,
    }),
  );
  const tail: string[] = [];
  let ready: ((url: string) => void) | undefined;
  let failure: string | undefined;
  const onLine = (line: string) => {
    const clipped = line.length > 2000 ? `${line.slice(0, 2000)}…` : line;
    tail.push(clipped);
    if (tail.length > 200) tail.shift();
    options.onLog?.(clipped);
    const readyUrl = /^NEO4J_READY (bolt:\/\/\S+)$/.exec(line)?.[1];
    if (readyUrl) ready?.(readyUrl);
    const failed = /^NEO4J_FAILED (.*)$/.exec(line)?.[1];
    if (failed) failure = failed;
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      // A line without an end is cut, so a peer that never prints a newline cannot grow memory.
      if (pending.length > 64_000) pending = pending.slice(-2000);
      for (const l of lines) if (l) onLine(l);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? null : 0)));
    child.once('error', (err) => {
      failure ??= err.message;
      resolve(null);
    });
  });
  const removeData = () => {
    if (!persistent) rmSync(dataDir, { recursive: true, force: true });
  };

  const timeoutMs = options.timeoutMs ?? 300_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    new Promise<{ url: string }>((resolve) => (ready = (url) => resolve({ url }))),
    exited.then(() => ({ exited: true as const })),
    new Promise<{ timedOut: true }>((resolve) => {
      timer = setTimeout(() => resolve({ timedOut: true }), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (!('url' in outcome)) {
    if ('timedOut' in outcome) child.kill('SIGKILL');
    await exited;
    removeData();
    const why =
      'timedOut' in outcome
        ? `not ready within ${timeoutMs} ms`
        : (failure ?? `exited with code ${child.exitCode}`);
    throw new Error(
      `Neo4j failed to start: ${why} (log: ${path.join(dataDir, 'logs', 'debug.log')})`,
    );
  }

  const stop = async (graceMs = 30_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(killer);
    }
    removeData();
  };
  return {
    url: outcome.url,
    user: 'neo4j',
    password,
    external: false,
    pid: child.pid,
    output: () => tail.join('\n'),
    exited,
    stop,
  };
}

function externalNeo4j(env: NodeJS.ProcessEnv): Neo4jServer {
  return {
    url: env.NEO4J_URL!,
    user: env.NEO4J_USER || 'neo4j',
    password: env.NEO4J_PASSWORD ?? '',
    external: true,
    output: () => '',
    exited: new Promise(() => {}),
    stop: async () => {},
  };
}

/** The variables a service reads to reach Neo4j (NEO4J_URL, NEO4J_USER, NEO4J_PASSWORD). */
export function neo4jEnv(connection: Neo4jConnection): NodeJS.ProcessEnv {
  return {
    NEO4J_URL: connection.url,
    NEO4J_USER: connection.user,
    NEO4J_PASSWORD: connection.password,
  };
}

/** What `startNeo4jIfPossible` got: a server, or the one-line reason there is none. */
export type OptionalNeo4j =
  { server: Neo4jServer; problem?: undefined } | { server?: undefined; problem: string };

/**
 * `startNeo4j` for `npm start`, where Neo4j is optional: when it cannot start (no Java, no Maven
 * for the first build, a port in use, a failed build) it resolves with the reason in one line
 * instead of throwing, so the rest of the platform starts without it (the knowledge subgraph
 * then answers a coded error).
 */
export async function startNeo4jIfPossible(options: StartNeo4jOptions): Promise<OptionalNeo4j> {
  try {
    return { server: await startNeo4j(options) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { problem: message.split('\n')[0] };
  }
}
