import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_PORTS,
  ensureWebClientBuilt,
  generateSecrets,
  killStartedProcesses,
  neo4jEnv,
  neo4jUnavailableReason,
  portInUse,
  REPO_ROOT,
  startEmbeddedPostgres,
  startNeo4jIfPossible,
  startPlatform,
  type EmbeddedPostgres,
  type Neo4jServer,
  type OptionalNeo4j,
  type Platform,
  type PlatformSecrets,
} from '@agentry/devstack';
import {
  EXAMPLE_AGENTS,
  startExampleAgents,
  type RunningExampleAgent,
} from '@agentry/example-agents';
import {
  EXAMPLE_MCP_SERVERS,
  startExampleMcpServers,
  type RunningExampleMcpServer,
} from '@agentry/example-mcp';
import { DEMO_USERS, seedDemo, signIn, type ExampleUrls } from './seed';
import { SERVICE_ENV, SERVICE_NODE_ARGS } from './service-settings';

/**
 * `npm start`: the whole platform on one machine with no configuration. Embedded PostgreSQL keeps
 * its data in .agentry/postgres (set DATABASE_URL to use another server), Neo4j (when Java is
 * here) in .agentry/neo4j (set NEO4J_URL to use another server), secrets are generated once into
 * .agentry/secrets.json, demo data is loaded on the first run. Ctrl-C stops everything.
 */
const root = REPO_ROOT;
/** Where data and secrets are kept (default `.agentry`; tests give each run its own). */
const stateDir = path.resolve(root, process.env.AGENTRY_STATE_DIR ?? '.agentry');
/**
 * Added to every fixed port (services, example agents and MCP servers, PostgreSQL), so a second
 * platform can run beside the first (tests of npm start itself do).
 */
const portOffset = Number(process.env.AGENTRY_PORT_OFFSET ?? 0);
const shifted = <K extends string>(ports: Record<K, number>) =>
  Object.fromEntries(Object.entries<number>(ports).map(([k, p]) => [k, p + portOffset])) as Record<
    K,
    number
  >;
const started = Date.now();

/** Neo4j for npm start: see docs/BENCHMARKS.md, "Memory of npm start". */
const NEO4J_HEAP = process.env.AGENTRY_NEO4J_HEAP ?? '256m';
const NEO4J_JAVA_OPTS =
  process.env.AGENTRY_NEO4J_JAVA_OPTS ??
  '-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=48m -Xss512k';

function loadSecrets(): Promise<PlatformSecrets> | PlatformSecrets {
  const file = path.join(stateDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as PlatformSecrets;
  return generateSecrets().then((s) => {
    writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
    return s;
  });
}

/** Set on Ctrl-C: shutdown chatter from the services is noise. */
let stopping = false;
/** Everything is stopped within this long of Ctrl-C (what is still running then is killed). */
const STOP_BOUND_MS = 9000;

const colors = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[31m'];
const colorOf = new Map<string, string>();
function printLine(service: string, line: string) {
  if (stopping) return;
  if (!colorOf.has(service)) colorOf.set(service, colors[colorOf.size % colors.length]);
  let text = line;
  try {
    const j = JSON.parse(line);
    if (j.level < 40 && !process.env.LOG_LEVEL) return; // info lines only when asked for
    text = `${j.msg}${j.err ? ` ${j.err.message ?? ''}` : ''}`;
  } catch {
    /* not JSON */
  }
  process.stdout.write(`${colorOf.get(service)}${service.padEnd(8)}\x1b[0m ${text}\n`);
}

async function main() {
  let pg: EmbeddedPostgres | undefined;
  let neo4j: Neo4jServer | undefined;
  let platform: Platform | undefined;
  let examples: RunningExampleAgent[] = [];
  let mcpServers: RunningExampleMcpServer[] = [];
  /**
   * Services first (each is bounded by its own shutdown grace, then killed), PostgreSQL last, so
   * nothing loses its database mid-drain; whatever was still starting is killed at the end. A
   * second Ctrl-C skips the wait. Installed before anything starts: a Ctrl-C during start-up
   * must stop what has started so far, too.
   */
  const stop = async (code: number) => {
    if (stopping) {
      killStartedProcesses();
      process.exit(1);
    }
    stopping = true;
    console.log('\nstopping…');
    setTimeout(() => {
      killStartedProcesses();
      process.exit(1);
    }, STOP_BOUND_MS).unref();
    await platform?.stop().catch(() => {});
    await Promise.all(examples.map((a) => a.stop().catch(() => {})));
    await Promise.all(mcpServers.map((s) => s.stop().catch(() => {})));
    await Promise.all([pg?.stop().catch(() => {}), neo4j?.stop().catch(() => {})]);
    killStartedProcesses();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  mkdirSync(stateDir, { recursive: true });
  const secrets = await loadSecrets();
  const servicePorts = shifted(DEFAULT_PORTS);
  const firstAgentPort = Math.min(...Object.values(EXAMPLE_AGENTS).map((a) => a.defaultPort));
  const firstMcpPort = Math.min(...Object.values(EXAMPLE_MCP_SERVERS).map((s) => s.defaultPort));
  const pgPort = Number(process.env.AGENTRY_PG_PORT ?? 54329) + portOffset;
  const ports: [string, number][] = [
    ...Object.entries(servicePorts),
    ...Object.entries(EXAMPLE_AGENTS).map(([n, a]): [string, number] => [
      `${n} agent`,
      a.defaultPort + portOffset,
    ]),
    ...Object.entries(EXAMPLE_MCP_SERVERS).map(([n, s]): [string, number] => [
      `${n} MCP server`,
      s.defaultPort + portOffset,
    ]),
  ];
  for (const [name, port] of ports) {
    if (await portInUse(port))
      throw new Error(`port ${port} (${name}) is in use — is Agentry already running?`);
  }

  // Neo4j is optional (only the knowledge features need it) and its JVM is the slowest thing to
  // start, so it starts first, beside PostgreSQL, and a failure is one line, not a stop.
  const noNeo4j = process.env.NEO4J_URL ? undefined : neo4jUnavailableReason();
  if (noNeo4j) console.log(`Neo4j is not running: ${noNeo4j}; everything else starts without it`);
  else if (!process.env.NEO4J_URL)
    console.log(`starting Neo4j (data in ${path.relative(root, stateDir) || '.'}/neo4j)…`);
  const neo4jStarting: Promise<OptionalNeo4j> = noNeo4j
    ? Promise.resolve({ problem: noNeo4j })
    : startNeo4jIfPossible({
        dataDir: path.join(stateDir, 'neo4j'),
        port: Number(process.env.AGENTRY_NEO4J_PORT ?? 7687) + portOffset,
        heap: NEO4J_HEAP,
        env: { ...process.env, AGENTRY_NEO4J_JAVA_OPTS: NEO4J_JAVA_OPTS },
        onLog: (line) => {
          if (!/^NEO4J_(READY|STOPPED)/.test(line)) printLine('neo4j', line);
        },
      });
  // Known as soon as it is up, so a Ctrl-C while Neo4j is still starting stops it too.
  void neo4jStarting.then((r) => {
    neo4j = r.server;
    if (stopping) void r.server?.stop();
    // Only the knowledge features depend on it: say so, and keep the rest running.
    void r.server?.exited.then((code) => printLine('neo4j', `exited (code ${code})`));
  });

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.log(
      `starting embedded PostgreSQL (data in ${path.relative(root, stateDir) || '.'}/postgres)…`,
    );
    pg = await startEmbeddedPostgres({
      dataDir: path.join(stateDir, 'postgres'),
      port: pgPort,
    });
    if (stopping) return;
    databaseUrl = pg.url;
  }

  try {
    if (await ensureWebClientBuilt()) console.log('built the web client (web-client/dist)');
    console.log('starting example A2A agents, subgraphs and gateway…');
    examples = await startExampleAgents(undefined, { basePort: firstAgentPort + portOffset });
    mcpServers = await startExampleMcpServers(undefined, { basePort: firstMcpPort + portOffset });
    const toolUrls = Object.fromEntries(mcpServers.map((s) => [s.name, s.url]));
    const exampleUrls = Object.fromEntries(examples.map((a) => [a.name, a.url])) as ExampleUrls;
    const graph = await neo4jStarting;
    if (graph.problem && !noNeo4j)
      console.log(`Neo4j is not running (${graph.problem}); everything else starts without it`);
    platform = await startPlatform({
      databaseUrl,
      secrets,
      ports: servicePorts,
      // The knowledge subgraph finds Neo4j here; without it, its fields answer an error.
      env: { ...SERVICE_ENV, ...(graph.server ? neo4jEnv(graph.server) : {}) },
      nodeArgs: SERVICE_NODE_ARGS,
      onLine: printLine,
    });
    platform.gateway.exited.then(() => !stopping && void stop(1));
    await seedDemo(platform.gatewayUrl, databaseUrl, exampleUrls, (l) => console.log(l), toolUrls, {
      knowledgeDemo: true,
    });
    const grace = await signIn(platform.gatewayUrl, 'grace');
    const u = DEMO_USERS;
    console.log(`
Agentry is running (${((Date.now() - started) / 1000).toFixed(1)} s)

  Web client        ${platform.gateway.baseUrl}/   (open it, sign in as ${u.grace.email} / ${u.grace.password})
  GraphQL gateway   ${platform.gatewayUrl}
  Example agents    ${examples.map((a) => `${a.name} ${a.url}`).join('  ')}
  MCP tool servers  ${mcpServers.map((s) => `${s.name} ${s.url}`).join('  ')}
  Agentry as MCP    ${platform.gatewayUrl.replace(/graphql$/, 'mcp')}  (Authorization: Bearer <API key>)
  Subgraphs         ${Object.values(platform.subgraphs)
    .map((s) => s.baseUrl)
    .join('  ')}
  PostgreSQL        ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}
  Neo4j (Bolt)      ${graph.server ? `${graph.server.url}${graph.server.password ? '' : '  (no auth: any user and password)'}` : `not running: ${graph.problem}`}

Demo accounts (development data only):
  admin      ${u.admin.email} / ${u.admin.password}
  publisher  ${u.ada.email} / ${u.ada.password}   (also ${u.lin.email})
  user       ${u.grace.email} / ${u.grace.password}   (also ${u.alan.email})

Try it:
  curl -s ${platform.gatewayUrl} -H 'content-type: application/json' \\
    -H 'authorization: Bearer ${grace?.token ?? '<token from signIn>'}' \\
    -d '{"query":"{ me { name wallet { balance } } agents(first: 3) { edges { node { name provider { name } rating { average count } } } } }"}'

Ctrl-C stops everything.`);
  } catch (err) {
    if (stopping) return; // a Ctrl-C during start-up; stop() is on it
    console.error(`\nAgentry failed to start: ${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
  }
}

main().catch((err: unknown) => {
  console.error(`Agentry failed to start: ${err instanceof Error ? err.message : String(err)}`);
  killStartedProcesses();
  process.exit(1);
});
