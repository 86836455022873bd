import { loadConfig, z } from '@agentry/core';

/**
 * Knowledge-specific configuration (the common subgraph settings are read by the kit). Without
 * NEO4J_URL the subgraph still starts: its fields answer SERVICE_UNAVAILABLE and nothing is
 * projected until it is given a Neo4j.
 */
export function loadKnowledgeEnv(env: NodeJS.ProcessEnv) {
  const config = loadConfig(
    'knowledge subgraph',
    {
      /** Bolt URL of the graph store, e.g. bolt://127.0.0.1:7687 (npm start sets it). */
      NEO4J_URL: z.string().min(1).optional(),
      NEO4J_USER: z.string().default('neo4j'),
      NEO4J_PASSWORD: z.string().default(''),
      /**
       * Prefix of every label, relationship type, index and constraint this subgraph writes
       * (default none). Tests give each suite its own, since Neo4j Community has one database.
       */
      KNOWLEDGE_GRAPH_PREFIX: z
        .string()
        .regex(/^[A-Za-z0-9_]*$/, 'KNOWLEDGE_GRAPH_PREFIX may hold letters, digits and _ only')
        .default(''),
      /** Timeout of every read query, in ms (default 5000). */
      KNOWLEDGE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5000),
      /**
       * Timeout of every projection write (one batch of events), in ms (default 120000: the first
       * batch plans every write statement, which takes seconds on a busy machine).
       */
      KNOWLEDGE_WRITE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(120_000),
    },
    env,
  );
  return {
    ...config,
    graph: {
      url: config.NEO4J_URL,
      user: config.NEO4J_USER,
      password: config.NEO4J_PASSWORD,
      prefix: config.KNOWLEDGE_GRAPH_PREFIX,
      readTimeoutMs: config.KNOWLEDGE_QUERY_TIMEOUT_MS,
      writeTimeoutMs: config.KNOWLEDGE_WRITE_TIMEOUT_MS,
    } satisfies GraphSettings,
  };
}

/** How the subgraph reaches its graph store. */
export interface GraphSettings {
  /** Undefined: no graph store configured (the fields answer SERVICE_UNAVAILABLE). */
  url: string | undefined;
  user: string;
  password: string;
  prefix: string;
  readTimeoutMs: number;
  writeTimeoutMs: number;
}
