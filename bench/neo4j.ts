import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import {
  ensureNeo4jLauncher,
  NEO4J_LAUNCHER_DIR,
  startNeo4j,
  type Neo4jServer,
} from '@agentry/devstack';

/**
 * The local Neo4j's costs: launcher build (with `--rebuild`: from a deleted target/ with the
 * local Maven repository as it is; with `--cold`: also from an empty Maven repository, which
 * downloads everything), start-to-ready on a new store and on an existing one, resident memory
 * idle and after a small workload, and stop time.
 *
 *   node -r ./scripts/register.js bench/neo4j.ts [runs=3] [--rebuild] [--cold]
 */
const args = process.argv.slice(2);
const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const rssMb = (pid: number) => {
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 1024);
};
/** CPU seconds (user + system) the process has used so far: load-independent, unlike wall time. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

async function workload(server: Neo4jServer) {
  const driver = neo4j.driver(server.url, neo4j.auth.basic(server.user, server.password));
  try {
    await driver.executeQuery(
      `UNWIND range(1, 2000) AS i
       CREATE (a:Agent {id: i, name: 'agent ' + i})-[:HAS]->(:Skill {name: 'skill ' + (i % 50)})`,
    );
    for (let i = 0; i < 200; i++)
      await driver.executeQuery(
        'MATCH (a:Agent {id: $id})-[:HAS]->(s)<-[:HAS]-(b) RETURN b.name LIMIT 10',
        { id: neo4j.int(1 + (i % 2000)) },
      );
  } finally {
    await driver.close();
  }
}

async function main() {
  if (args.includes('--rebuild') || args.includes('--cold')) {
    rmSync(path.join(NEO4J_LAUNCHER_DIR, 'target'), { recursive: true, force: true });
    const repo = args.includes('--cold')
      ? mkdtempSync(path.join(os.tmpdir(), 'agentry-bench-m2-'))
      : undefined;
    const env = repo
      ? { ...process.env, MAVEN_OPTS: `-Dmaven.repo.local=${repo}`, HOME: repo }
      : process.env;
    try {
      const [, ms] = await timed(() => ensureNeo4jLauncher({ env }));
      console.log(
        `launcher build (${repo ? 'empty Maven repository' : 'local Maven repository as it is'}): ${seconds(ms)} s`,
      );
    } finally {
      if (repo) rmSync(repo, { recursive: true, force: true });
    }
  }
  await ensureNeo4jLauncher();

  const rows: {
    fresh: number;
    freshCpu: number;
    restart: number;
    restartCpu: number;
    idle: number;
    busy: number;
    stop: number;
  }[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'agentry-bench-neo4j-')), 'home');
    try {
      const [first, fresh] = await timed(() => startNeo4j({ dataDir: dir, useExternal: false }));
      const freshCpu = cpuMs(first.pid!);
      await first.stop();
      const [server, restart] = await timed(() => startNeo4j({ dataDir: dir, useExternal: false }));
      const restartCpu = cpuMs(server.pid!);
      // Idle: settled after start (the JIT and the checkpointer are done with start-up work).
      await new Promise((r) => setTimeout(r, 10_000));
      const idle = rssMb(server.pid!);
      await workload(server);
      const busy = rssMb(server.pid!);
      const [, stop] = await timed(() => server.stop());
      rows.push({ fresh, freshCpu, restart, restartCpu, idle, busy, stop });
      console.log(
        `run ${i + 1}: ready ${seconds(fresh)} s / ${seconds(freshCpu)} s CPU (new store), ${seconds(restart)} s / ${seconds(restartCpu)} s CPU (existing), RSS ${idle} MB idle, ${busy} MB after workload, stop ${seconds(stop)} s`,
      );
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  }
  const m = (k: keyof (typeof rows)[number]) => median(rows.map((r) => r[k]));
  console.log(
    `median of ${runs}: ready ${seconds(m('fresh'))} s (${seconds(m('freshCpu'))} s CPU) new / ` +
      `${seconds(m('restart'))} s (${seconds(m('restartCpu'))} s CPU) existing, ` +
      `RSS ${m('idle')} MB idle / ${m('busy')} MB after workload, stop ${seconds(m('stop'))} s ` +
      `(load average ${os.loadavg()[0].toFixed(1)})`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
