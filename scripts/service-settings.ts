/**
 * How `npm start` runs its Node services (bench/gateway.ts runs them the same way), for memory
 * (docs/BENCHMARKS.md, "Memory of npm start"): a young generation of 4 MB semi-spaces instead of
 * V8's 16 (what an idle service otherwise keeps committed after start-up), and two malloc arenas
 * per process instead of eight per core. Override with AGENTRY_SERVICE_NODE_ARGS and
 * MALLOC_ARENA_MAX; start.ts sizes Neo4j (AGENTRY_NEO4J_HEAP, AGENTRY_NEO4J_JAVA_OPTS).
 */
export const SERVICE_NODE_ARGS = (
  process.env.AGENTRY_SERVICE_NODE_ARGS ?? '--max-semi-space-size=4'
)
  .split(/\s+/)
  .filter(Boolean);
export const SERVICE_ENV: NodeJS.ProcessEnv = {
  MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
};
