import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { Client } from 'pg';
import { EVENTS_CHANNEL, domainEvent } from '@agentry/events';
import {
  generateSecrets,
  neo4jEnv,
  startEmbeddedPostgres,
  startNeo4j,
  startPlatform,
} from '@agentry/devstack';
import { BENCH_GATEWAY_ENV, gql, signUp } from './common';

/**
 * The knowledge subgraph at scale, through the gateway:
 *  1. a generated graph (default 10,000 agents, 50,000 users, 500,000 hires; hires skewed
 *     towards popular agents, 3 skills and 3 tags per agent from 500 skills and 100 tags,
 *     20 categories) written straight into Neo4j with the projection's labels and properties;
 *  2. p50/p99 of `agent(id) { similarAgents }` and `me { recommendedAgents }` through the
 *     gateway (4 clients in parallel);
 *  3. projection lag, event committed -> graph marker past it, with task.completed events
 *     published at 200/s for 20 s.
 *
 *   node -r ./scripts/register.js bench/knowledge.ts [agents=10000] [users=50000] [hires=500000]
 */
const [AGENTS, USERS, HIRES] = [
  Number(process.argv[2] ?? 10_000),
  Number(process.argv[3] ?? 50_000),
  Number(process.argv[4] ?? 500_000),
];
const REAL_AGENTS = 40; // agents that also exist in the agents subgraph (the root of `agent(id)`)
const REAL_USERS = 20; // users who can sign in (for `me`)
const REQUESTS = 400;
const CONCURRENCY = 4;
const RATE = 200;
const LAG_SECONDS = 20;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const fmt = (n: number) => n.toFixed(1);

async function generate(driver: Driver, realAgents: string[], realUsers: string[]) {
  const run = (q: string, p: Record<string, unknown> = {}) => driver.executeQuery(q, p);
  for (const q of [
    'CREATE CONSTRAINT agent_id IF NOT EXISTS FOR (n:Agent) REQUIRE n.id IS UNIQUE',
    'CREATE CONSTRAINT user_id IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE',
    'CREATE CONSTRAINT skill_key IF NOT EXISTS FOR (n:Skill) REQUIRE n.key IS UNIQUE',
    'CREATE CONSTRAINT tag_key IF NOT EXISTS FOR (n:Tag) REQUIRE n.key IS UNIQUE',
    'CREATE CONSTRAINT category_key IF NOT EXISTS FOR (n:Category) REQUIRE n.key IS UNIQUE',
    'CREATE INDEX bench_agent_i IF NOT EXISTS FOR (n:Agent) ON (n.i)',
    'CREATE INDEX bench_user_i IF NOT EXISTS FOR (n:User) ON (n.i)',
    'CALL db.awaitIndexes(120)',
  ])
    await run(q);
  await run(`UNWIND range(0, 499) AS i CREATE (:Skill {key: 'skill ' + i, name: 'Skill ' + i})`);
  await run(`UNWIND range(0, 99) AS i CREATE (:Tag {key: 'tag ' + i, name: 'tag ' + i})`);
  await run(`UNWIND range(0, 19) AS i CREATE (:Category {key: 'cat ' + i, name: 'cat ' + i})`);
  const ids = Array.from({ length: AGENTS }, (_, i) => realAgents[i] ?? randomUUID());
  for (let from = 0; from < AGENTS; from += 5000) {
    await run(
      `UNWIND range($from, $to - 1) AS i
       CREATE (a:Agent {i: i, id: $ids[i - $from], name: 'Agent ' + i, slug: 'agent-' + i,
                        status: 'PUBLISHED', published: i % 50 <> 49, hirers: 0,
                        providerId: 'bench'})
       WITH a, i
       MATCH (c:Category {key: 'cat ' + (i % 20)})
       CREATE (a)-[:IN_CATEGORY]->(c)
       WITH a, i
       UNWIND [0, 1, 2] AS k
       MATCH (s:Skill {key: 'skill ' + ((i * 7 + k * 13 + (i % 20) * 25) % 500)})
       MERGE (a)-[:HAS_SKILL]->(s)
       WITH a, i, k
       MATCH (t:Tag {key: 'tag ' + ((i * 3 + k * 31) % 100)})
       MERGE (a)-[:HAS_TAG]->(t)`,
      {
        from: neo4j.int(from),
        to: neo4j.int(Math.min(AGENTS, from + 5000)),
        ids: ids.slice(from, from + 5000),
      },
    );
  }
  const userIds = Array.from({ length: USERS }, (_, i) => realUsers[i] ?? randomUUID());
  for (let from = 0; from < USERS; from += 10_000)
    await run(`UNWIND range($from, $to - 1) AS i CREATE (:User {i: i, id: $ids[i - $from]})`, {
      from: neo4j.int(from),
      to: neo4j.int(Math.min(USERS, from + 10_000)),
      ids: userIds.slice(from, from + 10_000),
    });
  // Hires: each user hires HIRES/USERS agents, popular ones more often (rand()^2 skew), around a
  // "taste" (users with nearby numbers hire nearby agents), so co-hires mean something.
  const perUser = Math.max(1, Math.round(HIRES / USERS));
  for (let from = 0; from < USERS; from += 2000) {
    await run(
      `MATCH (u:User) WHERE u.i >= $from AND u.i < $to
       UNWIND range(1, $perUser) AS k
       WITH u, CASE WHEN rand() < 0.5
                 THEN toInteger($agents * rand() * rand())
                 ELSE (toInteger(u.i * $agents / $users) + toInteger(rand() * 200)) % $agents END AS ai
       MATCH (a:Agent {i: ai})
       MERGE (u)-[h:HIRED]->(a)
         ON CREATE SET h.count = 1, h.lastAt = datetime()
         ON MATCH SET h.count = h.count + 1`,
      {
        from: neo4j.int(from),
        to: neo4j.int(from + 2000),
        perUser: neo4j.int(perUser),
        agents: neo4j.int(AGENTS),
        users: neo4j.int(USERS),
      },
    );
  }
  // Some reviews (a tenth of the hires), then each agent's distinct hirers, in batches
  // (CALL IN TRANSACTIONS needs an auto-commit transaction).
  const s = driver.session();
  try {
    await s.run(
      `MATCH (u:User)-[:HIRED]->(a:Agent) WHERE rand() < 0.1
       CALL (u, a) { CREATE (u)-[:REVIEWED {rating: 1 + toInteger(rand() * 5)}]->(a) }
       IN TRANSACTIONS OF 20000 ROWS`,
    );
    await s.run(
      `MATCH (a:Agent)
       CALL (a) { SET a.hirers = COUNT { (a)<-[:HIRED]-() } } IN TRANSACTIONS OF 5000 ROWS`,
    );
  } finally {
    await s.close();
  }
  const counts = await run(
    `RETURN COUNT { (:Agent) } AS agents, COUNT { (:User) } AS users,
            COUNT { ()-[:HIRED]->() } AS hires, COUNT { ()-[:REVIEWED]->() } AS reviews`,
  );
  return counts.records[0].toObject();
}

async function latencies(label: string, call: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await call(i); // warm-up (plans, JIT, caches)
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const i = next++;
        const t0 = performance.now();
        await call(i);
        times.push(performance.now() - t0);
      }
    }),
  );
  console.log(
    `${label.padEnd(34)} | ${String(times.length).padStart(8)} | ${fmt(pct(times, 0.5)).padStart(6)} | ${fmt(pct(times, 0.99)).padStart(6)}`,
  );
  return { p50: pct(times, 0.5), p99: pct(times, 0.99) };
}

async function projectionLag(
  databaseUrl: string,
  driver: Driver,
  agents: string[],
  users: string[],
) {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const committed = new Map<number, number>();
  const lags: number[] = [];
  let stop = false;
  const marker = async () => {
    const r = await driver.executeQuery(
      "MATCH (p:Projection {name: 'events'}) RETURN p.eid AS eid",
      {},
      { routing: neo4j.routing.READ },
    );
    return r.records.length ? Number(r.records[0].get('eid')) : 0;
  };
  let deadline = Infinity;
  const watcher = (async () => {
    while ((!stop || committed.size) && performance.now() < deadline) {
      const eid = await marker();
      const now = performance.now();
      for (const [id, at] of committed)
        if (id <= eid) {
          lags.push(now - at);
          committed.delete(id);
        }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const total = RATE * LAG_SECONDS;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const taskId = randomUUID();
    const e = domainEvent('task.completed', taskId, {
      taskId,
      agentId: agents[i % agents.length],
      requesterId: users[(i * 7) % users.length],
      providerId: randomUUID(),
      completedAt: new Date().toISOString(),
    });
    const r = await pg.query(
      `WITH e AS (INSERT INTO events.log (topic, key, payload, producer)
                  VALUES ($1, $2, $3::jsonb, 'tasks') RETURNING id)
       SELECT id::text AS id, pg_notify($4, $1) FROM e`,
      [e.topic, e.key, JSON.stringify(e.payload), EVENTS_CHANNEL],
    );
    committed.set(Number(r.rows[0].id), performance.now());
  }
  const sent = performance.now() - t0;
  stop = true;
  deadline = performance.now() + 60_000;
  await watcher;
  if (committed.size) console.log(`${committed.size} events not applied within 60 s`);
  await pg.end();
  return { events: total, rate: total / (sent / 1000), p50: pct(lags, 0.5), p99: pct(lags, 0.99) };
}

async function main() {
  const tmp = os.tmpdir();
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(tmp, `agentry-bench-knowledge-pg-${process.pid}`),
    persistent: false,
  });
  const graph = await startNeo4j({
    dataDir: path.join(tmp, `agentry-bench-knowledge-neo4j-${process.pid}`),
    persistent: false,
    useExternal: false,
    heap: process.env.AGENTRY_NEO4J_HEAP ?? '1g',
    pageCache: process.env.AGENTRY_NEO4J_PAGE_CACHE ?? '512m',
  });
  const platform = await startPlatform({
    databaseUrl: pg.url,
    secrets: await generateSecrets(),
    env: { NODE_ENV: 'test', LOG_LEVEL: 'error', ...neo4jEnv(graph) },
    serviceEnv: { gateway: BENCH_GATEWAY_ENV },
  });
  const driver = neo4j.driver(graph.url, neo4j.auth.basic(graph.user, graph.password));
  try {
    const gw = platform.gatewayUrl;
    const publisher = await signUp(gw, `bench-publisher-${process.pid}@bench.dev`, true);
    const realAgents: string[] = [];
    for (let i = 0; i < REAL_AGENTS; i++) {
      const d = await gql(
        gw,
        'mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }',
        {
          i: {
            name: `Bench agent ${i}`,
            description: 'A benchmark agent.',
            url: 'http://127.0.0.1:9/',
            version: '1.0.0',
            category: `cat-${i % 20}`,
            tags: [],
            priceCredits: 1,
            skills: [{ id: 's', name: 'Skill', description: 'x', tags: [], examples: [] }],
            capabilities: {
              streaming: false,
              pushNotifications: false,
              stateTransitionHistory: false,
            },
          },
        },
        publisher,
      );
      realAgents.push(d.createAgent.id);
    }
    const tokens: string[] = [];
    const realUsers: string[] = [];
    for (let i = 0; i < REAL_USERS; i++) {
      const token = await signUp(gw, `bench-user-${process.pid}-${i}@bench.dev`);
      tokens.push(token);
      realUsers.push((await gql(gw, '{ me { id } }', {}, token)).me.id);
    }
    // The projection's consumer has seen the sign-ups and agents; the generated graph replaces
    // what it wrote for them (same ids, so the real ones get generated history).
    await new Promise((r) => setTimeout(r, 3000));
    await driver.executeQuery('MATCH (n) DETACH DELETE n');
    const t0 = performance.now();
    const counts = await generate(driver, realAgents, realUsers);
    console.log(
      `generated graph: ${JSON.stringify(counts)} in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    await driver.executeQuery("MERGE (p:Projection {name: 'events'}) SET p.tx = -1, p.eid = -1");

    console.log(
      `\nquery (through the gateway, ${CONCURRENCY} clients) | requests | p50 ms | p99 ms`,
    );
    const similar = await latencies('agent(id) { similarAgents }', (i) =>
      gql(
        gw,
        'query($id: ID!) { agent(id: $id) { id similarAgents(first: 10) { agent { id } score reasons } } }',
        { id: realAgents[i % realAgents.length] },
      ),
    );
    const recommended = await latencies('me { recommendedAgents }', (i) =>
      gql(
        gw,
        '{ me { id recommendedAgents(first: 10) { agent { id } score reasons } } }',
        {},
        tokens[i % tokens.length],
      ),
    );
    const together = await latencies('agent(id) { hiredTogetherWith }', (i) =>
      gql(
        gw,
        'query($id: ID!) { agent(id: $id) { id hiredTogetherWith(first: 10) { agent { id } score } } }',
        { id: realAgents[i % realAgents.length] },
      ),
    );
    const lag = await projectionLag(pg.url, driver, realAgents, realUsers);
    console.log(
      `\nprojection lag: ${lag.events} task.completed events at ${lag.rate.toFixed(0)}/s: p50 ${fmt(lag.p50)} ms, p99 ${fmt(lag.p99)} ms`,
    );
    console.log(
      JSON.stringify({
        counts,
        similar,
        recommended,
        together,
        lag,
        cpus: os.cpus().length,
        load: os.loadavg(),
      }),
    );
  } finally {
    await driver.close();
    await platform.stop();
    await graph.stop();
    await pg.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
