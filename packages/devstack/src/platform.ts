import { randomBytes } from 'node:crypto';
import {
  GATEWAY_SPEC,
  SERVICES,
  SUBGRAPH_NAMES,
  generateIdentityKeys,
  serviceSpec,
  subgraphUrlKey,
  type IdentityKeys,
  type ServiceName,
  type SubgraphName,
} from '@agentry/core';
import { freePort } from './ports';
import { startService, type ServiceProcess } from './process';

/** The subgraphs, from the service manifest (@agentry/core `SERVICES`). */
export const SUBGRAPHS = SUBGRAPH_NAMES;
export type { SubgraphName };

/** Default ports from the manifest: what `npm start` and docker-compose.yml use. */
export const DEFAULT_PORTS = Object.fromEntries(SERVICES.map((s) => [s.name, s.port])) as Record<
  ServiceName,
  number
>;

export interface PlatformSecrets {
  sessionTokenSecret: string;
  identity: IdentityKeys;
}

export async function generateSecrets(): Promise<PlatformSecrets> {
  return {
    sessionTokenSecret: randomBytes(32).toString('base64url'),
    identity: await generateIdentityKeys(),
  };
}

export interface StartPlatformOptions {
  databaseUrl: string;
  secrets: PlatformSecrets;
  /** Ports per service; `0` or missing picks a free port (tests), `npm start` passes DEFAULT_PORTS. */
  ports?: Partial<Record<SubgraphName | 'gateway', number>>;
  /** Extra environment for every service (e.g. NODE_ENV, AGENTRY_DEBUG_SQL). */
  env?: NodeJS.ProcessEnv;
  /** Extra environment per service. */
  serviceEnv?: Partial<Record<SubgraphName | 'gateway', NodeJS.ProcessEnv>>;
  onLine?: (service: string, line: string) => void;
  /** Node flags for every service process (e.g. `--max-semi-space-size=4`, npm start). */
  nodeArgs?: string[];
}

export interface Platform {
  gatewayUrl: string;
  gateway: ServiceProcess;
  subgraphs: Record<SubgraphName, ServiceProcess>;
  /** Common environment the services were started with (for restarting one). */
  env: NodeJS.ProcessEnv;
  /** Starts a subgraph again after it was stopped or killed, on the same port. */
  restart(name: SubgraphName): Promise<ServiceProcess>;
  /**
   * Starts one more replica of a subgraph or of the gateway on a free port (scale-out tests);
   * replicas are stopped with the platform.
   */
  startReplica(name: SubgraphName | 'gateway', env?: NodeJS.ProcessEnv): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** Starts the five subgraphs (in parallel, each migrating its own schema), then the gateway. */
export async function startPlatform(options: StartPlatformOptions): Promise<Platform> {
  const ports: Record<string, number> = {};
  for (const { name } of SERVICES)
    ports[name] = options.ports?.[name as ServiceName] || (await freePort());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    SESSION_TOKEN_SECRET: options.secrets.sessionTokenSecret,
    GATEWAY_IDENTITY_PUBLIC_KEY: options.secrets.identity.publicKeyPem,
    ...options.env,
  };
  for (const name of SUBGRAPHS)
    env[subgraphUrlKey(name)] = `http://127.0.0.1:${ports[name]}/graphql`;

  const startSubgraph = (name: SubgraphName, port = ports[name], extra: NodeJS.ProcessEnv = {}) =>
    startService({
      name,
      entry: serviceSpec(name).entry,
      port,
      env: { ...env, ...options.serviceEnv?.[name], ...extra },
      readyPath: '/ready',
      onLine: options.onLine,
      nodeArgs: options.nodeArgs,
    });
  const startGateway = (port: number, extra: NodeJS.ProcessEnv = {}) =>
    startService({
      name: 'gateway',
      entry: GATEWAY_SPEC.entry,
      port,
      env: {
        ...env,
        GATEWAY_IDENTITY_PRIVATE_KEY: options.secrets.identity.privateKeyPem,
        ...options.serviceEnv?.gateway,
        ...extra,
      },
      readyPath: '/ready',
      onLine: options.onLine,
      nodeArgs: options.nodeArgs,
    });
  const replicas: ServiceProcess[] = [];

  const started = await Promise.allSettled(SUBGRAPHS.map((name) => startSubgraph(name)));
  const failed = started.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const subgraphs = {} as Record<SubgraphName, ServiceProcess>;
  started.forEach((r, i) => {
    if (r.status === 'fulfilled') subgraphs[SUBGRAPHS[i]] = r.value;
  });
  if (failed.length) {
    await Promise.all(Object.values(subgraphs).map((s) => s.stop()));
    throw failed[0].reason;
  }
  let gateway: ServiceProcess;
  try {
    gateway = await startGateway(ports.gateway);
  } catch (err) {
    await Promise.all(Object.values(subgraphs).map((s) => s.stop()));
    throw err;
  }
  return {
    gatewayUrl: `${gateway.baseUrl}/graphql`,
    gateway,
    subgraphs,
    env,
    async restart(name) {
      await subgraphs[name].stop();
      subgraphs[name] = await startSubgraph(name);
      return subgraphs[name];
    },
    async startReplica(name, extra) {
      const port = await freePort();
      const replica =
        name === 'gateway'
          ? await startGateway(port, extra)
          : await startSubgraph(name, port, extra);
      replicas.push(replica);
      return replica;
    },
    async stop() {
      await Promise.all(replicas.map((r) => r.stop()));
      await gateway.stop();
      await Promise.all(Object.values(subgraphs).map((s) => s.stop()));
    },
  };
}
