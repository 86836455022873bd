import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './process';

/** The Maven project of the launcher (`services/neo4j`), and the jar its `mvn package` writes. */
export const NEO4J_LAUNCHER_DIR = path.join(REPO_ROOT, 'services', 'neo4j');
export const NEO4J_LAUNCHER_JAR = path.join(NEO4J_LAUNCHER_DIR, 'target', 'agentry-neo4j.jar');

/** Thrown, before anything starts, when this machine cannot run the launcher. */
export class Neo4jUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Neo4jUnavailableError';
  }
}

/** Neo4j 5.26 runs on Java 17 and 21. */
const MIN_JAVA = 17;

function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** JAVA_HOME's `java` when set (what Maven uses too), else the first `java` on PATH. */
export function findJava(env: NodeJS.ProcessEnv): string | undefined {
  if (env.JAVA_HOME) {
    const java = path.join(env.JAVA_HOME, 'bin', 'java');
    if (existsSync(java)) return java;
  }
  return findOnPath('java', env);
}

const javaVersions = new Map<string, number | undefined>();

/** The major version `java -version` reports (`17.0.15` -> 17, `1.8.0_412` -> 8). */
function javaMajor(java: string): number | undefined {
  if (!javaVersions.has(java)) {
    const res = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 20_000 });
    const match = /version "(\d+)(?:\.(\d+))?/.exec(`${res.stderr}${res.stdout}`);
    const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : undefined;
    javaVersions.set(java, major);
  }
  return javaVersions.get(java);
}

/** Why Java cannot run the launcher, in one line, or undefined when it can. */
function javaProblem(env: NodeJS.ProcessEnv): string | undefined {
  const java = findJava(env);
  if (!java)
    return `Neo4j needs Java ${MIN_JAVA}+ and no \`java\` was found on PATH or in JAVA_HOME (Debian: apt-get install openjdk-17-jdk-headless maven)`;
  const major = javaMajor(java);
  if (major === undefined) return `Neo4j needs Java ${MIN_JAVA}+ and \`${java} -version\` failed`;
  if (major < MIN_JAVA) return `Neo4j needs Java ${MIN_JAVA}+ and ${java} is Java ${major}`;
  return undefined;
}

/**
 * Whether a Java 17+ runtime is here (JAVA_HOME, else PATH), i.e. whether a local Neo4j can run.
 * @param env where to look (default: this process's environment)
 */
export function javaAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return javaProblem(env) === undefined;
}

/** Every file the jar is built from; a jar older than any of them is stale. */
function launcherInputs(dir = NEO4J_LAUNCHER_DIR): string[] {
  const out = [path.join(dir, 'pom.xml')];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(path.join(dir, 'src'));
  return out;
}

/**
 * Whether `services/neo4j/target/agentry-neo4j.jar` is missing or older than its sources. The
 * jar is written last by `mvn package` (after the dependencies are copied), so a jar newer than
 * every input is a finished build; git touches the files it changes, so a checkout that changes
 * the launcher makes it stale.
 */
export function neo4jLauncherStale(): boolean {
  if (!existsSync(NEO4J_LAUNCHER_JAR)) return true;
  const built = statSync(NEO4J_LAUNCHER_JAR).mtimeMs;
  return launcherInputs().some((file) => statSync(file).mtimeMs > built);
}

/**
 * Why `startNeo4j` cannot start a local server on this machine, in one line (no Java 17+, or the
 * launcher needs building and there is no Maven), or undefined when it can.
 */
export function neo4jUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const java = javaProblem(env);
  if (java) return java;
  if (neo4jLauncherStale() && !findOnPath('mvn', env))
    return 'the Neo4j launcher (services/neo4j) needs building and `mvn` was not found on PATH (Debian: apt-get install maven)';
  return undefined;
}

/** Maven is slow to start but the first build downloads ~160 MB: bound it generously. */
const BUILD_TIMEOUT_MS = 15 * 60_000;

function mvn(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('mvn', ['-q', '-B', '-Dstyle.color=never', ...args, 'package'], {
      cwd: NEO4J_LAUNCHER_DIR,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

/** Whether the local Maven repository already has the Neo4j version the pom asks for. */
function m2HasNeo4j(env: NodeJS.ProcessEnv): boolean {
  const pom = readFileSync(path.join(NEO4J_LAUNCHER_DIR, 'pom.xml'), 'utf8');
  const version = /<neo4j\.version>([^<]+)<\/neo4j\.version>/.exec(pom)?.[1];
  const home = env.HOME ?? os.homedir();
  return (
    version !== undefined &&
    existsSync(path.join(home, '.m2', 'repository', 'org', 'neo4j', 'neo4j', version))
  );
}

/**
 * Holds `target/.build-lock` while building, so `npm start` and a test run started together do
 * not run two Mavens over one `target/`. A lock whose holder died is taken over.
 */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(NEO4J_LAUNCHER_DIR, 'target', '.build-lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* being written or removed */
      }
      let alive = true;
      if (Number.isInteger(holder) && holder > 0) {
        try {
          process.kill(holder, 0);
        } catch {
          alive = false;
        }
      }
      if (!alive) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${lock}`, { cause: err });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds the launcher with Maven when its jar is missing or stale (offline first when the local
 * Maven repository has Neo4j, so a rebuild needs no network), and does nothing otherwise.
 * Throws Neo4jUnavailableError when Java or Maven is missing.
 */
export async function ensureNeo4jLauncher(
  options: {
    /** Where Java and Maven are found, and Maven's environment (default process.env). */
    env?: NodeJS.ProcessEnv;
    /** Told when a build starts (it can take minutes). */
    onLog?: (line: string) => void;
  } = {},
): Promise<void> {
  const env = options.env ?? process.env;
  const problem = neo4jUnavailableReason(env);
  if (problem) throw new Neo4jUnavailableError(problem);
  if (!neo4jLauncherStale()) return;
  await withBuildLock(async () => {
    if (!neo4jLauncherStale()) return; // built by whoever held the lock
    options.onLog?.(
      existsSync(NEO4J_LAUNCHER_JAR)
        ? 'rebuilding the Neo4j launcher (services/neo4j changed)…'
        : 'building the Neo4j launcher with Maven (the first build downloads ~160 MB)…',
    );
    let result = m2HasNeo4j(env) ? await mvn(['-o'], env) : undefined;
    if (!result || result.code !== 0) result = await mvn([], env);
    if (result.code !== 0 || neo4jLauncherStale())
      throw new Error(
        `building the Neo4j launcher failed (cd services/neo4j && mvn package):\n${result.output.trim().split('\n').slice(-20).join('\n')}`,
      );
  });
}
