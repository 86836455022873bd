import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { generateSecrets, startEmbeddedPostgres, startPlatform } from '@agentry/devstack';
import { startExampleAgent } from '@agentry/example-agents';
import { gql, signUp as signUpAt, BENCH_GATEWAY_ENV } from './common';

/**
 * Task throughput: N tasks sent at once to the echo agent (streaming A2A), measured from the
 * first sendTask to the last task COMPLETED (hold, job queue, runner, A2A stream, events,
 * capture through the events log). Everything runs on this machine, on loopback.
 *
 *   node -r ./scripts/register.js bench/task-throughput.ts [50 500]
 */

async function main() {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const runs = sizes.length ? sizes : [50, 500];
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(os.tmpdir(), `agentry-bench-${process.pid}`),
    persistent: false,
  });
  const echo = await startExampleAgent('echo', {});
  const platform = await startPlatform({
    databaseUrl: pg.url,
    secrets: await generateSecrets(),
    env: { NODE_ENV: 'test', LOG_LEVEL: 'error' },
    serviceEnv: {
      gateway: BENCH_GATEWAY_ENV,
      tasks: { DATABASE_POOL_SIZE: '20', TASK_RUNNER_CONCURRENCY: '100' },
      billing: { DATABASE_POOL_SIZE: '20' },
    },
  });
  const db = new Client({ connectionString: pg.url });
  await db.connect();
  try {
    const gw = platform.gatewayUrl;
    const signUp = (email: string, publisher = false) => signUpAt(gw, email, publisher);
    const pub = await signUp('publisher@bench.dev', true);
    const agent = (
      await gql(
        gw,
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name: 'Bench Echo',
            url: echo.url,
            version: '1',
            category: 'bench',
            priceCredits: 1,
          },
        },
        pub,
      )
    ).createAgent.id as string;
    // Wait until the tasks subgraph has the agent (its projection follows agent.created).
    for (
      let i = 0;
      i < 100 && !(await db.query('SELECT 1 FROM tasks.agents WHERE id = $1', [agent])).rowCount;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`task throughput, echo agent, ${os.cpus().length} cores, node ${process.version}`);
    console.log('concurrent | accepted | wall s | tasks/s | p50 ms | p99 ms (send -> COMPLETED)');
    for (const n of runs) {
      const token = await signUp(`user-${n}@bench.dev`);
      const started = Date.now();
      const ids = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          gql(
            gw,
            'mutation($a: ID!, $t: String!) { sendTask(agentId: $a, input: {text: $t}) { id } }',
            { a: agent, t: `hello ${i}` },
            token,
          ).then((d) => d.sendTask.id as string),
        ),
      );
      const accepted = Date.now();
      let done = 0;
      while (done < n) {
        done = (
          await db.query(
            `SELECT count(*)::int AS n FROM tasks.tasks WHERE id = ANY($1) AND state IN ('COMPLETED','FAILED')`,
            [ids],
          )
        ).rows[0].n;
        if (Date.now() - started > 300_000) throw new Error('timed out');
        if (done < n) await new Promise((r) => setTimeout(r, 50));
      }
      const wall = (Date.now() - started) / 1000;
      const { rows } = await db.query(
        `SELECT extract(epoch FROM (completed_at - created_at)) * 1000 AS ms FROM tasks.tasks WHERE id = ANY($1) ORDER BY 1`,
        [ids],
      );
      const failed = (
        await db.query(
          `SELECT count(*)::int AS n FROM tasks.tasks WHERE id = ANY($1) AND state <> 'COMPLETED'`,
          [ids],
        )
      ).rows[0].n;
      const ms = rows.map((r) => Number(r.ms));
      const pct = (p: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]);
      console.log(
        `${String(n).padStart(10)} | ${String(ids.length).padStart(8)} | ${wall.toFixed(2).padStart(6)} | ${(n / wall).toFixed(1).padStart(7)} | ${String(pct(0.5)).padStart(6)} | ${String(pct(0.99)).padStart(6)}${failed ? `  (${failed} not COMPLETED)` : ''}  (all accepted after ${((accepted - started) / 1000).toFixed(2)} s)`,
      );
    }
  } finally {
    await db.end();
    await platform.stop();
    await echo.stop();
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
