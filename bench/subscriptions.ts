import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { generateSecrets, startEmbeddedPostgres, startPlatform } from '@agentry/devstack';
import { startExampleAgent } from '@agentry/example-agents';
import { gql, signUp as signUpAt, BENCH_GATEWAY_ENV } from './common';

/**
 * Subscription fan-out on ONE gateway process: N subscribers (one WebSocket each) follow the same
 * user's task events (`myTaskEvents`) while the worker agent streams progress. Measures, per
 * delivered event: agent -> subscriber latency (the agent stamps each progress message with its
 * publish time), event-recorded -> subscriber latency (`TaskEvent.at`), and the gateway's RSS
 * growth per subscriber. The subscribers run in this process, on the same two cores.
 *
 *   node -r ./scripts/register.js bench/subscriptions.ts [1000 10000]
 */
const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

/** CPU seconds (user + system) a process has used: robust to a machine shared with others. */
const cpuS = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]);
};

async function main() {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const runs = sizes.length ? sizes : [1000, 10000];
  const STEPS = 20;
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(os.tmpdir(), `agentry-bench-subs-${process.pid}`),
    persistent: false,
  });
  const worker = await startExampleAgent('worker', {
    options: { steps: STEPS, stepMs: 500, timestamps: true },
  });
  const platform = await startPlatform({
    databaseUrl: pg.url,
    secrets: await generateSecrets(),
    env: { NODE_ENV: 'test', LOG_LEVEL: 'error' },
    serviceEnv: { gateway: BENCH_GATEWAY_ENV },
  });
  const gw = platform.gatewayUrl;
  const wsUrl = gw.replace('http', 'ws');
  const gatewayPid = platform.gateway.child.pid!;
  try {
    const signUp = (email: string, publisher = false) => signUpAt(gw, email, publisher);
    const pub = await signUp('publisher@bench.dev', true);
    const agent = (
      await gql(
        gw,
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name: 'Bench Worker',
            url: worker.url,
            version: '1',
            category: 'bench',
            priceCredits: 0,
          },
        },
        pub,
      )
    ).createAgent.id as string;
    console.log(
      `subscription fan-out on one gateway, ${os.cpus().length} cores, node ${process.version}, ${STEPS} progress events at 2/s`,
    );
    console.log(
      'subscribers | connect s | gateway CPU s | RSS/subscriber KB | agent->client p50/p99 ms | recorded->client p50/p99 ms | delivered',
    );
    for (const n of runs) {
      const token = await signUp(`watcher-${n}@bench.dev`);
      // Settle the gateway before measuring its memory.
      await new Promise((r) => setTimeout(r, 500));
      const rssBefore = rssKb(gatewayPid);
      const agentLatency: number[] = [];
      const recordedLatency: number[] = [];
      let delivered = 0;
      let completed = 0;
      const clients: Client[] = [];
      const connected: Promise<void>[] = [];
      const started = Date.now();
      const cpuBefore = cpuS(gatewayPid);
      for (let i = 0; i < n; i++) {
        const client = createClient({
          url: wsUrl,
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${token}` },
          retryAttempts: 0,
        });
        clients.push(client);
        connected.push(
          new Promise<void>((resolve) => {
            const off = client.on('connected', () => (off(), resolve()));
          }),
        );
        client.subscribe(
          { query: 'subscription { myTaskEvents { sequence state at message { text } } }' },
          {
            next: (r) => {
              const now = Date.now();
              const e = (r.data as any)?.myTaskEvents;
              if (!e) return;
              delivered++;
              if (e.state === 'COMPLETED') completed++;
              recordedLatency.push(now - Date.parse(e.at));
              const stamp = /@(\d+)$/.exec(e.message?.text ?? '');
              if (stamp) agentLatency.push(now - Number(stamp[1]));
            },
            error: () => {},
            complete: () => {},
          },
        );
        // Open sockets in batches so the accept queue never overflows.
        if (i % 500 === 499) await Promise.all(connected.slice(-500));
      }
      await Promise.all(connected);
      const connectS = (Date.now() - started) / 1000;
      const connectCpuS = cpuS(gatewayPid) - cpuBefore;
      await new Promise((r) => setTimeout(r, 1000));
      const rssAfter = rssKb(gatewayPid);
      await gql(
        gw,
        'mutation($a: ID!) { sendTask(agentId: $a, input: {text: "bench"}) { id } }',
        { a: agent },
        token,
      );
      const deadline = Date.now() + 180_000;
      while (completed < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      console.log(
        `${String(n).padStart(11)} | ${connectS.toFixed(1).padStart(9)} | ${connectCpuS.toFixed(1).padStart(13)} | ${((rssAfter - rssBefore) / n).toFixed(1).padStart(17)} | ${`${pct(agentLatency, 0.5)} / ${pct(agentLatency, 0.99)}`.padStart(24)} | ${`${pct(recordedLatency, 0.5)} / ${pct(recordedLatency, 0.99)}`.padStart(27)} | ${delivered} events, ${completed}/${n} saw COMPLETED`,
      );
      await Promise.all(clients.map((c) => c.dispose()));
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    await platform.stop();
    await worker.stop();
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
