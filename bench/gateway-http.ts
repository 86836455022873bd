import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  freePort,
  generateSecrets,
  startEmbeddedPostgres,
  startService,
  type ServiceProcess,
} from '@agentry/devstack';
import { BENCH_GATEWAY_ENV, gql } from './common';

/**
 * The gateway's HTTP path to one subgraph: throughput and latency of a small federated query
 * (`user(id) { id name }`, one fetch to the users subgraph) at several concurrencies, then the
 * keep-alive race as issue #9.4 probed it — bursts after idling just under and over the
 * subgraph's keep-alive timeout, here set to Node's default 5 s — counting failed requests.
 * One users subgraph and one gateway process, the load generator in this process (same cores).
 *
 *   node -r ./scripts/register.js bench/gateway-http.ts [requests per run, default 3000]
 *
 * BENCH_GATEWAY_ENTRY picks another gateway entry file (to compare an older gateway).
 */
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]);
};

async function main() {
  const total = Number(process.argv[2] ?? 3000);
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(os.tmpdir(), `agentry-bench-gw-${process.pid}`),
    persistent: false,
  });
  const secrets = await generateSecrets();
  const started: ServiceProcess[] = [];
  try {
    const common = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      SESSION_TOKEN_SECRET: secrets.sessionTokenSecret,
    };
    const users = await startService({
      name: 'users',
      entry: 'subgraphs/users/src/index.ts',
      port: await freePort(),
      env: {
        ...common,
        DATABASE_URL: pg.url,
        GATEWAY_IDENTITY_PUBLIC_KEY: secrets.identity.publicKeyPem,
        // What the subgraphs had: Node's default.
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000',
      },
      readyPath: '/ready',
    });
    started.push(users);
    const gateway = await startService({
      name: 'gateway',
      entry: process.env.BENCH_GATEWAY_ENTRY ?? 'gateway/src/index.ts',
      port: await freePort(),
      env: {
        ...common,
        ...BENCH_GATEWAY_ENV,
        GATEWAY_IDENTITY_PRIVATE_KEY: secrets.identity.privateKeyPem,
        SUPERGRAPH_PATH: path.join(__dirname, '..', 'supergraph.graphql'),
        SUBGRAPH_USERS_URL: `${users.baseUrl}/graphql`,
      },
      readyPath: '/ready',
    });
    started.push(gateway);
    const url = `${gateway.baseUrl}/graphql`;
    const id = (
      await gql(url, 'mutation($i: SignUpInput!) { signUp(input: $i) { user { id } } }', {
        i: { email: 'bench@bench.dev', password: 'bench-password', name: 'Bench' },
      })
    ).signUp.user.id as string;
    const query = JSON.stringify({
      query: 'query($id: ID!) { user(id: $id) { id name } }',
      variables: { id },
    });
    const once = async (): Promise<number | null> => {
      const t0 = performance.now();
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: query,
        });
        const body = (await res.json()) as { data?: { user?: { id: string } }; errors?: unknown };
        return body.data?.user?.id === id && !body.errors ? performance.now() - t0 : null;
      } catch {
        return null;
      }
    };

    console.log(`gateway HTTP path, ${os.cpus().length} cores, node ${process.version}`);
    console.log(`gateway entry: ${process.env.BENCH_GATEWAY_ENTRY ?? 'gateway/src/index.ts'}`);
    console.log('concurrency | requests | req/s | p50 ms | p99 ms | failed');
    for (let i = 0; i < 200; i++) await once(); // warm-up: JIT, pools, query plans
    for (const concurrency of [10, 50, 200]) {
      const latencies: number[] = [];
      let failed = 0;
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next++ < total) {
            const ms = await once();
            if (ms === null) failed++;
            else latencies.push(ms);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      console.log(
        `${concurrency} | ${total} | ${Math.round(total / seconds)} | ${pct(latencies, 0.5)} | ${pct(latencies, 0.99)} | ${failed}`,
      );
    }

    console.log('keep-alive race: idle before burst ms | burst | failed');
    for (const idle of [0, 4950, 5050, 4990, 5010, 5000]) {
      if (idle) await sleep(idle);
      const answers = await Promise.all(Array.from({ length: 300 }, once));
      console.log(`${idle} | 300 | ${answers.filter((a) => a === null).length}`);
    }
  } finally {
    for (const s of started.reverse()) await s.stop();
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
