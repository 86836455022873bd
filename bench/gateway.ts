import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import {
  createIdentitySigner,
  IDENTITY_HEADER,
  subgraphUrlKey,
  type Identity,
} from '@agentry/core';
import {
  freePort,
  generateSecrets,
  REPO_ROOT,
  startEmbeddedPostgres,
  startPlatform,
  trackChild,
  SUBGRAPHS,
} from '@agentry/devstack';
import { startExampleAgents } from '@agentry/example-agents';
import { seedDemo, signIn, type ExampleUrls } from '../scripts/seed';
import { SERVICE_ENV, SERVICE_NODE_ARGS } from '../scripts/service-settings';
import { BENCH_GATEWAY_ENV, gql } from './common';

/**
 * Agentry's gateway beside a stock @apollo/gateway 2.14.4 + @apollo/server 5.5.1 on the same
 * subgraphs (bench/stock-gateway.js: no auth, a pre-signed identity header forwarded as is),
 * and the single-subgraph query sent straight to the agents subgraph (P3). The platform runs as
 * `npm start` runs it: compiled services (`npm run build` first, done here), embedded
 * PostgreSQL, the demo data topped up to 50 agents. For each query and connection count: a warm-up,
 * then a fixed time of closed-loop load (undici Pool, one request in flight per connection), and
 * CPU per request of every process from /proc/<pid>/stat (utime + stime) before and after.
 *
 *   node -r ./scripts/register.js bench/gateway.ts [--connections 20,200,1000] [--seconds 8]
 *        [--queries federated,single,mutation,apikey] [--targets agentry,stock,direct]
 *
 * Errors: transport failures, non-2xx answers and answers with GraphQL `errors`, all counted.
 */
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const CONNECTIONS = arg('connections', '20,200,1000').split(',').map(Number);
const SECONDS = Number(arg('seconds', '8'));
const WARMUP_SECONDS = Number(arg('warmup', '2'));
const QUERY_NAMES = arg('queries', 'federated,single,mutation,apikey').split(',');
const TARGETS = arg('targets', 'agentry,stock,direct').split(',');

const FEDERATED =
  '{ agents(first: 50) { edges { node { name provider { name } rating { average count } reviews(first: 3) { edges { node { rating author { name } } } } } } } }';
const SINGLE = '{ agents(first: 10) { edges { node { id name priceCredits } } } }';
const MUTATION = 'mutation { updateProfile(input: { name: "Grace Hopper" }) { id name } }';
const API_KEY_QUERY = '{ me { id name } agents(first: 10) { edges { node { id name } } } }';

const CLK_TCK = 100; // Linux USER_HZ
const ticksOf = (pid: number) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
};
/** CPU of a process's children that exited and were waited for (cutime + cstime). */
const reapedTicksOf = (pid: number) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[13]) + Number(f[14]);
  } catch {
    return 0;
  }
};
/** A process and all its descendants (PostgreSQL's backends under the postmaster). */
function treeOf(root: number): number[] {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      parent.set(
        Number(e),
        Number(readFileSync(`/proc/${e}/stat`, 'utf8').split(') ')[1].split(' ')[1]),
      );
    } catch {
      /* gone */
    }
  }
  const found = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent)
      if (!found.has(pid) && found.has(ppid)) grew = !!found.add(pid);
  }
  return [...found];
}

interface Target {
  name: string;
  url: string;
  /** Headers per query name (how this target is authenticated). */
  headers: Record<string, Record<string, string>>;
  /** The process that serves it ("gateway" column). */
  pid: number;
}

interface Result {
  target: string;
  query: string;
  connections: number;
  requests: number;
  errors: number;
  firstError?: string;
  rps: number;
  p50: number;
  p99: number;
  cpuMs: Record<string, number>;
}

async function load(
  target: Target,
  query: string,
  headers: Record<string, string>,
  connections: number,
  seconds: number,
  measure?: () => Record<string, number>,
) {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 4_000,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
  const body = JSON.stringify({ query });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const fail = (why: string) => {
    errors++;
    firstError ??= why;
  };
  const before = measure?.();
  const t0 = process.hrtime.bigint();
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        const start = process.hrtime.bigint();
        try {
          const res = await pool.request({
            path: url.pathname,
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body,
          });
          const text = await res.body.text();
          if (res.statusCode < 200 || res.statusCode > 299)
            fail(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
          else if (text.includes('"errors"')) fail(text.slice(0, 300));
        } catch (err) {
          fail(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        }
        latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }),
  );
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  const after = measure?.();
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  const cpuMs: Record<string, number> = {};
  if (before && after)
    for (const k of Object.keys(after))
      cpuMs[k] = (((after[k] - (before[k] ?? 0)) / CLK_TCK) * 1000) / Math.max(1, latencies.length);
  return {
    requests: latencies.length,
    errors,
    firstError,
    rps: latencies.length / elapsedS,
    p50: pct(0.5),
    p99: pct(0.99),
    cpuMs,
  };
}

/** Adds agents (by the demo publisher) until the catalogue lists `total`; returns how many. */
async function topUpCatalogue(gatewayUrl: string, examples: ExampleUrls, total: number) {
  const ada = (await signIn(gatewayUrl, 'ada'))!;
  const have = (await gql(gatewayUrl, '{ agents(first: 100) { edges { node { id } } } }', {}))
    .agents.edges.length as number;
  for (let i = have; i < total; i++)
    await gql(
      gatewayUrl,
      'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
      {
        i: {
          name: `Bench Agent ${i + 1}`,
          description: 'An agent listed for the gateway benchmark.',
          url: `${examples.echo}?bench=${i + 1}`,
          version: '1.0.0',
          category: 'benchmarks',
          tags: ['bench'],
          priceCredits: 1 + (i % 20),
        },
      },
      ada.token,
    );
  return Math.max(0, total - have);
}

async function main() {
  // What npm start runs: the compiled services.
  const { build } = require('../scripts/build.js') as { build: () => unknown };
  build();
  process.env.AGENTRY_RUN_COMPILED = '1';

  const pg = await startEmbeddedPostgres({
    dataDir: path.join(os.tmpdir(), `agentry-bench-gateway-${process.pid}`),
    persistent: false,
  });
  const secrets = await generateSecrets();
  const examples = await startExampleAgents();
  let stock: ChildProcess | undefined;
  const platform = await startPlatform({
    databaseUrl: pg.url,
    secrets,
    env: { ...SERVICE_ENV, LOG_LEVEL: 'warn' },
    serviceEnv: { gateway: BENCH_GATEWAY_ENV },
    nodeArgs: SERVICE_NODE_ARGS,
  }).catch(async (err) => {
    await pg.stop();
    throw err;
  });
  try {
    const gatewayUrl = platform.gatewayUrl;
    const exampleUrls = Object.fromEntries(examples.map((a) => [a.name, a.url])) as ExampleUrls;
    await seedDemo(gatewayUrl, pg.url, exampleUrls, () => {});
    const added = await topUpCatalogue(gatewayUrl, exampleUrls, 50);
    const grace = (await signIn(gatewayUrl, 'grace'))!;
    const key = (
      await gql(
        gatewayUrl,
        'mutation { createApiKey(name: "bench", scopes: ["tasks:read", "billing:read"]) { secret apiKey { id } } }',
        {},
        grace.token,
      )
    ).createApiKey;
    const page = await gql(gatewayUrl, FEDERATED, {}, grace.token);
    const reviews = page.agents.edges.reduce(
      (n: number, e: any) => n + e.node.reviews.edges.length,
      0,
    );
    console.log(
      `platform ready: ${page.agents.edges.length} agents on the page (${added} added to the demo catalogue), ${reviews} reviews on it`,
    );

    // Pre-signed identities (an hour) for the stock gateway and the direct subgraph calls.
    const sign = await createIdentitySigner(secrets.identity.privateKeyPem, 3600);
    const me = (await gql(gatewayUrl, '{ me { roles } }', {}, grace.token)).me;
    const session: Identity = {
      userId: grace.id,
      roles: me.roles,
      via: 'session',
      scopes: null,
      apiKeyId: null,
    };
    const sessionToken = await sign(session);
    const apiKeyToken = await sign({
      ...session,
      via: 'apiKey',
      scopes: ['tasks:read', 'billing:read'],
      apiKeyId: key.apiKey.id,
    });

    const stockPort = await freePort();
    const subgraphEnv = Object.fromEntries(
      SUBGRAPHS.map((n) => [subgraphUrlKey(n), `${platform.subgraphs[n].baseUrl}/graphql`]),
    );
    stock = trackChild(
      spawn(process.execPath, [path.join(REPO_ROOT, 'bench', 'stock-gateway.js')], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          ...subgraphEnv,
          NODE_ENV: 'production',
          PORT: String(stockPort),
          SUPERGRAPH_PATH: path.join(REPO_ROOT, 'supergraph.graphql'),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    await new Promise<void>((resolve, reject) => {
      stock!.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
      stock!.once('exit', (code) => reject(new Error(`stock gateway exited (${code})`)));
    });

    const agentryAuth = { authorization: `Bearer ${grace.token}` };
    const identityAuth = { [IDENTITY_HEADER]: sessionToken };
    const all: Target[] = [
      {
        name: 'agentry',
        url: gatewayUrl,
        pid: platform.gateway.child.pid!,
        headers: {
          federated: agentryAuth,
          single: agentryAuth,
          mutation: agentryAuth,
          apikey: { authorization: `Bearer ${key.secret}` },
        },
      },
      {
        name: 'stock',
        url: `http://127.0.0.1:${stockPort}/`,
        pid: stock.pid!,
        headers: {
          federated: identityAuth,
          single: identityAuth,
          mutation: identityAuth,
          apikey: { [IDENTITY_HEADER]: apiKeyToken },
        },
      },
      {
        name: 'direct',
        url: `${platform.subgraphs.agents.baseUrl}/graphql`,
        pid: platform.subgraphs.agents.child.pid!,
        headers: { single: identityAuth },
      },
    ];
    const targets = all.filter((t) => TARGETS.includes(t.name));
    const queries: Record<string, string> = {
      federated: FEDERATED,
      single: SINGLE,
      mutation: MUTATION,
      apikey: API_KEY_QUERY,
    };

    const pgPid = Number(
      readFileSync(path.join(pg.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const results: Result[] = [];
    for (const qname of QUERY_NAMES) {
      for (const connections of CONNECTIONS) {
        for (const target of targets) {
          if (!target.headers[qname]) continue;
          const headers = target.headers[qname];
          const measure = () => {
            const m: Record<string, number> = { gateway: ticksOf(target.pid) };
            for (const n of SUBGRAPHS) m[n] = ticksOf(platform.subgraphs[n].child.pid!);
            // Backends come and go: the postmaster's reaped children count in its cutime/cstime.
            m.postgres = reapedTicksOf(pgPid) + treeOf(pgPid).reduce((s, p) => s + ticksOf(p), 0);
            const self = process.cpuUsage();
            m.loadgen = ((self.user + self.system) / 1e6) * CLK_TCK;
            return m;
          };
          await load(target, queries[qname], headers, connections, WARMUP_SECONDS);
          const r = await load(target, queries[qname], headers, connections, SECONDS, measure);
          results.push({ target: target.name, query: qname, connections, ...r });
          const c = r.cpuMs;
          const platformMs =
            (target.name === 'direct' ? 0 : c.gateway) +
            SUBGRAPHS.reduce((s, n) => s + c[n], 0) +
            c.postgres;
          console.log(
            `${qname.padEnd(9)} ${String(connections).padStart(5)} ${target.name.padEnd(8)} ` +
              `${r.rps.toFixed(0).padStart(6)} rps  p50 ${r.p50.toFixed(0).padStart(5)} ms  p99 ${r.p99.toFixed(0).padStart(5)} ms  ` +
              `cpu/req: gw ${c.gateway.toFixed(2)} ${SUBGRAPHS.map((n) => `${n} ${c[n].toFixed(2)}`).join(' ')} pg ${c.postgres.toFixed(2)} ` +
              `platform ${platformMs.toFixed(2)} ms  errors ${r.errors}${r.firstError ? ` (${r.firstError.slice(0, 160)})` : ''}`,
          );
        }
      }
    }
    printTable(results);
  } finally {
    if (stock && stock.exitCode === null) {
      stock.kill('SIGTERM');
      await Promise.race([new Promise((r) => stock!.once('exit', r)), sleep(5000)]);
      stock.kill('SIGKILL');
    }
    await platform.stop();
    await Promise.all(examples.map((a) => a.stop()));
    await pg.stop();
  }
}

function printTable(results: Result[]) {
  const rows = [
    '| query | conns | target | RPS | p50 ms | p99 ms | gateway CPU ms/req | users | agents | billing | reviews | tasks | postgres | platform CPU ms/req | errors |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const c = r.cpuMs;
    const subgraphs = SUBGRAPHS.reduce((s, n) => s + c[n], 0);
    const platformMs = (r.target === 'direct' ? 0 : c.gateway) + subgraphs + c.postgres;
    rows.push(
      `| ${r.query} | ${r.connections} | ${r.target} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.target === 'direct' ? '—' : c.gateway.toFixed(2)} | ${SUBGRAPHS.map((n) => c[n].toFixed(2)).join(' | ')} | ${c.postgres.toFixed(2)} | ${platformMs.toFixed(2)} | ${r.errors} |`,
    );
  }
  console.log(`\n${rows.join('\n')}\n`);
  // The issue's ratios, where both sides were measured.
  for (const conns of CONNECTIONS) {
    const find = (t: string, q: string) =>
      results.find((r) => r.target === t && r.query === q && r.connections === conns);
    const a = find('agentry', 'federated');
    const s = find('stock', 'federated');
    if (a && s)
      console.log(
        `${conns} connections: P1 gateway CPU/req agentry/stock = ${(a.cpuMs.gateway / s.cpuMs.gateway).toFixed(2)} (goal <= 0.33)`,
      );
    const single = find('agentry', 'single');
    const direct = find('direct', 'single');
    if (single && direct)
      console.log(
        `${conns} connections: P3 single-subgraph RPS gateway/direct = ${(single.rps / direct.rps).toFixed(2)} (goal >= 0.5)`,
      );
  }
  const failed = results.reduce((n, r) => n + r.errors, 0);
  console.log(`P4: ${failed} failed requests in all runs`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
