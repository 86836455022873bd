import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import neo4j, { type Driver } from 'neo4j-driver';
import {
  findJava,
  freePort,
  javaAvailable,
  neo4jLauncherStale,
  Neo4jUnavailableError,
  neo4jUnavailableReason,
  REPO_ROOT,
  startNeo4j,
  startNeo4jIfPossible,
  type Neo4jConnection,
} from '@agentry/devstack';
import { testNeo4j, waitFor } from '@agentry/testing';

/**
 * The launcher in services/neo4j against the real Neo4j 5.26 it embeds. A JVM start costs ~10 s
 * of CPU, and on a shared two-core machine under heavy load a start has taken 110 s: hence the
 * long bound on the suite of four starts (each is bounded by startNeo4j's own ready timeout).
 */
describe('startNeo4j', { timeout: 900_000 }, () => {
  const dirs: string[] = [];
  /** A path for a data dir (not created: the launcher creates it). */
  const dataDir = (name: string) => {
    const parent = mkdtempSync(path.join(os.tmpdir(), `agentry-neo4j-test-`));
    dirs.push(parent);
    return path.join(parent, name);
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const drivers: Driver[] = [];
  const connect = (c: Neo4jConnection, password = c.password) => {
    const driver = neo4j.driver(c.url, neo4j.auth.basic(c.user, password));
    drivers.push(driver);
    return driver;
  };
  after(() => Promise.all(drivers.map((d) => d.close())));

  const running = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  /** Processes whose command line names `needle` (the data dir is on the launcher's). */
  const processesNaming = (needle: string) =>
    spawnSync('pgrep', ['-f', needle], { encoding: 'utf8' }).stdout.trim();

  it('starts a throw-away server on loopback, runs Cypher, and leaves no process or data when stopped', async () => {
    const dir = dataDir('throwaway');
    const server = await startNeo4j({ dataDir: dir, persistent: false, useExternal: false });
    assert.match(server.url, /^bolt:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.external, false);
    assert.equal(server.password, '');
    assert.ok(server.pid && running(server.pid));

    const driver = connect(server);
    const { records } = await driver.executeQuery(
      'CREATE (a:Probe {name: $name})-[:KNOWS]->(b:Probe {name: "b"}) WITH a MATCH (a)-[:KNOWS]->(x) RETURN a.name AS a, x.name AS x',
      { name: 'a' },
    );
    assert.deepEqual(records[0].toObject(), { a: 'a', x: 'b' });
    const version = await driver.executeQuery(
      'CALL dbms.components() YIELD versions RETURN versions[0] AS v',
    );
    assert.match(version.records[0].get('v'), /^5\.26\./);
    await driver.close();

    await server.stop();
    assert.equal(running(server.pid!), false);
    assert.equal(existsSync(dir), false, 'a throw-away data dir is deleted on stop');
    // The shutdown hook ran to its end (a SIGKILL would leave no line and no exit code); a JVM
    // that stops on SIGTERM exits 143.
    assert.match(server.output(), /NEO4J_STOPPED/);
    assert.equal(await server.exited, 143);
  });

  it('keeps its data across a restart when persistent, behind the password it was given', async () => {
    const dir = dataDir('persistent');
    const password = 'agentry-test-secret';
    const first = await startNeo4j({ dataDir: dir, password, useExternal: false });
    assert.equal(first.password, password);
    await assert.rejects(
      connect(first, 'wrong-password').executeQuery('RETURN 1'),
      (err: { code?: string }) => err.code === 'Neo.ClientError.Security.Unauthorized',
    );
    await connect(first).executeQuery('CREATE (:Kept {id: 42})');
    await first.stop();
    assert.ok(existsSync(path.join(dir, 'data')), 'a persistent data dir stays');

    const second = await startNeo4j({ dataDir: dir, password, useExternal: false });
    try {
      const { records } = await connect(second).executeQuery('MATCH (k:Kept) RETURN k.id AS id');
      assert.deepEqual(
        records.map((r) => r.get('id').toNumber()),
        [42],
      );
    } finally {
      await second.stop();
    }
  });

  it('exits, and removes its throw-away data, when the process that started it dies', async () => {
    const dir = dataDir('orphan');
    // A parent that starts Neo4j, reports it, and is then killed without any chance to clean up.
    const parent = spawn(
      process.execPath,
      [
        '-r',
        path.join(REPO_ROOT, 'scripts', 'register.js'),
        '-e',
        `require('@agentry/devstack')
          .startNeo4j({ dataDir: ${JSON.stringify(dir)}, persistent: false, useExternal: false })
          .then((s) => console.log(JSON.stringify({ pid: s.pid, url: s.url })))`,
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const started = await new Promise<{ pid: number; url: string }>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line));
      });
      parent.once('exit', (code) => reject(new Error(`parent exited with ${code}: ${out}`)));
    });
    assert.ok(running(started.pid));
    await connect({ url: started.url, user: 'neo4j', password: '' }).executeQuery('RETURN 1');

    parent.kill('SIGKILL');
    await waitFor('the orphaned launcher to exit', async () => !running(started.pid), 60_000, 200);
    await waitFor('its data dir to be deleted', async () => !existsSync(dir), 10_000, 100);
  });

  it('refuses a Bolt port that is taken, saying so, and leaves nothing behind', async () => {
    const dir = dataDir('port-taken');
    const port = await freePort();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await assert.rejects(
        startNeo4j({ dataDir: dir, port, persistent: false, useExternal: false }),
        (err: Error) => {
          assert.match(err.message, /^Neo4j failed to start: .*(in use|bind)/i);
          assert.ok(err.message.includes('debug.log'), err.message);
          return true;
        },
      );
    } finally {
      squatter.close();
    }
    assert.equal(processesNaming(dir), '', 'no launcher left running');
    assert.equal(existsSync(dir), false);
  });

  it('fails fast with one line when Java is missing, and npm start carries on without Neo4j', async () => {
    assert.equal(javaAvailable(), true, 'this machine (and CI) must have Java 17+ for Neo4j');
    const noJava = {
      PATH: mkdtempSync(path.join(os.tmpdir(), 'agentry-nojava-')),
      HOME: os.homedir(),
    };
    dirs.push(noJava.PATH);
    assert.equal(javaAvailable(noJava), false);
    const dir = dataDir('no-java');

    await assert.rejects(startNeo4j({ dataDir: dir, env: noJava }), (err: Error) => {
      assert.ok(err instanceof Neo4jUnavailableError);
      assert.match(err.message, /^Neo4j needs Java 17\+ and no `java` was found/);
      assert.ok(!err.message.includes('\n'), 'one line');
      return true;
    });
    const optional = await startNeo4jIfPossible({ dataDir: dir, env: noJava });
    assert.equal(optional.server, undefined);
    assert.match(optional.problem ?? '', /^Neo4j needs Java 17\+/);
    assert.equal(existsSync(dir), false, 'nothing was started or created');

    // Maven is needed only to build: with the launcher built, Java alone will do.
    const javaOnly = { PATH: mkdtempSync(path.join(os.tmpdir(), 'agentry-javaonly-')) };
    dirs.push(javaOnly.PATH);
    symlinkSync(realpathSync(findJava(process.env)!), path.join(javaOnly.PATH, 'java'));
    assert.equal(neo4jLauncherStale(), false);
    assert.equal(neo4jUnavailableReason(javaOnly), undefined);
  });

  it('uses the server NEO4J_URL names instead of starting one', async () => {
    const shared = await testNeo4j();
    const dir = dataDir('external');
    const server = await startNeo4j({
      dataDir: dir,
      env: {
        ...process.env,
        NEO4J_URL: shared.url,
        NEO4J_USER: shared.user,
        NEO4J_PASSWORD: shared.password,
      },
    });
    assert.equal(server.external, true);
    assert.equal(server.pid, undefined);
    assert.deepEqual(
      { url: server.url, user: server.user, password: server.password },
      { url: shared.url, user: shared.user, password: shared.password },
    );
    await server.stop();
    assert.equal(existsSync(dir), false, 'nothing was started');
    const { records } = await connect(shared).executeQuery('RETURN 1 AS one');
    assert.equal(records[0].get('one').toNumber(), 1, 'stop() left the external server alone');
  });
});
