/**
 * The one manifest of Agentry's services: names, default ports, entry points and what each one
 * needs. devstack starts them from it, the gateway's configuration and the tasks subgraph's
 * billing client read it, `npm run codegen` writes supergraph.yaml and supergraph.docker.yaml from
 * it, and tests check docker-compose.yml against it. A new subgraph starts here.
 */
export interface ServiceSpec {
  /** The service's name: its folder, its compose service, its supergraph key and its Postgres schema. */
  readonly name: string;
  readonly kind: 'gateway' | 'subgraph';
  /** Port under `npm start` and in docker-compose.yml. */
  readonly port: number;
  /** TypeScript entry point, relative to the repository root. */
  readonly entry: string;
  /** Serves graphql-ws subscriptions on `/graphql` (the gateway follows them). */
  readonly subscriptions: boolean;
  /** Subgraphs this one calls directly, outside the gateway (internal routes). */
  readonly calls: readonly string[];
}

const subgraph = <N extends string>(
  name: N,
  port: number,
  extra: { subscriptions?: boolean; calls?: readonly string[] } = {},
) =>
  ({
    name,
    kind: 'subgraph',
    port,
    entry: `subgraphs/${name}/src/index.ts`,
    subscriptions: extra.subscriptions ?? false,
    calls: extra.calls ?? [],
  }) as const;

/** The subgraphs, in the order they appear in the supergraph. */
export const SUBGRAPH_SPECS = [
  subgraph('users', 4001),
  subgraph('agents', 4002),
  subgraph('billing', 4003),
  subgraph('reviews', 4004),
  subgraph('tasks', 4005, { subscriptions: true, calls: ['billing'] }),
  subgraph('knowledge', 4006),
] as const;

export type SubgraphName = (typeof SUBGRAPH_SPECS)[number]['name'];
export const SUBGRAPH_NAMES: readonly SubgraphName[] = SUBGRAPH_SPECS.map((s) => s.name);

export const GATEWAY_SPEC: ServiceSpec = {
  name: 'gateway',
  kind: 'gateway',
  port: 4000,
  entry: 'gateway/src/index.ts',
  subscriptions: true,
  calls: [...SUBGRAPH_NAMES],
};

export type ServiceName = SubgraphName | 'gateway';
export const SERVICES: readonly ServiceSpec[] = [GATEWAY_SPEC, ...SUBGRAPH_SPECS];

export function serviceSpec(name: ServiceName): ServiceSpec {
  const spec = SERVICES.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown service "${name}"`);
  return spec;
}

export const isSubgraphName = (name: string): name is SubgraphName =>
  (SUBGRAPH_NAMES as readonly string[]).includes(name);

/** The environment variable that overrides a subgraph's URL: `tasks` -> `SUBGRAPH_TASKS_URL`. */
export const subgraphUrlKey = (name: string) =>
  `SUBGRAPH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;

/**
 * A subgraph's GraphQL URL: `SUBGRAPH_<NAME>_URL` from `env` when set, else its default port on
 * loopback (what `npm start` uses).
 */
export function subgraphUrl(name: SubgraphName, env: NodeJS.ProcessEnv = {}): string {
  return env[subgraphUrlKey(name)] ?? `http://127.0.0.1:${serviceSpec(name).port}/graphql`;
}

/** The base URL (no `/graphql`) of a service's internal routes. */
export const baseUrlOf = (graphqlUrl: string) =>
  graphqlUrl.replace(/\/graphql\/?$/, '').replace(/\/$/, '');

/**
 * The header with which a service's `/health` and `/ready` answer the `AGENTRY_INSTANCE_ID` it was
 * started with. devstack gives each process it spawns its own id and waits for that id, so a
 * readiness probe is never answered by another process that happens to hold the port (two
 * stacks on one machine picking the same free port).
 */
export const INSTANCE_HEADER = 'x-agentry-instance';
export const INSTANCE_ENV = 'AGENTRY_INSTANCE_ID';
