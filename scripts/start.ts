import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_PORTS,
  ensureWebClientBuilt,
  generateSecrets,
  portInUse,
  startEmbeddedPostgres,
  startPlatform,
  type EmbeddedPostgres,
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

/**
 * `npm start`: the whole platform on one machine with no configuration. Embedded PostgreSQL keeps
 * its data in .agentry/postgres (set DATABASE_URL to use another server), secrets are generated
 * once into .agentry/secrets.json, demo data is loaded on the first run. Ctrl-C stops everything.
 */
const root = path.join(__dirname, '..');
const stateDir = path.join(root, '.agentry');
const started = Date.now();

function loadSecrets(): Promise<PlatformSecrets> | PlatformSecrets {
  const file = path.join(stateDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as PlatformSecrets;
  return generateSecrets().then((s) => {
    writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
    return s;
  });
}

/** Set on Ctrl-C: the terminal signals every process at once, so shutdown chatter is noise. */
let stopping = false;

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
  mkdirSync(stateDir, { recursive: true });
  const secrets = await loadSecrets();
  const ports: [string, number][] = [
    ...Object.entries(DEFAULT_PORTS),
    ...Object.entries(EXAMPLE_AGENTS).map(([n, a]): [string, number] => [
      `${n} agent`,
      a.defaultPort,
    ]),
    ...Object.entries(EXAMPLE_MCP_SERVERS).map(([n, s]): [string, number] => [
      `${n} MCP server`,
      s.defaultPort,
    ]),
  ];
  for (const [name, port] of ports) {
    if (await portInUse(port))
      throw new Error(`port ${port} (${name}) is in use — is Agentry already running?`);
  }

  let pg: EmbeddedPostgres | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.log('starting embedded PostgreSQL (data in .agentry/postgres)…');
    pg = await startEmbeddedPostgres({
      dataDir: path.join(stateDir, 'postgres'),
      port: Number(process.env.AGENTRY_PG_PORT ?? 54329),
    });
    databaseUrl = pg.url;
  }

  let platform: Platform | undefined;
  let examples: RunningExampleAgent[] = [];
  let mcpServers: RunningExampleMcpServer[] = [];
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await platform?.stop().catch(() => {});
    await Promise.all(examples.map((a) => a.stop().catch(() => {})));
    await Promise.all(mcpServers.map((s) => s.stop().catch(() => {})));
    await pg?.stop().catch(() => {});
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    if (await ensureWebClientBuilt()) console.log('built the web client (web-client/dist)');
    console.log('starting example A2A agents, subgraphs and gateway…');
    examples = await startExampleAgents();
    mcpServers = await startExampleMcpServers();
    const toolUrls = Object.fromEntries(mcpServers.map((s) => [s.name, s.url]));
    const exampleUrls = Object.fromEntries(examples.map((a) => [a.name, a.url])) as ExampleUrls;
    platform = await startPlatform({
      databaseUrl,
      secrets,
      ports: DEFAULT_PORTS,
      onLine: printLine,
    });
    platform.gateway.exited.then(() => !stopping && void stop(1));
    await seedDemo(platform.gatewayUrl, databaseUrl, exampleUrls, (l) => console.log(l), toolUrls);
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
    console.error(`\nAgentry failed to start: ${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
  }
}

void main();
